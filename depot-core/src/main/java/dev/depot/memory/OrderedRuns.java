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
    private volatile Level<E> level;
    private final AtomicInteger garbage = new AtomicInteger();
    private final ReentrantLock merging = new ReentrantLock();

    /** Base run, the current recent list and the one before it (null when none). */
    private record Level<E>(Object[] base, ConcurrentSkipListSet<E> recent, ConcurrentSkipListSet<E> previous,
            AtomicInteger recentCount) {}

    OrderedRuns(Comparator<? super E> cmp, Predicate<E> keep) {
        this.cmp = cmp;
        this.keep = keep;
        this.level = new Level<>(new Object[0], new ConcurrentSkipListSet<>(cmp), null, new AtomicInteger());
    }

    /**
     * Adds an element (a no-op if an equal one is present in the recent list). Never merges: call
     * {@link #mergeIfDue()} afterwards, outside any lock the caller holds.
     */
    void add(E e) {
        Level<E> l = level;
        while (true) {
            if (l.recent.add(e)) {
                l.recentCount.incrementAndGet();
            }
            Level<E> now = level;
            if (now == l) {
                break;
            }
            l = now; // a merge swapped levels meanwhile: make sure the element is in the newest one
        }
    }

    /** Merges the recent additions into the base once they are a large enough share of it. */
    void mergeIfDue() {
        if (due(level)) {
            merge();
        }
    }

    private static boolean due(Level<?> l) {
        return l.recentCount.get() > Math.max(MIN_MERGE, l.base.length >>> 4);
    }

    /** Records that one element became garbage; enough garbage makes the next merge compact. */
    void noteGarbage() {
        garbage.incrementAndGet();
    }

    /** Elements strictly between the bounds (null: unbounded), ascending, each once. */
    Iterable<E> between(E lowExclusive, E highExclusive) {
        Level<E> l = level;
        List<Iterator<E>> sources = new ArrayList<>(3);
        sources.add(new ArrayRun<>(l.base, start(l.base, lowExclusive), end(l.base, highExclusive)));
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
        int i = (bound == null ? l.base.length : start(l.base, bound, true)) - 1;
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
        return l.base.length + l.recentCount.get() + (l.previous == null ? 0 : l.previous.size());
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
            if (!due(l)) {
                return;
            }
            boolean compact = garbage.get() > Math.max(MIN_MERGE, size() / 2);
            List<E> incoming = new ArrayList<>(l.recent);
            if (l.previous != null) {
                incoming.addAll(l.previous);
            }
            incoming.sort(cmp);
            Object[] merged = mergeSorted(l.base, incoming, compact);
            if (compact) {
                garbage.set(0);
            }
            ConcurrentSkipListSet<E> fresh = new ConcurrentSkipListSet<>(cmp);
            // Elements added to l.recent after it was copied stay visible through 'previous'.
            level = new Level<>(merged, fresh, l.recent, new AtomicInteger());
        } finally {
            merging.unlock();
        }
    }

    private Object[] mergeSorted(Object[] base, List<E> incoming, boolean compact) {
        Object[] out = new Object[base.length + incoming.size()];
        int n = 0;
        int b = 0;
        for (E e : incoming) {
            int pos = gallop(base, b, e);
            for (; b < pos; b++) {
                n = append(out, n, element(base, b), compact);
            }
            if (b < base.length && cmp.compare(element(base, b), e) == 0) {
                b++; // equal element in the base: keep one
            }
            n = append(out, n, e, compact);
        }
        for (; b < base.length; b++) {
            n = append(out, n, element(base, b), compact);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private int append(Object[] out, int n, E e, boolean compact) {
        if (n > 0 && cmp.compare(element(out, n - 1), e) == 0) {
            return n; // duplicates from recent and previous
        }
        if (compact && !keep.test(e)) {
            return n;
        }
        out[n] = e;
        return n + 1;
    }

    /** First index at or after {@code from} whose element is not less than {@code e}. */
    private int gallop(Object[] a, int from, E e) {
        int step = 1;
        int lo = from;
        int hi = from;
        while (hi < a.length && cmp.compare(element(a, hi), e) < 0) {
            lo = hi + 1;
            hi = from + step;
            step <<= 1;
        }
        hi = Math.min(hi, a.length);
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cmp.compare(element(a, mid), e) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int start(Object[] a, E lowExclusive) {
        return lowExclusive == null ? 0 : start(a, lowExclusive, false);
    }

    private int end(Object[] a, E highExclusive) {
        return highExclusive == null ? a.length : start(a, highExclusive, true);
    }

    /** First index whose element is greater than (or, with {@code orEqual}, not less than) {@code e}. */
    private int start(Object[] a, E e, boolean orEqual) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = cmp.compare(element(a, mid), e);
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

    @SuppressWarnings("unchecked")
    private static <E> E element(Object[] a, int i) {
        return (E) a[i];
    }

    /** A slice of the base array. */
    private static final class ArrayRun<E> implements Iterator<E> {
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
                if (heads[i] != null && (min < 0 || cmp.compare(element(heads, i), element(heads, min)) < 0)) {
                    min = i;
                }
            }
            if (min < 0) {
                next = null;
                return;
            }
            next = element(heads, min);
            for (int i = 0; i < heads.length; i++) {
                if (heads[i] != null && cmp.compare(element(heads, i), next) == 0) {
                    heads[i] = sources.get(i).hasNext() ? sources.get(i).next() : null;
                }
            }
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
