package dev.depot.memory;

import dev.depot.ChangeEvent;
import dev.depot.DepotOptions;
import dev.depot.spi.ChangeLog;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The change feed of a memory store. Appended only inside a commit section ({@link
 * Commits#commit}), one commit at a time in sequence order, so readers always see a gap-free
 * prefix; a commit that fails takes its events back. Trimmed to the retention after each commit.
 */
final class MemoryChangeLog implements ChangeLog {
    private final ConcurrentSkipListMap<Long, ChangeEvent> events = new ConcurrentSkipListMap<>();
    private final InstantSource clock;
    private final Duration maxAge;
    private final long maxEvents;
    private volatile long last;
    private final java.util.concurrent.atomic.AtomicLong size = new java.util.concurrent.atomic.AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();

    MemoryChangeLog(DepotOptions options) {
        this.clock = options.clock();
        this.maxAge = options.changeRetentionAge();
        this.maxEvents = options.changeRetentionEvents();
    }

    /**
     * Appends a commit's events with sequences {@code start, start+1, ...}, inside the commit
     * section. All or nothing: if anything throws, the events appended so far are removed again
     * before the throwable propagates. Readers see the events only once all are in ({@link #since}
     * stops at {@link #lastSequence()}, which moves last).
     */
    void append(long start, List<PendingEvent> pending, Instant time, FaultProbe probe) {
        long seq = start;
        try {
            for (PendingEvent p : pending) {
                probe.at(FaultProbe.Point.EVENT_APPEND);
                events.put(seq, new ChangeEvent(seq, p.collection().spec.name(),
                        p.collection().keyType.text(p.key()), p.op(), p.version(), time));
                size.incrementAndGet();
                seq++;
            }
            probe.at(FaultProbe.Point.AFTER_EVENTS);
        } catch (Throwable t) {
            for (long s = start; s < seq; s++) {
                if (events.remove(s) != null) {
                    size.decrementAndGet();
                }
            }
            throw t;
        }
        last = seq - 1;
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
        while (size.get() > maxEvents && events.pollFirstEntry() != null) {
            size.decrementAndGet();
        }
        Instant cutoff = clock.instant().minus(maxAge);
        Map.Entry<Long, ChangeEvent> first;
        while ((first = events.firstEntry()) != null && first.getValue().time().isBefore(cutoff)) {
            if (events.remove(first.getKey()) != null) {
                size.decrementAndGet();
            }
        }
    }

    @Override
    public List<ChangeEvent> since(long afterSequence, int limit) {
        List<ChangeEvent> out = new ArrayList<>(Math.min(limit, 64));
        long upTo = last;
        if (upTo <= afterSequence) {
            return out;
        }
        for (ChangeEvent e : events.subMap(afterSequence, false, upTo, true).values()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(e);
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
        Map.Entry<Long, ChangeEvent> e;
        while ((e = events.pollFirstEntry()) != null) {
            size.decrementAndGet();
        }
    }

    long size() {
        return size.get();
    }
}
