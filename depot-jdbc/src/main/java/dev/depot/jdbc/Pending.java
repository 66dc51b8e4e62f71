package dev.depot.jdbc;

import dev.depot.spi.StoredRecord;

/**
 * A key a transaction wrote: what it was ({@link #base}) and what it is now. A null document is a
 * deletion, whose version is the version deleted. Immutable, so a batch can be undone by restoring a
 * copy of the map that holds these. {@code anyKeyOrder} is the write's (see {@link dev.depot.spi.Write}).
 */
record Pending(Base base, long version, byte[] document, Object[] values, boolean anyKeyOrder) implements StoredRecord {
    @Override
    public Object key() {
        return base.key();
    }

    boolean present() {
        return document != null;
    }
}
