package dev.depot.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * An ordered set for indexes: a sorted array (the base run) plus a small skip list of recent
 * additions. Additions touch only the small, cache-resident skip list; once it grows past a
 * fraction of the base, one writer merges it into a new base array. The array costs one reference
 * per element instead of a skip-list node and its index towers.
 *
 * <p>Lock-free for readers and adders. A merge publishes a new level that still references the
 * previous recent list, so an element added while the merge ran is never out of sight; an adder
 * that sees the level change re-adds to the new one. Iteration yields each element once (equal
 * elements in several runs are folded).
 *
 * <p>Removal is lazy: callers report garbage with {@link #noteGarbage()}, and when garbage exceeds
 * half the size the next merge keeps only elements the {@code keep} predicate accepts. Readers must
 * therefore tolerate stale elements, which the memory engine's readers do by checking every entry
 * against the version their snapshot sees.
 */
final class OrderedRuns<E> {
    private static final int MIN_MERGE = 2048;

    private final Comparator<? super E> cmp;
    private final Predicate<E> keep;
    private final Packing<E> packing;
    private final int width;
    private volatile Level<E> level;
    private final AtomicInteger garbage = new AtomicInteger();
    /** Adders between reading the level and confirming it; a merge waits for zero to drop 'previous'. */
    private final AtomicInteger adding = new AtomicInteger();
    private final ReentrantLock merging = new ReentrantLock();

    /**
     * Base run (packed, {@code size} elements), the current recent list and the one before it (null
     * when none).
     */
    private record Level<E>(Object[] base, int size, ConcurrentSkipListSet<E> recent,
            ConcurrentSkipListSet<E> previous, AtomicInteger recentCount) {}

    OrderedRuns(Comparator<? super E> cmp, Predicate<E> keep, Packing<E> packing) {
        this.cmp = cmp;
        this.keep = keep;
        this.packing = packing;
        this.width = packing.width();
        this.level = new Level<>(new Object[0], 0, new ConcurrentSkipListSet<>(cmp), null, new AtomicInteger());
    }

    /**
     * Adds an element (a no-op if an equal one is present in the recent list). Never merges: call
     * {@link #mergeIfDue()} afterwards, outside any lock the caller holds.
     */
    void add(E e) {
        adding.incrementAndGet();
        try {
            Level<E> l = level;
            while (true) {
                if (l.recent.add(e)) {
                    l.recentCount.incrementAndGet();
                }
                Level<E> now = level;
                if (now == l || now.recent == l.recent) {
                    break;
                }
                l = now; // a merge swapped levels meanwhile: make sure the element is in the newest one
            }
        } finally {
            adding.decrementAndGet();
        }
    }

    /** Merges the recent additions into the base once they are a large enough share of it. */
    void mergeIfDue() {
        if (due(level, 1)) {
            merge();
        }
    }

    /** Whether recent additions exceed {@code factor} times the merge threshold. */
    boolean isDue(int factor) {
        return due(level, factor);
    }

    private static boolean due(Level<?> l, int factor) {
        return l.recentCount.get() > (long) factor * Math.max(MIN_MERGE, l.size >>> 4);
    }

    /** Records that one element became garbage; enough garbage makes the next merge compact. */
    void noteGarbage() {
        garbage.incrementAndGet();
    }

    /** Elements strictly between the bounds (null: unbounded), ascending, each once. */
    Iterable<E> between(E lowExclusive, E highExclusive) {
        Level<E> l = level;
        List<Iterator<E>> sources = new ArrayList<>(3);
        sources.add(new ArrayRun(l.base, start(l, lowExclusive), end(l, highExclusive)));
        sources.add(slice(l.recent, lowExclusive, highExclusive).iterator());
        if (l.previous != null) {
            sources.add(slice(l.previous, lowExclusive, highExclusive).iterator());
        }
        return () -> new Merged<>(sources, cmp);
    }

    /** Every element, ascending. */
    Iterable<E> all() {
        return between(null, null);
    }

    /** The greatest element strictly below {@code bound} (null: the greatest of all), or null. */
    E lower(E bound) {
        Level<E> l = level;
        E best = null;
        int i = (bound == null ? l.size : start(l, bound, true)) - 1;
        if (i >= 0) {
            best = element(l.base, i);
        }
        best = greater(best, bound == null ? lastOrNull(l.recent) : l.recent.lower(bound));
        if (l.previous != null) {
            best = greater(best, bound == null ? lastOrNull(l.previous) : l.previous.lower(bound));
        }
        return best;
    }

    /** Approximate number of elements, garbage included. */
    int size() {
        Level<E> l = level;
        return l.size + l.recentCount.get() + (l.previous == null ? 0 : l.previous.size());
    }

    private E greater(E a, E b) {
        if (a == null) {
            return b;
        }
        return b == null || cmp.compare(a, b) >= 0 ? a : b;
    }

    private static <E> E lastOrNull(ConcurrentSkipListSet<E> s) {
        try {
            return s.last();
        } catch (NoSuchElementException e) {
            return null;
        }
    }

    /** Merges the recent lists into a new base; one merger at a time, others just carry on. */
    private void merge() {
        if (!merging.tryLock()) {
            return;
        }
        try {
            Level<E> l = level;
            if (!due(l, 1)) {
                return;
            }
            boolean compact = garbage.get() > Math.max(MIN_MERGE, size() / 2);
            List<E> incoming = new ArrayList<>(l.recent);
            if (l.previous != null) {
                incoming.addAll(l.previous);
            }
            incoming.sort(cmp);
            Object[] merged = new Object[(l.size + incoming.size()) * width];
            int n = mergeSorted(l, incoming, compact, merged);
            if (compact) {
                garbage.set(0);
            }
            if (n * width < merged.length) {
                merged = Arrays.copyOf(merged, n * width);
            }
            ConcurrentSkipListSet<E> fresh = new ConcurrentSkipListSet<>(cmp);
            AtomicInteger count = new AtomicInteger();
            // Elements added to l.recent after it was copied stay visible through 'previous'...
            level = new Level<>(merged, n, fresh, l.recent, count);
            // ...until no adder can still be writing into it. Then the elements that reached it after
            // the copy above (from adders that finished before the swap) move to 'fresh' too, and
            // readers need not merge a third run.
            for (int spins = 0; spins < 1_000; spins++) {
                if (adding.get() == 0) {
                    for (E e : l.recent) {
                        if (Collections.binarySearch(incoming, e, cmp) < 0 && fresh.add(e)) {
                            count.incrementAndGet();
                        }
                    }
                    level = new Level<>(merged, n, fresh, null, count);
                    break;
                }
                Thread.onSpinWait();
            }
        } finally {
            merging.unlock();
        }
    }

    /** Merges the base of {@code l} with sorted {@code incoming} into {@code out}; returns the count. */
    private int mergeSorted(Level<E> l, List<E> incoming, boolean compact, Object[] out) {
        int n = 0;
        int b = 0;
        for (E e : incoming) {
            int pos = gallop(l, b, e);
            for (; b < pos; b++) {
                n = append(out, n, element(l.base, b), compact);
            }
            if (b < l.size && cmp.compare(element(l.base, b), e) == 0) {
                b++; // equal element in the base: keep one
            }
            n = append(out, n, e, compact);
        }
        for (; b < l.size; b++) {
            n = append(out, n, element(l.base, b), compact);
        }
        return n;
    }

    private int append(Object[] out, int n, E e, boolean compact) {
        if (n > 0 && cmp.compare(element(out, n - 1), e) == 0) {
            return n; // duplicates from recent and previous
        }
        if (compact && !keep.test(e)) {
            return n;
        }
        packing.pack(e, out, n * width);
        return n + 1;
    }

    /** First index at or after {@code from} whose element is not less than {@code e}. */
    private int gallop(Level<E> l, int from, E e) {
        int step = 1;
        int lo = from;
        int hi = from;
        while (hi < l.size && cmp.compare(element(l.base, hi), e) < 0) {
            lo = hi + 1;
            hi = from + step;
            step <<= 1;
        }
        hi = Math.min(hi, l.size);
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cmp.compare(element(l.base, mid), e) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int start(Level<E> l, E lowExclusive) {
        return lowExclusive == null ? 0 : start(l, lowExclusive, false);
    }

    private int end(Level<E> l, E highExclusive) {
        return highExclusive == null ? l.size : start(l, highExclusive, true);
    }

    /** First index whose element is greater than (or, with {@code orEqual}, not less than) {@code e}. */
    private int start(Level<E> l, E e, boolean orEqual) {
        int lo = 0;
        int hi = l.size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = cmp.compare(element(l.base, mid), e);
            if (c < 0 || (c == 0 && !orEqual)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private NavigableSet<E> slice(ConcurrentSkipListSet<E> s, E low, E high) {
        if (low != null && high != null) {
            return cmp.compare(low, high) >= 0 ? Collections.emptyNavigableSet() : s.subSet(low, false, high, false);
        }
        if (low != null) {
            return s.tailSet(low, false);
        }
        return high != null ? s.headSet(high, false) : s;
    }

    /** The {@code i}-th element of a packed array. */
    private E element(Object[] a, int i) {
        return packing.unpack(a, i * width);
    }

    /** A slice of the base array. */
    private final class ArrayRun implements Iterator<E> {
        private final Object[] a;
        private int i;
        private final int end;

        ArrayRun(Object[] a, int from, int end) {
            this.a = a;
            this.i = from;
            this.end = Math.max(from, end);
        }

        @Override
        public boolean hasNext() {
            return i < end;
        }

        @Override
        public E next() {
            if (i >= end) {
                throw new NoSuchElementException();
            }
            return element(a, i++);
        }
    }

    /** Merges a few ascending iterators, folding equal elements. */
    private static final class Merged<E> implements Iterator<E> {
        private final List<Iterator<E>> sources;
        private final Object[] heads;
        private final Comparator<? super E> cmp;
        private E next;

        Merged(List<Iterator<E>> sources, Comparator<? super E> cmp) {
            this.sources = sources;
            this.cmp = cmp;
            this.heads = new Object[sources.size()];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = sources.get(i).hasNext() ? sources.get(i).next() : null;
            }
            advance();
        }

        private void advance() {
            int min = -1;
            for (int i = 0; i < heads.length; i++) {
                if (heads[i] != null && (min < 0 || cmp.compare(head(i), head(min)) < 0)) {
                    min = i;
                }
            }
            if (min < 0) {
                next = null;
                return;
            }
            next = head(min);
            for (int i = 0; i < heads.length; i++) {
                if (heads[i] != null && cmp.compare(head(i), next) == 0) {
                    heads[i] = sources.get(i).hasNext() ? sources.get(i).next() : null;
                }
            }
        }

        @SuppressWarnings("unchecked")
        private E head(int i) {
            return (E) heads[i];
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public E next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            E out = next;
            advance();
            return out;
        }
    }
}
