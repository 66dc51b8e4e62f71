package dev.depot.memory;

import dev.depot.spi.IndexType;

/**
 * How {@link OrderedRuns} lays elements out in its base run: {@link #width()} reference slots
 * each and, if {@link #longs()}, one slot of a parallel {@code long[]} column. An index entry costs
 * two references there instead of an object and a reference; an entry of a {@code Long} index
 * costs a reference and a {@code long}, so the index holds no boxed {@code Long} (24 bytes, 16
 * with compact object headers) and neither does the version (see {@link Version}).
 */
interface Packing<E> {
    /** Reference slots an element takes. */
    int width();

    /** Whether an element also takes one slot of the {@code long} column. */
    boolean longs();

    /** Writes element {@code e} as the {@code i}-th element of the columns. */
    void pack(E e, Object[] refs, long[] longs, int i);

    /** The {@code i}-th element of the columns. */
    E unpack(Object[] refs, long[] longs, int i);

    /** Elements stored as themselves (keys). */
    @SuppressWarnings("unchecked")
    static <E> Packing<E> identity() {
        return (Packing<E>) Identity.INSTANCE;
    }

    /** Index entries stored as (value, key) slot pairs. */
    Packing<IndexEntry> ENTRIES = new Entries(false);

    /** Entries of a {@code Long} index: the key in the reference slot, the value in the {@code long} column. */
    Packing<IndexEntry> LONG_ENTRIES = new Entries(true);

    /** The packing for entries of an index of {@code type}. */
    static Packing<IndexEntry> entries(IndexType type) {
        return type == IndexType.LONG ? LONG_ENTRIES : ENTRIES;
    }

    /**
     * Both entry layouts in one class, so that the run's calls to {@link #unpack} see two classes
     * (this and {@link Identity}) and stay inlined: with a third class they would be megamorphic.
     */
    final class Entries implements Packing<IndexEntry> {
        private final boolean longValues;

        private Entries(boolean longValues) {
            this.longValues = longValues;
        }

        @Override
        public int width() {
            return longValues ? 1 : 2;
        }

        @Override
        public boolean longs() {
            return longValues;
        }

        @Override
        public void pack(IndexEntry e, Object[] refs, long[] longs, int i) {
            if (!longValues) {
                refs[2 * i] = e.value();
                refs[2 * i + 1] = e.key();
            } else if (e.value() == null) {
                longs[i] = Long.MIN_VALUE;
                refs[i] = new NullValue(e.key());
            } else {
                longs[i] = (Long) e.value();
                refs[i] = e.key();
            }
        }

        @Override
        public IndexEntry unpack(Object[] refs, long[] longs, int i) {
            if (!longValues) {
                return new IndexEntry(refs[2 * i], refs[2 * i + 1]);
            }
            long value = longs[i];
            Object key = refs[i];
            // Only Long.MIN_VALUE may stand for null; testing the key's class for every element
            // would read the key object, a cache miss at a million entries, in the run's walk.
            if (value == Long.MIN_VALUE && key instanceof NullValue n) {
                return new IndexEntry(null, n.key);
            }
            return new IndexEntry(value, key);
        }
    }

    /**
     * The key of an entry whose {@code Long} value is null, in the reference slot (its {@code long}
     * slot holds {@code Long.MIN_VALUE}). Keys are the engine's key objects, never of this class.
     */
    record NullValue(Object key) {}

    /** The identity layout. */
    final class Identity implements Packing<Object> {
        static final Identity INSTANCE = new Identity();

        @Override
        public int width() {
            return 1;
        }

        @Override
        public boolean longs() {
            return false;
        }

        @Override
        public void pack(Object element, Object[] refs, long[] longs, int i) {
            refs[i] = element;
        }

        @Override
        public Object unpack(Object[] refs, long[] longs, int i) {
            return refs[i];
        }
    }
}
