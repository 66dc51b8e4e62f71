package dev.depot.memory;

import dev.depot.DepotOptions;
import dev.depot.spi.CollectionSpec;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one memory depot: collections, commit order, change log. Shared by every {@code
 * memory:NAME} depot of the same name in the JVM.
 *
 * <p>Reclaiming old versions: a commit prunes the keys it wrote at once, keeping only versions a
 * registered snapshot sees; keys that keep some for a snapshot are remembered (one entry per key,
 * see {@link MemoryCollection#revisit}). When the oldest snapshot closes, a sweep on the common
 * pool prunes every remembered key again, so memory comes back promptly without any later write.
 */
final class MemoryStore {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStore.class);

    final Commits commits = new Commits();
    final MemoryChangeLog log;
    final InstantSource clock;
    final MemoryBlobs blobs = new MemoryBlobs();
    final MemoryQueues queues;
    private final Map<String, MemoryCollection> collections = new ConcurrentHashMap<>();
    /** Test hook: where the commit path and merges fail on purpose; {@link FaultProbe#NONE} otherwise. */
    volatile FaultProbe faults = FaultProbe.NONE;
    private final FaultProbe probe = point -> faults.at(point);
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** The horizon the last sweep started at; a sweep is due when the oldest snapshot moved past it. */
    private volatile long swept = -1;

    MemoryStore(DepotOptions options) {
        this.log = new MemoryChangeLog(options);
        this.clock = options.clock();
        this.queues = new MemoryQueues(options.clock());
    }

    /** The collection, created on first use. */
    MemoryCollection collection(CollectionSpec spec) {
        MemoryCollection c = collections.get(spec.name());
        if (c == null) {
            c = collections.computeIfAbsent(spec.name(), n -> new MemoryCollection(spec, probe));
        }
        return c;
    }

    Map<String, MemoryCollection> collections() {
        return collections;
    }

    FaultProbe probe() {
        return probe;
    }

    /** Deregisters a snapshot; when it was the oldest, old versions it held are reclaimed soon. */
    void closeSnapshot(long snapshot) {
        if (commits.closeSnapshot(snapshot)) {
            sweepIfDue();
        }
    }

    /**
     * Starts a sweep of the remembered keys on the common pool if the oldest snapshot moved since
     * the last one. Never throws (it runs after commits are published).
     */
    void sweepIfDue() {
        try {
            if (swept >= commits.horizon() || !anyRevisit() || !sweeping.compareAndSet(false, true)) {
                return;
            }
            try {
                ForkJoinPool.commonPool().execute(this::sweep);
            } catch (Throwable t) {
                sweeping.set(false);
                throw t;
            }
        } catch (Throwable t) {
            LOG.error("memory: scheduling the reclaim of old versions failed; it is retried later", t);
        }
    }

    private boolean anyRevisit() {
        for (MemoryCollection c : collections.values()) {
            if (!c.revisit.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void sweep() {
        try {
            do {
                swept = commits.horizon();
                sweepOnce();
            } while (swept < commits.horizon() && anyRevisit());
        } catch (Throwable t) {
            LOG.error("memory: reclaiming old versions failed; the versions stay until a later sweep", t);
        } finally {
            sweeping.set(false);
        }
        if (swept < commits.horizon()) {
            sweepIfDue(); // a snapshot closed after the loop's last check
        }
    }

    /** Prunes every remembered key once, then compacts runs with enough garbage. */
    void sweepOnce() {
        for (MemoryCollection c : collections.values()) {
            for (Object key : c.revisit) {
                OrderedLock lock = c.keyLock(key);
                lock.lock();
                try {
                    if (!c.prune(key, commits.snapshots())) {
                        c.revisit.remove(key);
                    }
                } finally {
                    lock.unlock();
                }
            }
            c.mergeLogged();
        }
    }
}
