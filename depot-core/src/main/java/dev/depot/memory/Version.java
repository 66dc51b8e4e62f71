package dev.depot.memory;

import dev.depot.spi.StoredRecord;

/**
 * One committed (or committing) version of a record: a node in the record's newest-first version
 * chain. Immutable but for the link to older versions, which pruning cuts once no snapshot needs
 * them, and for the cache of the decoded value, which core fills for deeply immutable types.
 */
final class Version implements StoredRecord {
    final Object key;
    final long version;
    /** Encoded value; null marks a deletion (tombstone). */
    final byte[] document;
    /** Normalised index values by index position; null for a tombstone. */
    final Object[] indexValues;
    /** The commit sequence that made this version; visible to snapshots >= it. */
    final long commitSeq;

    volatile Version prev;
    private volatile Object cached;

    Version(Object key, long version, byte[] document, Object[] indexValues, long commitSeq, Version prev) {
        this.key = key;
        this.version = version;
        this.document = document;
        this.indexValues = indexValues;
        this.commitSeq = commitSeq;
        this.prev = prev;
    }

    boolean isTombstone() {
        return document == null;
    }

    /** The newest version in this chain visible at {@code snapshot}, or null. */
    Version visibleAt(long snapshot) {
        Version v = this;
        while (v != null && v.commitSeq > snapshot) {
            v = v.prev;
        }
        return v;
    }

    @Override
    public Object key() {
        return key;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public byte[] document() {
        return document;
    }

    @Override
    public Object cachedValue() {
        return cached;
    }

    @Override
    public void cacheValue(Object value) {
        cached = value;
    }
}
