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
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The change feed of a memory store. Appended only from {@link Commits#publish}, one commit at a
 * time in sequence order, so readers always see a gap-free prefix. Trimmed to the retention on
 * append.
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
    /** The highest sequence dropped by retention or a clear. */
    private volatile long floor;
    /** Retained commits that carry an id (transactions), for {@link #lookup}; oldest first in {@code commitOrder}. */
    private final Map<String, long[]> commitRanges = new ConcurrentHashMap<>();
    private final Queue<String> commitOrder = new ConcurrentLinkedQueue<>();

    MemoryChangeLog(DepotOptions options) {
        this.clock = options.clock();
        this.maxAge = options.changeRetentionAge();
        this.maxEvents = options.changeRetentionEvents();
    }

    /** Appends a commit's events with sequences {@code start, start+1, ...}. */
    void append(long start, List<PendingEvent> pending, Instant time) {
        append(start, pending, time, null);
    }

    /** Appends a transaction's events, remembering its commit id (null for none) with their range. */
    void append(long start, List<PendingEvent> pending, Instant time, String commitId) {
        long seq = start;
        for (PendingEvent p : pending) {
            events.put(seq, new ChangeEvent(seq, p.collection().spec.name(),
                    p.collection().keyType.text(p.key()), p.op(), p.version(), time));
            size.incrementAndGet();
            seq++;
        }
        last = seq - 1;
        if (commitId != null) { // once its events are in: the id never outlives a half-done append
            commitRanges.put(commitId, new long[] {start, last});
            commitOrder.add(commitId);
        }
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
        Map.Entry<Long, ChangeEvent> first;
        while (size.get() > maxEvents && (first = events.pollFirstEntry()) != null) {
            size.decrementAndGet();
            dropped(first.getKey());
        }
        Instant cutoff = clock.instant().minus(maxAge);
        while ((first = events.firstEntry()) != null && first.getValue().time().isBefore(cutoff)) {
            if (events.remove(first.getKey()) != null) {
                size.decrementAndGet();
                dropped(first.getKey());
            }
        }
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

    @Override
    public List<ChangeEvent> since(long afterSequence, int limit) {
        List<ChangeEvent> out = new ArrayList<>(Math.min(limit, 64));
        for (ChangeEvent e : events.tailMap(afterSequence, false).values()) {
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
        dropped(last);
    }

    @Override
    public long knownSequence() {
        return last;
    }

    @Override
    public CommitLookup lookup(String commitId) {
        long[] range = commitRanges.get(commitId); // before the floor: see ChangeLog#lookup
        long f = floor;
        return range == null || range[1] <= f ? new CommitLookup(0, 0, f) : new CommitLookup(Math.max(range[0], f + 1), range[1], f);
    }

    long size() {
        return size.get();
    }
}
