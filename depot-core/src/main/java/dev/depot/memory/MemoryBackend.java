package dev.depot.memory;

import dev.depot.Capabilities;
import dev.depot.Capability;
import dev.depot.DepotStats;
import dev.depot.Health;
import dev.depot.spi.Backend;
import dev.depot.spi.ChangeLog;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Conflicts;
import dev.depot.spi.QueueStore;
import dev.depot.spi.Reindexer;
import dev.depot.spi.Session;
import dev.depot.spi.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** The in-memory backend: multi-version records with snapshot isolation, all in the heap. */
final class MemoryBackend implements Backend {
    /**
     * Heap cost of one record beyond its payload, and of each index entry, measured at 1M UUID-keyed
     * records with a String and a Long index (Footprint: ~186 bytes above the payload in all).
     */
    static final long RECORD_OVERHEAD_BYTES = 120;
    static final long INDEX_ENTRY_BYTES = 33;
    static final long EVENT_BYTES = 120;

    private static final Capabilities CAPABILITIES = Capabilities.of(
            Capability.RECORDS, Capability.TRANSACTIONS, Capability.UNIQUE_INDEXES, Capability.CHANGE_FEED,
            Capability.BLOBS, Capability.QUEUES);

    private final MemoryStore store;
    private final String name; // null for a private store
    private final String origin;
    private final MemoryAutoCommit autoCommit;
    private final AtomicBoolean closed = new AtomicBoolean();

    MemoryBackend(MemoryStore store, String name, String origin) {
        this.store = store;
        this.name = name;
        this.origin = origin;
        this.autoCommit = new MemoryAutoCommit(store, origin);
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void prepare(CollectionSpec spec, Reindexer reindexer) {
        MemoryCollection c = store.collection(spec);
        if (c.spec.equals(spec)) {
            return;
        }
        if (c.keyType != spec.keyType()) {
            throw Conflicts.keyTypeChanged(spec.name(), c.keyType, spec.keyType());
        }
        synchronized (c) {
            if (!c.spec.equals(spec)) {
                reindex(c, spec, reindexer);
            }
        }
    }

    /**
     * Rebuilds a collection's indexes for a new index declaration, from the stored documents, with
     * every key lock held. A new unique index that the data violates changes nothing.
     */
    private static void reindex(MemoryCollection c, CollectionSpec spec, Reindexer reindexer) {
        List<OrderedLock> locks = new ArrayList<>(c.keyLocks.all());
        locks.addAll(c.uniqueLocks.all());
        locks.sort((a, b) -> Long.compare(a.ordinal, b.ordinal));
        locks.forEach(OrderedLock::lock);
        try {
            Map<Object, Object[]> values = new HashMap<>();
            List<Version> heads = new ArrayList<>(c.heads.size());
            c.heads.forEach(heads::add);
            for (Version head : heads) {
                if (!head.isTombstone()) {
                    values.put(head.key, reindexer.indexValues(head.document()));
                }
            }
            checkUnique(spec, c, values);
            OrderedRuns<IndexEntry>[] fresh = c.newIndexes(spec);
            for (Version head : heads) {
                if (head.isTombstone()) {
                    c.heads.remove(head);
                    c.keys.noteGarbage();
                    continue;
                }
                Object[] v = values.get(head.key);
                Version replaced = Version.of(head.key, head.version(), head.document(), v, head.commitSeq, null);
                c.heads.put(replaced);
                for (int i = 0; i < v.length; i++) {
                    fresh[i].add(new IndexEntry(replaced.storedValue(i), head.key)); // shares the version's stored value
                }
            }
            c.indexes = fresh;
            c.spec = spec;
            c.mergeRunsIfDue();
        } finally {
            for (int i = locks.size() - 1; i >= 0; i--) {
                locks.get(i).unlock();
            }
        }
    }

    private static void checkUnique(CollectionSpec spec, MemoryCollection c, Map<Object, Object[]> values) {
        for (int i = 0; i < spec.indexes().size(); i++) {
            if (!spec.index(i).unique()) {
                continue;
            }
            Set<Object> seen = new HashSet<>();
            for (Map.Entry<Object, Object[]> e : values.entrySet()) {
                Object v = e.getValue()[i];
                if (v != null && !seen.add(v)) {
                    throw Conflicts.uniqueOnExistingRecords(spec.name(), spec.index(i).name());
                }
            }
        }
    }

    @Override
    public Session autoCommit() {
        return autoCommit;
    }

    @Override
    public Session begin() {
        return new MemoryTransaction(store, origin);
    }

    @Override
    public ChangeLog changes() {
        return store.log;
    }

    @Override
    public QueueStore queues() {
        return store.queues;
    }

    @Override
    public void clear(CollectionSpec spec) {
        MemoryCollection c = store.collection(spec);
        autoCommit.writeOnce(tx -> {
            for (Object key : c.keys.all()) {
                tx.delete(c.spec, key, Write.ANY_VERSION);
            }
            return null;
        }, done -> true);
        // Release the memory now rather than at later writes: the deletions were pruned at commit
        // (unless a snapshot still needs them: then the sweep does it when it closes); compact the runs.
        c.compactLogged();
    }

    @Override
    public void clearAll() {
        // One commit deletes every record and empties the feed in its section: like SQL's plain
        // deletes, depot.clear() numbers and delivers no DELETE events (records.clear() does).
        autoCommit.writeOnce(tx -> {
            for (MemoryCollection c : store.collections().values()) {
                for (Object key : c.keys.all()) {
                    tx.delete(c.spec, key, Write.ANY_VERSION);
                }
            }
            tx.clearFeedOnCommit();
            return null;
        }, done -> true);
        for (MemoryCollection c : store.collections().values()) {
            c.compactLogged();
        }
        store.log.clear(); // when there was nothing to delete, and events committed meanwhile
        store.queues.clearAll();
        store.blobs.clear();
    }

    @Override
    public dev.depot.spi.BlobStore blobs() {
        return store.blobs;
    }

    @Override
    public DepotStats stats() {
        Map<String, Long> counts = new HashMap<>();
        long heap = 0;
        for (MemoryCollection c : store.collections().values()) {
            long live = c.live.get();
            counts.put(c.spec.name(), live);
            heap += c.payloadBytes.get() + live * (RECORD_OVERHEAD_BYTES + INDEX_ENTRY_BYTES * c.spec.indexes().size());
        }
        long events = store.log.size();
        heap += store.queues.heapBytes();
        return new DepotStats("memory", counts, events, heap + events * EVENT_BYTES + store.blobs.heapBytes(),
                store.blobs.stats());
    }

    @Override
    public Health health() {
        return closed.get()
                ? new Health(false, "memory", Duration.ZERO, "closed")
                : new Health(true, "memory", Duration.ZERO, "");
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            store.queues.wakeAll(); // consumers waiting through this depot end their wait (others wait on)
            if (name != null) {
                MemoryStores.release(name, store);
            }
        }
    }

    @Override
    public String toString() {
        return name == null ? "memory:" : "memory:" + name;
    }
}
