package dev.depot.memory;

/**
 * How {@link OrderedRuns} lays elements out in its base array: {@link #width()} slots each, so an
 * index entry costs two references there instead of an object and a reference.
 */
interface Packing<E> {
    int width();

    void pack(E element, Object[] into, int at);

    E unpack(Object[] from, int at);

    /** Elements stored as themselves (keys). */
    @SuppressWarnings("unchecked")
    static <E> Packing<E> identity() {
        return (Packing<E>) Identity.INSTANCE;
    }

    /** Index entries stored as (value, key) slot pairs. */
    Packing<IndexEntry> ENTRIES = new Packing<>() {
        @Override
        public int width() {
            return 2;
        }

        @Override
        public void pack(IndexEntry e, Object[] into, int at) {
            into[at] = e.value();
            into[at + 1] = e.key();
        }

        @Override
        public IndexEntry unpack(Object[] from, int at) {
            return new IndexEntry(from[at], from[at + 1]);
        }
    };

    /** The identity layout. */
    final class Identity implements Packing<Object> {
        static final Identity INSTANCE = new Identity();

        @Override
        public int width() {
            return 1;
        }

        @Override
        public void pack(Object element, Object[] into, int at) {
            into[at] = element;
        }

        @Override
        public Object unpack(Object[] from, int at) {
            return from[at];
        }
    }
}
