package dev.depot.memory;

import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The commit order of a memory store. A commit allocates a range of sequence numbers (one per
 * change event), installs its versions tagged with the range's last number, then publishes: the
 * visible sequence moves from the range's start - 1 to its end. Publication happens strictly in
 * allocation order, so a snapshot ({@link #visible()} at some instant) always contains a prefix of
 * the commit history: sequence order equals visibility order.
 *
 * <p>Snapshots that may read old versions are registered, so pruning never removes a version a
 * registered reader can still see.
 */
final class Commits {
    private final AtomicLong allocated = new AtomicLong();
    private volatile long visible;
    private final ConcurrentSkipListMap<Long, AtomicInteger> snapshots = new ConcurrentSkipListMap<>();

    long visible() {
        return visible;
    }

    /**
     * Registers and returns a snapshot. Registration is re-checked against the visible sequence so
     * that a concurrent pruner either sees this registration or this snapshot includes its commit.
     */
    long openSnapshot() {
        while (true) {
            long s = visible;
            snapshots.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet();
            if (visible == s) {
                return s;
            }
            closeSnapshot(s);
        }
    }

    void closeSnapshot(long s) {
        snapshots.computeIfPresent(s, (k, n) -> n.decrementAndGet() == 0 ? null : n);
    }

    /** Versions superseded at or before this sequence are invisible to every current reader. */
    long horizon() {
        Long oldest = snapshots.isEmpty() ? null : firstOrNull();
        long v = visible;
        return oldest == null ? v : Math.min(oldest, v);
    }

    private Long firstOrNull() {
        try {
            return snapshots.firstKey();
        } catch (java.util.NoSuchElementException e) {
            return null;
        }
    }

    /** Allocates {@code n >= 1} consecutive sequences; returns the first. */
    long allocate(int n) {
        return allocated.getAndAdd(n) + 1;
    }

    /**
     * Waits for every earlier range to publish, runs {@code inOrder} (which appends this commit's
     * change events, so the feed is written in sequence order), then publishes {@code [start, end]}.
     */
    void publish(long start, long end, Runnable inOrder) {
        awaitVisible(start - 1);
        try {
            inOrder.run();
        } finally {
            visible = end; // always publish: a stuck range would stall every later commit
        }
    }

    /** Waits until everything up to {@code seq} is visible. Publication takes microseconds. */
    void awaitVisible(long seq) {
        int spins = 0;
        while (visible < seq) {
            if (++spins < 200) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Number of registered snapshots, for tests of the engine. */
    int openSnapshots() {
        return snapshots.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
