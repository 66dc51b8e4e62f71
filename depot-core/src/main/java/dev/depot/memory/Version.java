package dev.depot.memory;

import dev.depot.spi.StoredRecord;

/**
 * One committed (or committing) version of a record: a node in the record's newest-first version
 * chain. Immutable but for the link to older versions, which pruning cuts once no snapshot needs
 * them, and for the cache of the decoded value, which core fills with the decoded value it shares
 * (deeply immutable types) or copies structurally on each read.
 *
 * <p>Layout, because a million of these are the engine's heap (compressed oops, 12-byte header):
 * key, hash, commit sequence, prev, document, cache, row and an {@code int} record version fill
 * exactly 48 bytes. The index values live packed in one {@link IndexRow} (a {@code byte[]}) that
 * the version's index entries share, not as one object per value. The record version is an
 * {@code int} field because a key is rarely written two billion times; a version beyond that
 * range is a {@link Wide} (a subclass, so the common path reads a field and tests its sign, with no
 * virtual call). The decoded-value cache stays a field of its own: folding it into the document's
 * slot (a holder object once cached) would save 8 bytes but add a dependent load, a likely cache
 * miss at a million records, to every get and every row of a range.
 */
class Version implements StoredRecord {
    final Object key;
    /**
     * {@link Heads#spread spread} hash code of {@link #key}: a lookup compares it before reading the
     * key, so a probe past another key's version costs one load instead of two (the key object
     * lies elsewhere in the heap, a cache miss at a million records).
     */
    final int hash;
    /** The record version, or -1 when it does not fit an int (then {@link Wide#wideVersion} holds it). */
    private final int version;
    /** The commit sequence that made this version; visible to snapshots >= it. */
    final long commitSeq;

    volatile Version prev;
    /** Encoded value; null marks a deletion (tombstone). */
    final byte[] document;
    private volatile Object cached;
    /** The packed index values; null for a tombstone or a collection without indexes. */
    private final byte[] row;

    private Version(Object key, int version, byte[] document, long commitSeq, Version prev, byte[] row) {
        this.key = key;
        this.hash = Heads.spread(key.hashCode());
        this.version = version;
        this.document = document;
        this.commitSeq = commitSeq;
        this.prev = prev;
        this.row = row;
    }

    /**
     * A version of {@code key}; {@code document} null makes a tombstone (its index values are
     * ignored). {@code indexValues} holds the normalised value of each declared index, in order.
     */
    static Version of(Object key, long version, byte[] document, Object[] indexValues, long commitSeq, Version prev) {
        return withRow(key, version, document, rowOf(document, indexValues), commitSeq, prev);
    }

    /** The row a version of {@code document} with these index values holds (null: none). */
    static byte[] rowOf(byte[] document, Object[] indexValues) {
        return document == null || indexValues == null || indexValues.length == 0 ? null : IndexRow.of(indexValues);
    }

    /** A version holding {@code row}, made by {@link #rowOf} from its document and index values. */
    static Version withRow(Object key, long version, byte[] document, byte[] row, long commitSeq, Version prev) {
        if (version >= 0 && version <= Integer.MAX_VALUE) {
            return new Version(key, (int) version, document, commitSeq, prev, row);
        }
        return new Wide(key, version, document, commitSeq, prev, row);
    }

    /** The normalised value of index {@code i} (decoded from the row: a new object each call). */
    final Object indexValue(int i) {
        if (row == null) {
            throw new IndexOutOfBoundsException(i);
        }
        return IndexRow.decode(row, IndexRow.start(row, i));
    }

    /** How many index values this version carries (0 for a tombstone). */
    final int indexCount() {
        return row == null ? 0 : IndexRow.count(row);
    }

    /** The packed index values (null for a tombstone or a collection without indexes). */
    final byte[] row() {
        return row;
    }

    /** The entry of index {@code i} this version adds. */
    final IndexEntry entry(int i) {
        return IndexEntry.of(row, i, key);
    }

    /** Whether this version's value of index {@code i} is the entry's value. */
    final boolean holds(int i, IndexEntry e) {
        byte[] r = row;
        if (r == null || i >= IndexRow.count(r)) {
            return false;
        }
        if (r == e.row()) {
            return true; // the entry this version added (or one sharing its row)
        }
        int from = IndexRow.start(r, i);
        return IndexRow.equal(r, from, IndexRow.end(r, from), e.row(), e.from(), e.to());
    }

    /** Whether this version and {@code other} (neither a tombstone) have the same value of index {@code i}. */
    final boolean sameIndexValue(int i, Version other) {
        return holds(i, other.entry(i));
    }

    /** The index values as a new array (for core's predicate and order checks). */
    final Object[] indexValues() {
        Object[] out = new Object[indexCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = indexValue(i);
        }
        return out;
    }

    final boolean isTombstone() {
        return document == null;
    }

    /** The newest version in this chain visible at {@code snapshot}, or null. */
    final Version visibleAt(long snapshot) {
        Version v = this;
        while (v != null && v.commitSeq > snapshot) {
            v = v.prev;
        }
        return v;
    }

    @Override
    public final Object key() {
        return key;
    }

    @Override
    public final long version() {
        int v = version;
        return v >= 0 ? v : ((Wide) this).wideVersion;
    }

    @Override
    public final byte[] document() {
        return document;
    }

    @Override
    public final Object cachedValue() {
        return cached;
    }

    @Override
    public final void cacheValue(Object value) {
        cached = value;
    }

    /** A version whose record version does not fit an int (or is negative). */
    static final class Wide extends Version {
        final long wideVersion;

        Wide(Object key, long version, byte[] document, long commitSeq, Version prev, byte[] row) {
            super(key, -1, document, commitSeq, prev, row);
            this.wideVersion = version;
        }
    }
}
