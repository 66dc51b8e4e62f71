package dev.depot.memory;

/**
 * Feeds a walk's lookups to {@link Heads#getAll} a batch at a time, so that the cache misses of
 * neighbouring rows overlap (a range of index entries resolves each entry's key to its newest
 * version; at a million records every lookup misses several times). Batches start small and
 * double up to {@link #MAX}, so a walk that stops after a row or two looks up few keys it does not
 * need. Items are handed to the step in the order they were added. One walk, one thread.
 *
 * @param <T> what each lookup is for (an index entry, or the key itself)
 */
final class HeadsBatch<T> {
    static final int MAX = 16;
    private static final int FIRST = 2;

    /** What a walk does with an item and the newest version of its key (null: absent). */
    @FunctionalInterface
    interface Step<T> {
        /** Returns false to stop the walk. */
        boolean accept(T item, Version head);
    }

    private final Heads heads;
    private final Step<T> step;
    private final Object[] keys = new Object[MAX];
    private final Object[] items = new Object[MAX];
    private final int[] hashes = new int[MAX];
    private final Version[] found = new Version[MAX];
    private int size = FIRST;
    private int n;

    HeadsBatch(Heads heads, Step<T> step) {
        this.heads = heads;
        this.step = step;
    }

    /** Queues the lookup of {@code key} for {@code item}; returns false if the walk was stopped. */
    boolean add(Object key, T item) {
        keys[n] = key;
        items[n] = item;
        n++;
        if (n < size) {
            return true;
        }
        size = Math.min(MAX, size * 2);
        return flush();
    }

    /** Looks up the queued keys and hands each item on; returns false if the walk was stopped. */
    @SuppressWarnings("unchecked")
    boolean flush() {
        int m = n;
        n = 0;
        heads.getAll(keys, m, hashes, found);
        for (int j = 0; j < m; j++) {
            if (!step.accept((T) items[j], found[j])) {
                return false;
            }
        }
        return true;
    }
}
