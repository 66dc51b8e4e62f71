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
 * fraction of the base, one merger folds it into a new base array. The array costs one reference
 * per element (per {@link Packing} slot; entries of a {@code Long} index keep their values in a
 * parallel {@code long[]}) instead of a skip-list node and its index towers.
 *
 * <p><b>Protocol.</b> Readers are lock-free: they read the volatile {@code level} once and merge
 * its immutable base, its current recent run and its frozen runs on the fly, each element once.
 * An adder takes the short {@code adding} lock, adds to the current recent run, and releases it
 * (in the memory engine adders are already serialised by the commit section, so this lock is
 * uncontended but for a merger's freeze). A merge (one at a time, off the writer's thread):
 * <ol>
 *   <li>freezes: under the {@code adding} lock, publishes a level whose recent run is a new empty
 *       one and whose frozen runs are the old recent run (plus any left by a failed merge). After
 *       the freeze no element is ever added to a frozen run;</li>
 *   <li>merges the base and the frozen runs into a new array, dropping, when compacting, elements
 *       the {@code keep} predicate rejects;</li>
 *   <li>publishes the new array with the then-current recent run and no frozen runs.</li>
 * </ol>
 * If anything throws between 1 and 3, the frozen level stays published, which is complete; the
 * next merge folds its frozen runs too.
 *
 * <p><b>Why compaction never drops a needed element.</b> The caller's contract: an element that
 * some current or future state needs is (a) accepted by {@code keep} from the moment that state
 * exists, and (b) {@link #add added} after that state exists (the engine installs a version,
 * then adds its entries). Take an element {@code e} judged by merge M at time t, after M's freeze
 * f. If a state needing {@code e} existed at t, {@code keep} accepts it and it is kept. Otherwise
 * that state comes into existence after t, and by (b) its add of {@code e} runs after t, hence after
 * f: it goes into the recent run current at that time, which M does not judge and which survives M
 * (step 3 carries it over). That run is judged only by a later merge whose freeze follows the add
 * (the {@code adding} lock orders adds and freezes), and so follows the state's creation: by (a)
 * it keeps {@code e}. Elements never judged (the current recent run) are never dropped. The first
 * design judged recent elements that an adder could still re-add as a no-op (they were equal to a
 * copied element), which lost them (issue 7, item 1).
 *
 * <p>Removal is lazy: callers report garbage with {@link #noteGarbage()}, and when garbage exceeds
 * half the size the next merge keeps only elements {@code keep} accepts. Readers must therefore
 * tolerate stale elements, which the memory engine's readers do by checking every entry against
 * the version their snapshot sees.
 */
final class OrderedRuns<E> {
    static final int DEFAULT_MIN_MERGE = 2048;
    /**
     * Fewest recent elements (and garbage) that make a merge (a compaction) due. Tests lower it so
     * that merges and compactions run constantly; production never changes it.
     */
    static volatile int minMerge = DEFAULT_MIN_MERGE;

    private final Comparator<? super E> cmp;
    private final Predicate<E> keep;
    private final Packing<E> packing;
    private final FaultProbe probe;
    private final int width;
    /** Whether elements also take a slot of the {@code long} column ({@link Packing#longs()}). */
    private final boolean longs;
    private volatile Level<E> level;
    private final AtomicInteger garbage = new AtomicInteger();
    /** Orders adds against a merge's freeze; held for one skip-list insertion or one level swap. */
    private final ReentrantLock adding = new ReentrantLock();
    private final ReentrantLock merging = new ReentrantLock();

    /** A run of recent additions and its size (counted by adders, under the {@code adding} lock). */
    private static final class Recent<E> {
        final ConcurrentSkipListSet<E> set;
        volatile int count;

        Recent(Comparator<? super E> cmp) {
            this.set = new ConcurrentSkipListSet<>(cmp);
        }
    }

    /**
     * Base run ({@code size} elements packed in {@code base} and, for a packing with a {@code long}
     * column, {@code longs}; else an empty array), the recent run adders write to, and frozen runs.
     */
    private record Level<E>(Object[] base, long[] longs, int size, Recent<E> recent, List<Recent<E>> frozen) {
        int pending() {
            int n = recent.count;
            for (int i = 0; i < frozen.size(); i++) { // no iterator: every add asks
                n += frozen.get(i).count;
            }
            return n;
        }
    }

    OrderedRuns(Comparator<? super E> cmp, Predicate<E> keep, Packing<E> packing) {
        this(cmp, keep, packing, FaultProbe.NONE);
    }

    OrderedRuns(Comparator<? super E> cmp, Predicate<E> keep, Packing<E> packing, FaultProbe probe) {
        this.cmp = cmp;
        this.keep = keep;
        this.packing = packing;
        this.probe = probe;
        this.width = packing.width();
        this.longs = packing.longs();
        this.level = new Level<>(new Object[0], new long[0], 0, new Recent<>(cmp), List.of());
    }

    /**
     * Adds an element (a no-op if an equal one is in the current recent run). Never merges: call
     * {@link #mergeIfDue()} afterwards, outside any lock the caller holds.
     */
    void add(E e) {
        adding.lock();
        try {
            Recent<E> r = level.recent;
            if (r.set.add(e)) {
                r.count++; // only under the lock
            }
        } finally {
            adding.unlock();
        }
    }

    /** Merges the recent additions into the base once they, or the garbage, are large enough. */
    void mergeIfDue() {
        if (due(level, 1)) {
            merge();
        }
    }

    /** Whether recent additions or garbage exceed {@code factor} times their thresholds. */
    boolean isDue(int factor) {
        return due(level, factor);
    }

    private boolean due(Level<?> l, int factor) {
        int min = minMerge;
        return l.pending() > (long) factor * Math.max(min, l.size >>> 4) || compactionDue(l, factor);
    }

    private boolean compactionDue(Level<?> l, int factor) {
        long size = (long) l.size + l.pending();
        return garbage.get() > (long) factor * Math.max(minMerge, size / 2);
    }

    /** Records that one element became garbage; enough garbage makes the next merge compact. */
    void noteGarbage() {
        garbage.incrementAndGet();
    }

    /** Elements strictly between the bounds (null: unbounded), ascending, each once. */
    Iterable<E> between(E lowExclusive, E highExclusive) {
        Level<E> l = level;
        List<Iterator<E>> sources = new ArrayList<>(2 + l.frozen.size());
        sources.add(new ArrayRun(l, start(l, lowExclusive), end(l, highExclusive)));
        addIfAny(sources, slice(l.recent.set, lowExclusive, highExclusive).iterator());
        for (Recent<E> f : l.frozen) {
            addIfAny(sources, slice(f.set, lowExclusive, highExclusive).iterator());
        }
        // When no recent element falls in the range (often, for short ranges) the base slice needs no merging.
        return sources.size() == 1 ? () -> sources.get(0) : () -> new Merged<>(sources, cmp);
    }

    private static <E> void addIfAny(List<Iterator<E>> sources, Iterator<E> it) {
        if (it.hasNext()) {
            sources.add(it);
        }
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
            best = element(l, i);
        }
        best = greater(best, bound == null ? lastOrNull(l.recent.set) : l.recent.set.lower(bound));
        for (Recent<E> f : l.frozen) {
            best = greater(best, bound == null ? lastOrNull(f.set) : f.set.lower(bound));
        }
        return best;
    }

    /** Approximate number of elements, garbage included. */
    int size() {
        Level<E> l = level;
        return l.size + l.pending();
    }

    /** Number of runs a reader merges (base, recent, frozen); for tests. */
    int runs() {
        return 2 + level.frozen.size();
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

    /**
     * Merges and compacts now, whatever the thresholds (after a collection was cleared), waiting for
     * a merge in progress rather than skipping.
     */
    void compactNow() {
        merging.lock();
        try {
            mergeLocked(true);
        } finally {
            merging.unlock();
        }
    }

    /** Merges the frozen recent runs into a new base; one merger at a time, others just carry on. */
    private void merge() {
        if (!merging.tryLock()) {
            return;
        }
        try {
            if (due(level, 1)) {
                mergeLocked(false);
            }
        } finally {
            merging.unlock();
        }
    }

    /** One merge; the caller holds {@code merging}. */
    private void mergeLocked(boolean force) {
        int garbageSeen = garbage.get();
        boolean compact = force || compactionDue(level, 1);
        Level<E> frozen = freeze();
        probe.at(FaultProbe.Point.MERGE);
        int pending = 0;
        for (Recent<E> f : frozen.frozen) {
            pending += f.count;
        }
        List<E> incoming = new ArrayList<>(pending);
        for (Recent<E> f : frozen.frozen) {
            incoming.addAll(f.set);
        }
        if (frozen.frozen.size() > 1) {
            incoming.sort(cmp); // each run is sorted; several need one sort (append folds equals)
        }
        int capacity = frozen.size + incoming.size();
        Object[] merged = new Object[capacity * width];
        long[] mergedLongs = new long[longs ? capacity : 0];
        int n = mergeSorted(frozen, incoming, compact, merged, mergedLongs);
        if (n < capacity) {
            merged = Arrays.copyOf(merged, n * width);
            mergedLongs = longs ? Arrays.copyOf(mergedLongs, n) : mergedLongs;
        }
        // Only the merger replaces levels, so the current level is 'frozen' with its recent run.
        level = new Level<>(merged, mergedLongs, n, level.recent, List.of());
        if (compact) {
            garbage.addAndGet(-garbageSeen);
        }
    }

    /** Publishes a level whose recent run is new and empty; no adder writes the old ones after this. */
    private Level<E> freeze() {
        adding.lock();
        try {
            Level<E> l = level;
            List<Recent<E>> frozen = new ArrayList<>(l.frozen.size() + 1);
            frozen.addAll(l.frozen);
            frozen.add(l.recent);
            Level<E> next = new Level<>(l.base, l.longs, l.size, new Recent<>(cmp), List.copyOf(frozen));
            level = next;
            return next;
        } finally {
            adding.unlock();
        }
    }

    /** Merges the base of {@code l} with sorted {@code incoming} into {@code out}; returns the count. */
    private int mergeSorted(Level<E> l, List<E> incoming, boolean compact, Object[] out, long[] outLongs) {
        int n = 0;
        int b = 0;
        for (E e : incoming) {
            int pos = gallop(l, b, e);
            n = copyBase(l, b, pos, out, outLongs, n, compact);
            b = pos;
            if (b < l.size && cmp.compare(element(l, b), e) == 0) {
                b++; // equal element in the base: keep one
            }
            n = append(out, outLongs, n, e, compact);
        }
        return copyBase(l, b, l.size, out, outLongs, n, compact);
    }

    /**
     * Appends base elements {@code [from, to)} to {@code out}. They are sorted and distinct (a base
     * is a merge's output), and each is greater than what {@code out} ends with (the incoming
     * element before them, or an equal base element skipped for it), so no comparison is needed:
     * a merge copies slots, and only a compaction looks at each element, for {@code keep}. (Each
     * look unpacks a new object; a merge of a million entries made two million of them before.)
     */
    private int copyBase(Level<E> l, int from, int to, Object[] out, long[] outLongs, int n, boolean compact) {
        if (!compact) {
            copy(l, from, out, outLongs, n, to - from);
            return n + (to - from);
        }
        for (int b = from; b < to; b++) {
            if (keep.test(element(l, b))) {
                copy(l, b, out, outLongs, n, 1);
                n++;
            }
        }
        return n;
    }

    /** Copies {@code count} packed elements of the base from {@code from} to the output at {@code at}. */
    private void copy(Level<E> l, int from, Object[] out, long[] outLongs, int at, int count) {
        System.arraycopy(l.base, from * width, out, at * width, count * width);
        if (longs) {
            System.arraycopy(l.longs, from, outLongs, at, count);
        }
    }

    private int append(Object[] out, long[] outLongs, int n, E e, boolean compact) {
        if (n > 0 && cmp.compare(packing.unpack(out, outLongs, n - 1), e) == 0) {
            return n; // duplicates from several runs
        }
        if (compact && !keep.test(e)) {
            return n;
        }
        packing.pack(e, out, outLongs, n);
        return n + 1;
    }

    /** First index at or after {@code from} whose element is not less than {@code e}. */
    private int gallop(Level<E> l, int from, E e) {
        int step = 1;
        int lo = from;
        int hi = from;
        while (hi < l.size && cmp.compare(element(l, hi), e) < 0) {
            lo = hi + 1;
            hi = from + step;
            step <<= 1;
        }
        hi = Math.min(hi, l.size);
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cmp.compare(element(l, mid), e) < 0) {
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
            int c = cmp.compare(element(l, mid), e);
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

    /** The {@code i}-th element of a level's base run. */
    private E element(Level<E> l, int i) {
        return packing.unpack(l.base, l.longs, i);
    }

    /** A slice of the base run. */
    private final class ArrayRun implements Iterator<E> {
        private final Level<E> l;
        private int i;
        private final int end;

        ArrayRun(Level<E> l, int from, int end) {
            this.l = l;
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
            return element(l, i++);
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
                if (heads[i] != null && (i == min || cmp.compare(head(i), next) == 0)) {
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
