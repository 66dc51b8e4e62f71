package dev.depot.memory;

import dev.depot.DepotOptions;
import dev.depot.spi.CollectionSpec;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The state of one memory depot: collections, commit order, change log. Shared by every {@code
 * memory:NAME} depot of the same name in the JVM.
 */
final class MemoryStore {
    final Commits commits = new Commits();
    final MemoryChangeLog log;
    final InstantSource clock;
    final MemoryQueues queues;
    private final Map<String, MemoryCollection> collections = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<DeferredPrune> deferred = new ConcurrentLinkedQueue<>();

    MemoryStore(DepotOptions options) {
        this.log = new MemoryChangeLog(options);
        this.clock = options.clock();
        this.queues = new MemoryQueues(options.clock());
    }

    /** The collection, created on first use. */
    MemoryCollection collection(CollectionSpec spec) {
        MemoryCollection c = collections.get(spec.name());
        if (c == null) {
            c = collections.computeIfAbsent(spec.name(), n -> new MemoryCollection(spec));
        }
        return c;
    }

    Map<String, MemoryCollection> collections() {
        return collections;
    }

    /** Remembers a key whose old versions can go once older snapshots close. */
    void deferPrune(MemoryCollection c, Object key, long seq) {
        deferred.add(new DeferredPrune(c, key, seq));
    }

    /** Prunes deferred keys that no open snapshot needs any more; bounded work per call. */
    void drainPrunes() {
        if (deferred.isEmpty()) {
            return;
        }
        long horizon = commits.horizon();
        for (int i = 0; i < 256; i++) {
            DeferredPrune d = deferred.peek();
            if (d == null || d.seq() > horizon || (d = deferred.poll()) == null) {
                return;
            }
            if (d.seq() > horizon) {
                deferred.add(d);
                return;
            }
            OrderedLock lock = d.collection().keyLock(d.key());
            lock.lock();
            try {
                d.collection().prune(d.key(), horizon);
            } finally {
                lock.unlock();
            }
        }
    }

    private record DeferredPrune(MemoryCollection collection, Object key, long seq) {}
}
