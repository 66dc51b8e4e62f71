package dev.depot.memory;

import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The commit order of a memory store. A commit takes a range of sequence numbers (one per change
 * event), installs its versions tagged with the range's last number, appends its change events and
 * publishes the range, all in one short critical section: the visible sequence moves from the
 * range's start - 1 to its end. So a snapshot ({@link #visible()} at some instant) always contains a
 * prefix of the commit history, and sequence order equals visibility order.
 *
 * <p>The section holds no user code and no validation (those run before, under the committer's key
 * locks); it is a few map updates long. A committer that finds it taken tries again a bounded
 * number of times ({@link SpinningLock}, a few microseconds) and then parks: parking and being
 * woken cost more than a section, so on a busy store most waiters get in without a park, and a
 * committer that the OS preempts inside it costs the others at most those few microseconds of CPU
 * before they park (an unbounded spin, or {@code Thread.yield}, burned the CPU it needed).
 *
 * <p>A commit applies whole or not at all, whatever its step throws (an {@link Error} included):
 * the step undoes its own installs before rethrowing, and this class then neither publishes the
 * range nor keeps it allocated, so the next commit reuses it and the sequence stays gap-free. No
 * one else can allocate meanwhile: allocation happens under the same lock.
 *
 * <p>Snapshots that may read old versions are registered, so pruning never removes a version a
 * registered reader can still see.
 */
final class Commits {
    /** How often a committer tries the section's lock before it parks (measured: BENCHMARKS.md, stop 18). */
    private static final int SECTION_TRIES = 500;

    private final ReentrantLock publishing = new SpinningLock(SECTION_TRIES);
    private long allocated; // guarded by publishing
    private volatile long visible;
    private final ConcurrentSkipListMap<Long, Integer> snapshots = new ConcurrentSkipListMap<>();
    /**
     * Test hook: runs while a snapshot registers, after its sequence was read and before it is
     * counted, so a test can close another snapshot of that sequence right there.
     * Does nothing in production.
     */
    volatile Runnable registering = () -> {};

    /** One commit's work inside the critical section, given its sequence range. */
    @FunctionalInterface
    interface Step {
        void run(long start, long end);
    }

    long visible() {
        return visible;
    }

    /**
     * Registers and returns a snapshot. Registration is re-checked against the visible sequence so
     * that a concurrent pruner either sees this registration or this snapshot includes its commit.
     *
     * <p>The count of a sequence is an immutable {@link Integer} changed only by the map's own
     * atomic {@code merge}/{@code computeIfPresent} (pure functions: the skip list may apply them
     * more than once). A mutable counter fetched from the map and incremented afterwards was lost
     * when another snapshot of the same sequence closed in between and removed the entry: the
     * snapshot read unregistered, pruning cut the versions it saw, and its reads stopped being
     * repeatable (a transaction's {@code count()} and {@code list()} disagreed).
     */
    long openSnapshot() {
        while (true) {
            long s = visible;
            registering.run();
            snapshots.merge(s, 1, Integer::sum);
            if (visible == s) {
                return s;
            }
            closeSnapshot(s);
        }
    }

    /** Deregisters a snapshot; returns whether it was the last one at the oldest registered sequence. */
    boolean closeSnapshot(long s) {
        boolean[] gone = {false};
        snapshots.computeIfPresent(s, (k, n) -> {
            gone[0] = n == 1; // the last application is the one that took effect
            return n == 1 ? null : n - 1;
        });
        if (!gone[0]) {
            return false;
        }
        java.util.Map.Entry<Long, Integer> oldest = snapshots.firstEntry();
        return oldest == null || oldest.getKey() > s;
    }

    /** Versions superseded at or before this sequence are invisible to every current reader. */
    long horizon() {
        long v = visible;
        java.util.Map.Entry<Long, Integer> oldest = snapshots.firstEntry();
        return oldest == null ? v : Math.min(oldest.getKey(), v);
    }

    /**
     * Allocates {@code n >= 1} sequences, runs {@code step} (install versions, append events) and
     * publishes them, as one critical section. Returns the range's last sequence. If {@code step}
     * throws (it must then have undone what it did), nothing is published, the range is given back
     * and the throwable propagates.
     */
    long commit(int n, Step step) {
        publishing.lock();
        try {
            long start = allocated + 1;
            long end = allocated + n;
            step.run(start, end); // on a throw: neither allocated nor published
            allocated = end;
            visible = end;
            return end;
        } finally {
            publishing.unlock();
        }
    }


    /**
     * Waits until the commit that may be publishing {@code seq} has left its section: then {@code
     * seq} is either visible or was given back by a commit that failed. Callers re-read what they
     * saw.
     */
    void awaitSection(long seq) {
        for (int spins = 0; spins < 64 && visible < seq; spins++) {
            Thread.onSpinWait();
        }
        if (visible < seq) {
            // Ranges are allocated and published under one lock: once we hold it, that commit is out.
            publishing.lock();
            publishing.unlock();
        }
    }

    /** The registered snapshots, ascending (a live view). */
    NavigableSet<Long> snapshots() {
        return snapshots.keySet();
    }

    /** Number of registered snapshots, for tests of the engine. */
    int openSnapshots() {
        return snapshots.values().stream().mapToInt(Integer::intValue).sum();
    }
}
