package dev.depot.memory;

import dev.depot.spi.StoredRecord;

/**
 * One committed (or committing) version of a record: a node in the record's newest-first version
 * chain. Immutable but for the link to older versions, which pruning cuts once no snapshot needs
 * them, and for the cache of the decoded value, which core fills with the decoded value it shares (deeply immutable types) or copies structurally on each read.
 *
 * <p>Layout, because a million of these are the engine's heap: the index values live packed in
 * one {@link IndexRow} (a {@code byte[]}) that the version's index entries share, not as one
 * object per value, so a version of a two-index record is one 56-byte object, its row (48 bytes
 * for a 14-character string and a long) and its document. The decoded-value cache stays a field of its own: folding it into the
 * document's slot (a holder object once cached) would save 8 bytes but add a dependent load, a
 * likely cache miss at a million records, to every get and every row of a range.
 */
abstract sealed class Version implements StoredRecord permits Version.None, Version.Indexed {
    final Object key;
    /**
     * {@link Heads#spread spread} hash code of {@link #key}: a lookup compares it before reading the
     * key, so a probe past another key's version costs one load instead of two (the key object
     * lies elsewhere in the heap, a cache miss at a million records). The field fills the padding of
     * the object (a two-index version stays 56 bytes).
     */
    final int hash;
    final long version;
    /** The commit sequence that made this version; visible to snapshots >= it. */
    final long commitSeq;

    volatile Version prev;
    /** Encoded value; null marks a deletion (tombstone). */
    final byte[] document;
    private volatile Object cached;

    private Version(Object key, long version, byte[] document, long commitSeq, Version prev) {
        this.key = key;
        this.hash = Heads.spread(key.hashCode());
        this.version = version;
        this.document = document;
        this.commitSeq = commitSeq;
        this.prev = prev;
    }

    /**
     * A version of {@code key}; {@code document} null makes a tombstone (its index values are
     * ignored). {@code indexValues} holds the normalised value of each declared index, in order.
     */
    static Version of(Object key, long version, byte[] document, Object[] indexValues, long commitSeq, Version prev) {
        if (document == null || indexValues == null || indexValues.length == 0) {
            return new None(key, version, document, commitSeq, prev);
        }
        return new Indexed(key, version, document, commitSeq, prev, IndexRow.of(indexValues));
    }

    /** The normalised value of index {@code i} (decoded from the row: a new object each call). */
    abstract Object indexValue(int i);

    /** The packed index values (null for a tombstone or a collection without indexes). */
    abstract byte[] row();

    /** The entry of index {@code i} this version adds. */
    final IndexEntry entry(int i) {
        return IndexEntry.of(row(), i, key);
    }

    /** Whether this version's value of index {@code i} is the entry's value. */
    final boolean holds(int i, IndexEntry e) {
        byte[] row = row();
        if (row == null || i >= IndexRow.count(row)) {
            return false;
        }
        if (row == e.row()) {
            return true; // the entry this version added (or one sharing its row)
        }
        int from = IndexRow.start(row, i);
        return IndexRow.equal(row, from, IndexRow.end(row, from), e.row(), e.from(), e.to());
    }

    /** Whether this version and {@code other} (neither a tombstone) have the same value of index {@code i}. */
    final boolean sameIndexValue(int i, Version other) {
        return holds(i, other.entry(i));
    }

    /** How many index values this version carries (0 for a tombstone). */
    abstract int indexCount();

    /** The index values as a new array (for core's predicate and order checks). */
    final Object[] indexValues() {
        Object[] out = new Object[indexCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = indexValue(i);
        }
        return out;
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

    /** A tombstone, or a version of a collection without indexes. */
    static final class None extends Version {
        None(Object key, long version, byte[] document, long commitSeq, Version prev) {
            super(key, version, document, commitSeq, prev);
        }

        @Override
        Object indexValue(int i) {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        int indexCount() {
            return 0;
        }

        @Override
        byte[] row() {
            return null;
        }
    }

    /** A version with index values, packed in one {@link IndexRow}. */
    static final class Indexed extends Version {
        private final byte[] row;

        Indexed(Object key, long version, byte[] document, long commitSeq, Version prev, byte[] row) {
            super(key, version, document, commitSeq, prev);
            this.row = row;
        }

        @Override
        Object indexValue(int i) {
            return IndexRow.decode(row, IndexRow.start(row, i));
        }

        @Override
        int indexCount() {
            return IndexRow.count(row);
        }

        @Override
        byte[] row() {
            return row;
        }
    }
}
