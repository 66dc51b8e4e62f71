package dev.depot.memory;

import dev.depot.spi.StoredRecord;

/**
 * One committed (or committing) version of a record: a node in the record's newest-first version
 * chain. Immutable but for the link to older versions, which pruning cuts once no snapshot needs
 * them, and for the cache of the decoded value, which core fills with the decoded value it shares (deeply immutable types) or copies structurally on each read.
 *
 * <p>Layout, because a million of these are the engine's heap: the index values live in fields of
 * a subclass sized for the collection's index count ({@link #of}), not in an array of their own
 * (an {@code Object[2]} costs 24 bytes), so a version of a two-index record is one 56-byte object
 * besides its document. The decoded-value cache stays a field of its own: folding it into the
 * document's slot (a holder object once cached) would save 8 bytes but add a dependent load, a
 * likely cache miss at a million records, to every get and every row of a range.
 *
 * <p>A non-null {@code Long} index value is held as a primitive ({@link OneLong}, {@link TwoLong},
 * {@link LongTwo}): the index run keeps it in a {@code long} column too ({@link
 * Packing#LONG_ENTRIES}), so no boxed {@code Long} (24 bytes; 16 with compact object headers) stays
 * on the heap. {@link #holds} compares such a value without boxing it. A {@code String} value is
 * held as its UTF-8 bytes ({@link StoredIndexValues}), shared with its index entry: no 24-byte {@code
 * String} object per record and index.
 *
 * <p>The record version is an {@code int} in every variant but {@link Many} ({@link Narrow}): it
 * counts a key's writes from 1, and only a key written more than {@code Integer.MAX_VALUE} times
 * needs the {@code long} that {@link Many} keeps ({@link #of} picks it then). That 4 bytes is what
 * lets a two-index version with an unboxed {@code Long} stay 56 bytes (64 with a {@code long}
 * version); with compact object headers a plain two-index version goes from 56 to 48.
 */
abstract sealed class Version implements StoredRecord permits Version.Narrow, Version.Many {
    final Object key;
    /**
     * {@link Heads#spread spread} hash code of {@link #key}: a lookup compares it before reading the
     * key, so a probe past another key's version costs one load instead of two (the key object
     * lies elsewhere in the heap, a cache miss at a million records). The field fills the padding of
     * the object (a two-index version stays 56 bytes).
     */
    final int hash;
    /** The commit sequence that made this version; visible to snapshots >= it. */
    final long commitSeq;

    volatile Version prev;
    /** Encoded value; null marks a deletion (tombstone). */
    final byte[] document;
    private volatile Object cached;

    private Version(Object key, byte[] document, long commitSeq, Version prev) {
        this.key = key;
        this.hash = Heads.spread(key.hashCode());
        this.document = document;
        this.commitSeq = commitSeq;
        this.prev = prev;
    }

    /**
     * A version of {@code key}; {@code document} null makes a tombstone (its index values are
     * ignored). {@code indexValues} holds the value of each declared index, in order, normalised or
     * already in its {@link StoredIndexValues stored form} (the version keeps stored forms).
     */
    static Version of(Object key, long version, byte[] document, Object[] indexValues, long commitSeq, Version prev) {
        if (version != (int) version) {
            Object[] values = document == null || indexValues == null ? NO_VALUES : StoredIndexValues.storeAll(indexValues);
            return new Many(key, version, document, commitSeq, prev, values);
        }
        if (document == null || indexValues == null || indexValues.length == 0) {
            return new None(key, version, document, commitSeq, prev);
        }
        return switch (indexValues.length) {
            case 1 -> indexValues[0] instanceof Long l0
                    ? new OneLong(key, version, document, commitSeq, prev, l0)
                    : new One(key, version, document, commitSeq, prev, StoredIndexValues.store(indexValues[0]));
            case 2 -> two(key, version, document, commitSeq, prev, StoredIndexValues.store(indexValues[0]),
                    StoredIndexValues.store(indexValues[1]));
            default -> new Many(key, version, document, commitSeq, prev, StoredIndexValues.storeAll(indexValues));
        };
    }

    private static Version two(Object key, long version, byte[] document, long commitSeq, Version prev, Object v0, Object v1) {
        if (v1 instanceof Long l1) {
            return new TwoLong(key, version, document, commitSeq, prev, v0, l1);
        }
        if (v0 instanceof Long l0) {
            return new LongTwo(key, version, document, commitSeq, prev, l0, v1);
        }
        return new Two(key, version, document, commitSeq, prev, v0, v1);
    }

    /** The normalised value of index {@code i} (a {@code String} is decoded from its stored bytes). */
    final Object indexValue(int i) {
        return StoredIndexValues.load(storedValue(i));
    }

    /** The {@link StoredIndexValues stored form} of index value {@code i}, the object its index entries share. */
    abstract Object storedValue(int i);

    /**
     * Whether index value {@code i} equals {@code value}, given stored or normalised (a primitive
     * one is compared unboxed, a {@code String} without encoding it).
     */
    boolean holds(int i, Object value) {
        return StoredIndexValues.same(storedValue(i), value);
    }

    /**
     * Whether index value {@code i} equals {@code other}'s: as {@link #holds} with its stored value,
     * but two versions of one unboxed variant compare their {@code long}s without boxing one (pruning
     * compares every dropped version with the head).
     */
    boolean holdsValueOf(int i, Version other) {
        return holds(i, other.storedValue(i));
    }

    /** How many index values this version carries (0 for a tombstone). */
    abstract int indexCount();

    private static final Object[] NO_VALUES = {};

    /** The index values as a new array (for core's predicate and order checks). */
    final Object[] indexValues() {
        Object[] out = new Object[indexCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = indexValue(i);
        }
        return out;
    }

    /**
     * The values of the indexes {@code wanted} marks, by position, the others null: a filter that
     * reads one index does not decode the rest.
     */
    final Object[] indexValues(boolean[] wanted) {
        Object[] out = new Object[indexCount()];
        for (int i = 0; i < out.length; i++) {
            if (i < wanted.length && wanted[i]) {
                out[i] = indexValue(i);
            }
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

    /** A version whose record version fits an {@code int}: every one but a key's 2^31st write on. */
    abstract static sealed class Narrow extends Version permits None, One, OneLong, Two, TwoLong, LongTwo {
        private final int version;

        private Narrow(Object key, long version, byte[] document, long commitSeq, Version prev) {
            super(key, document, commitSeq, prev);
            this.version = (int) version;
        }

        @Override
        public final long version() {
            return version;
        }
    }

    /** A tombstone, or a version of a collection without indexes. */
    static final class None extends Narrow {
        None(Object key, long version, byte[] document, long commitSeq, Version prev) {
            super(key, version, document, commitSeq, prev);
        }

        @Override
        Object storedValue(int i) {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        int indexCount() {
            return 0;
        }
    }

    static final class One extends Narrow {
        private final Object v0;

        One(Object key, long version, byte[] document, long commitSeq, Version prev, Object v0) {
            super(key, version, document, commitSeq, prev);
            this.v0 = v0;
        }

        @Override
        Object storedValue(int i) {
            if (i != 0) {
                throw new IndexOutOfBoundsException(i);
            }
            return v0;
        }

        @Override
        int indexCount() {
            return 1;
        }
    }

    /** One index value, a non-null {@code Long}, held unboxed. */
    static final class OneLong extends Narrow {
        private final long v0;

        OneLong(Object key, long version, byte[] document, long commitSeq, Version prev, long v0) {
            super(key, version, document, commitSeq, prev);
            this.v0 = v0;
        }

        @Override
        Object storedValue(int i) {
            if (i != 0) {
                throw new IndexOutOfBoundsException(i);
            }
            return v0;
        }

        @Override
        boolean holds(int i, Object value) {
            if (i != 0) {
                throw new IndexOutOfBoundsException(i);
            }
            return value instanceof Long l && l == v0;
        }

        @Override
        boolean holdsValueOf(int i, Version other) {
            return i == 0 && other instanceof OneLong o ? o.v0 == v0 : super.holdsValueOf(i, other);
        }

        @Override
        int indexCount() {
            return 1;
        }
    }

    static final class Two extends Narrow {
        private final Object v0;
        private final Object v1;

        Two(Object key, long version, byte[] document, long commitSeq, Version prev, Object v0, Object v1) {
            super(key, version, document, commitSeq, prev);
            this.v0 = v0;
            this.v1 = v1;
        }

        @Override
        Object storedValue(int i) {
            return switch (i) {
                case 0 -> v0;
                case 1 -> v1;
                default -> throw new IndexOutOfBoundsException(i);
            };
        }

        @Override
        int indexCount() {
            return 2;
        }
    }

    /** Two index values, the second a non-null {@code Long}, held unboxed. */
    static final class TwoLong extends Narrow {
        private final Object v0;
        private final long v1;

        TwoLong(Object key, long version, byte[] document, long commitSeq, Version prev, Object v0, long v1) {
            super(key, version, document, commitSeq, prev);
            this.v0 = v0;
            this.v1 = v1;
        }

        @Override
        Object storedValue(int i) {
            return switch (i) {
                case 0 -> v0;
                case 1 -> v1;
                default -> throw new IndexOutOfBoundsException(i);
            };
        }

        @Override
        boolean holds(int i, Object value) {
            return switch (i) {
                case 0 -> StoredIndexValues.same(v0, value);
                case 1 -> value instanceof Long l && l == v1;
                default -> throw new IndexOutOfBoundsException(i);
            };
        }

        @Override
        boolean holdsValueOf(int i, Version other) {
            return i == 1 && other instanceof TwoLong o ? o.v1 == v1 : super.holdsValueOf(i, other);
        }

        @Override
        int indexCount() {
            return 2;
        }
    }

    /** Two index values, the first a non-null {@code Long} (and the second not one), held unboxed. */
    static final class LongTwo extends Narrow {
        private final long v0;
        private final Object v1;

        LongTwo(Object key, long version, byte[] document, long commitSeq, Version prev, long v0, Object v1) {
            super(key, version, document, commitSeq, prev);
            this.v0 = v0;
            this.v1 = v1;
        }

        @Override
        Object storedValue(int i) {
            return switch (i) {
                case 0 -> v0;
                case 1 -> v1;
                default -> throw new IndexOutOfBoundsException(i);
            };
        }

        @Override
        boolean holds(int i, Object value) {
            return switch (i) {
                case 0 -> value instanceof Long l && l == v0;
                case 1 -> StoredIndexValues.same(v1, value);
                default -> throw new IndexOutOfBoundsException(i);
            };
        }

        @Override
        boolean holdsValueOf(int i, Version other) {
            return i == 0 && other instanceof LongTwo o ? o.v0 == v0 : super.holdsValueOf(i, other);
        }

        @Override
        int indexCount() {
            return 2;
        }
    }

    /** Three or more index values, or a record version beyond {@code int} (then any count, tombstones too). */
    static final class Many extends Version {
        private final long version;
        private final Object[] values;

        Many(Object key, long version, byte[] document, long commitSeq, Version prev, Object[] values) {
            super(key, document, commitSeq, prev);
            this.version = version;
            this.values = values;
        }

        @Override
        public long version() {
            return version;
        }

        @Override
        Object storedValue(int i) {
            return values[i];
        }

        @Override
        int indexCount() {
            return values.length;
        }
    }
}
