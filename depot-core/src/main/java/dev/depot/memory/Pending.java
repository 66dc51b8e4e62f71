package dev.depot.memory;

import dev.depot.spi.StoredRecord;

/** A transaction's not-yet-committed state of one key; a null document is a deletion. */
record Pending(Object key, long version, byte[] document, Object[] indexValues) implements StoredRecord {
    boolean isDelete() {
        return document == null;
    }
}
