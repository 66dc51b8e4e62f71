package dev.depot.memory;

import dev.depot.QueueOptions;
import dev.depot.spi.QueueConflicts;
import dev.depot.spi.QueueStore;
import dev.depot.spi.QueueTime;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The work queues of one memory store. Item ids are unique across its queues, so an item keeps its id in a dead-letter queue. */
final class MemoryQueues implements QueueStore {
    /** The clock every queue of this store reads, never going back (CONTRACT.md "Queues", "Time"). */
    final QueueTime time;
    private final Map<String, MemoryQueue> queues = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong ordinals = new AtomicLong();

    MemoryQueues(InstantSource clock) {
        this.time = new QueueTime(clock);
    }

    /**
     * Held while options change and while a queue is dropped, so a drop's check that no queue names
     * it as its dead-letter queue and the drop are one step against {@code queue(other, options)}.
     */
    private final Object declarations = new Object();

    @Override
    public MemoryQueue open(String name, QueueOptions options) {
        MemoryQueue q = queue(name);
        if (options == null) {
            if (!q.declared) {
                q.declare(); // dropped before: opening it again makes a fresh queue
            }
            return q;
        }
        synchronized (declarations) {
            q.enter(); // due work first, under the options in force when it fell due: a change affects later events only
            try {
                q.declared = true;
                q.options = options;
            } finally {
                q.exit();
            }
            if (options.deadLetterQueue() != null) {
                MemoryQueue dlq = queue(options.deadLetterQueue());
                if (!dlq.declared) {
                    dlq.declare(); // named as a dead-letter queue, it exists (as on SQL): items can arrive there first
                }
            }
        }
        return q;
    }

    @Override
    public boolean drop(String name) {
        synchronized (declarations) {
            String referrer = null;
            for (MemoryQueue other : queues.values()) {
                if (other.declared && !other.name.equals(name) && name.equals(other.options.deadLetterQueue())
                        && (referrer == null || other.name.compareTo(referrer) < 0)) {
                    referrer = other.name;
                }
            }
            if (referrer != null) {
                throw QueueConflicts.deadLetterQueueInUse(name, referrer);
            }
            MemoryQueue q = queues.get(name);
            // The object stays (undeclared, empty): handles opened before keep naming the queue.
            return q != null && q.drop();
        }
    }

    /** The queue, created with the default options on first use (a dropped one stays undeclared until opened again). */
    MemoryQueue queue(String name) {
        MemoryQueue q = queues.get(name);
        return q != null ? q : queues.computeIfAbsent(name, n -> new MemoryQueue(n, ordinals.incrementAndGet(), this));
    }

    @Override
    public Map<String, QueueOptions> options() {
        Map<String, QueueOptions> out = new HashMap<>();
        queues.forEach((n, q) -> {
            if (q.declared) {
                out.put(n, q.options);
            }
        });
        return out;
    }

    @Override
    public void clearAll() {
        for (MemoryQueue q : queues.values()) {
            q.removeAll();
            q.options = QueueOptions.defaults();
        }
        time.reset(); // nothing is queued any more: queue time follows the clock again, also one set back
    }

    /** Wakes every waiting consumer to look at its stop condition: a depot on this store closed. */
    void wakeAll() {
        for (MemoryQueue q : queues.values()) {
            q.wakeAll();
        }
    }

    /** The first of {@code n} fresh item sequence numbers. */
    long reserveIds(int n) {
        return ids.getAndAdd(n) + 1;
    }

    /** Heap bytes the queues' items hold (payloads and a per-item estimate), for {@code depot.stats()}: walks them. */
    long heapBytes() {
        long n = 0;
        for (MemoryQueue q : queues.values()) {
            n += q.heapBytes();
        }
        return n;
    }
}
