package dev.depot.memory;

import dev.depot.spi.StoredRecord;

/**
 * A transaction's not-yet-committed state of one key; a null document is a deletion. {@code row}
 * holds the index values packed for the version the commit will install ({@link IndexRow}): packed
 * when the write is staged, so the commit section does not spend time on it, and an unpackable
 * value fails the write, not the commit.
 */
record Pending(Object key, long version, byte[] document, Object[] indexValues, byte[] row) implements StoredRecord {
    Pending(Object key, long version, byte[] document, Object[] indexValues) {
        this(key, version, document, indexValues, Version.rowOf(document, indexValues));
    }

    boolean isDelete() {
        return document == null;
    }
}
