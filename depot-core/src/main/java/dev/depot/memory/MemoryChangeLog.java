package dev.depot.memory;

import dev.depot.ChangeEvent;
import dev.depot.DepotOptions;
import dev.depot.spi.ChangeLog;
import dev.depot.spi.CommitLookup;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The change feed of a memory store. Appended only inside a commit section ({@link
 * Commits#commit}), one commit at a time in sequence order, so readers always see a gap-free
 * prefix; a commit that fails takes its events back. Trimmed to the retention after each commit.
 * The events sit in an {@link EventRing} guarded by {@code lock}, which a reader holds only while
 * it copies at most {@link #copyChunk} events, so a commit never waits long for a reader.
 */
final class MemoryChangeLog implements ChangeLog {
    /** The most events a reader copies per hold of the lock (tests make it small to race retention). */
    static volatile int copyChunk = 4096;

    private final InstantSource clock;
    private final Duration maxAge;
    private final long maxEvents;
    /** Guards {@code ring} and signals {@code appended}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final EventRing ring = new EventRing();
    private final Condition appended = lock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();
    /** The newest appended sequence; written under {@code lock}, read without it. */
    private volatile long last;
    /** Events retained, for {@link #size} and {@link #trim} without the lock. */
    private volatile int retained;
    /** The oldest retained event's time (null: none), so most commits' {@link #trim} takes no lock. */
    private volatile Instant oldestTime;
    /** The sequence whose time {@code oldestTime} is; under {@code lock}. */
    private long oldestTimeOf;
    /** The highest sequence dropped by retention or a clear. */
    private volatile long floor;
    /** Retained commits that carry an id (transactions), for {@link #lookup}; oldest first in {@code commitOrder}. */
    private final Map<String, long[]> commitRanges = new ConcurrentHashMap<>();
    private final Queue<String> commitOrder = new ConcurrentLinkedQueue<>();
    /** Ids of applied commits that had no events (queue operations only), with when; kept as long as events are, by age. */
    private final Map<String, Instant> eventless = new ConcurrentHashMap<>();
    private final Queue<Map.Entry<String, Instant>> eventlessOrder = new ConcurrentLinkedQueue<>();

    MemoryChangeLog(DepotOptions options) {
        this.clock = options.clock();
        this.maxAge = options.changeRetentionAge();
        this.maxEvents = options.changeRetentionEvents();
    }

    /**
     * Appends a commit's events with sequences {@code start, start+1, ...}, inside the commit
     * section, remembering its commit id (null for none) with their range. All or nothing: if
     * anything throws, the events appended so far are removed again before the throwable propagates,
     * and the id is recorded only once every event is in. Readers see the events only once all are
     * in ({@link #since} stops at {@link #lastSequence()}, which moves last).
     */
    void append(long start, List<PendingEvent> pending, Instant time, FaultProbe probe, String commitId, String origin) {
        long seq = start;
        lock.lock();
        try {
            try {
                for (PendingEvent p : pending) {
                    probe.at(FaultProbe.Point.EVENT_APPEND);
                    ring.add(seq, p.collection().feedSource, p.key(), p.op(), p.version(), time, origin);
                    seq++;
                }
                probe.at(FaultProbe.Point.AFTER_EVENTS);
            } catch (Throwable t) {
                ring.dropNewest((int) (seq - start));
                throw t;
            } finally {
                noteRetained();
            }
            last = seq - 1;
        } finally {
            lock.unlock();
        }
        if (commitId != null) { // once its events are in: the id never outlives a half-done append
            commitRanges.put(commitId, new long[] {start, seq - 1});
            commitOrder.add(commitId);
        }
    }

    /** After a commit published: trims to the retention and wakes waiting readers. */
    void published() {
        trim();
        if (waiters.get() > 0) {
            lock.lock();
            try {
                appended.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void trim() {
        Instant cutoff = clock.instant().minus(maxAge);
        Instant known = oldestTime;
        if (retained <= maxEvents && (known == null || !known.isBefore(cutoff))) {
            return; // nothing to drop: committers do not meet at the lock for nothing
        }
        lock.lock();
        try {
            while (ring.size() > 0 && (ring.size() > maxEvents || ring.oldestBefore(cutoff))) {
                long dropped = ring.oldestSequence();
                ring.dropOldest();
                dropped(dropped);
            }
            noteRetained();
        } finally {
            lock.unlock();
        }
    }

    /** Publishes the ring's size and oldest time to lock-free readers; under the lock. */
    private void noteRetained() {
        int size = ring.size();
        if (size == 0) {
            oldestTime = null;
        } else if (oldestTime == null || ring.oldestSequence() != oldestTimeOf) {
            oldestTime = ring.oldestTime(); // built only when the oldest event changed
            oldestTimeOf = ring.oldestSequence();
        }
        retained = size;
    }

    /** Raises the floor to {@code seq} and forgets the commit ids whose events are all gone. */
    private void dropped(long seq) {
        if (seq > floor) {
            floor = seq;
        }
        String id;
        long[] range;
        while ((id = commitOrder.peek()) != null && ((range = commitRanges.get(id)) == null || range[1] <= floor)) {
            commitRanges.remove(id);
            commitOrder.poll();
        }
    }

    /**
     * The retained events after {@code afterSequence}, oldest first, at most {@code limit}: always a
     * run of consecutive sequences. Copied a chunk per hold of the lock; should retention drop the
     * next event between two chunks, the run ends there.
     */
    @Override
    public List<ChangeEvent> since(long afterSequence, int limit) {
        trim(); // the clock may have moved past the retention since the last commit
        List<ChangeEvent> out = new ArrayList<>(Math.min(limit, 64));
        long upTo = last;
        long after = afterSequence;
        while (out.size() < limit && after < upTo) {
            int before = out.size();
            lock.lock();
            try {
                if (before > 0 && (ring.size() == 0 || ring.oldestSequence() > after + 1)) {
                    break; // dropped since the previous chunk: the run ends
                }
                ring.copy(after, upTo, Math.min(copyChunk, limit - before), out);
            } finally {
                lock.unlock();
            }
            if (out.size() == before) {
                break;
            }
            after = out.getLast().sequence();
        }
        return out;
    }

    @Override
    public long lastSequence() {
        return last;
    }

    @Override
    public void awaitAfter(long afterSequence, Duration timeout) throws InterruptedException {
        waiters.incrementAndGet();
        lock.lock();
        try {
            if (last <= afterSequence) {
                appended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
            waiters.decrementAndGet();
        }
    }

    /** Drops every event; sequences keep increasing. */
    void clear() {
        clearThrough(last);
    }

    /**
     * Drops every event and takes {@code seq} (at least the last) as the last sequence, given to a
     * commit that appends no events ({@code depot.clear()}): the next event follows it, and the floor
     * covers it, so no reader sees a gap. Called inside the commit section for such a commit.
     */
    void clearThrough(long seq) {
        lock.lock();
        try {
            ring.clear();
            noteRetained();
            if (seq > last) {
                last = seq;
            }
            dropped(last);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long knownSequence() {
        return last;
    }

    @Override
    public CommitLookup lookup(String commitId) {
        long[] range = commitRanges.get(commitId); // before the floor: see ChangeLog#lookup
        long f = floor;
        if (range == null || range[1] <= f) {
            return new CommitLookup(0, 0, f, eventless.containsKey(commitId));
        }
        return new CommitLookup(Math.max(range[0], f + 1), range[1], f);
    }

    /** Remembers that the commit {@code commitId} was applied without events (its queue operations). */
    void appliedWithoutEvents(String commitId) {
        Instant now = clock.instant();
        eventless.put(commitId, now);
        eventlessOrder.add(Map.entry(commitId, now));
        Instant cutoff = now.minus(maxAge);
        Map.Entry<String, Instant> oldest;
        while ((oldest = eventlessOrder.peek()) != null && oldest.getValue().isBefore(cutoff)) {
            eventlessOrder.poll();
            eventless.remove(oldest.getKey(), oldest.getValue());
        }
    }

    long size() {
        trim();
        return retained;
    }
}
