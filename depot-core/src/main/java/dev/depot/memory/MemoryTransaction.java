package dev.depot.memory;

import dev.depot.ChangeEvent;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Conflicts;
import dev.depot.spi.IndexSpec;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.QueueOp;
import dev.depot.spi.Session;
import dev.depot.spi.StoredRecord;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot-isolated transaction on a memory store. Reads see the snapshot taken at the first
 * operation plus this transaction's own writes; writes are buffered and checked (preconditions,
 * unique indexes) at once against that view. {@link #commit()} validates first-committer-wins
 * under striped key locks, then installs all versions and publishes them in one step.
 */
final class MemoryTransaction implements Session {
    private final MemoryStore store;
    private long snapshot = -1;
    private boolean snapshotOpen;
    private boolean ended;
    private final Map<MemoryCollection, Map<Object, Pending>> writes = new LinkedHashMap<>();
    private final List<PendingEvent> events = new ArrayList<>();
    private MemoryQueueWork queueWork; // buffered queue operations, null until the first

    MemoryTransaction(MemoryStore store) {
        this.store = store;
    }

    private long snapshot() {
        if (ended) {
            throw new IllegalStateException("the transaction has ended");
        }
        if (!snapshotOpen) {
            snapshot = store.commits.openSnapshot();
            snapshotOpen = true;
        }
        return snapshot;
    }

    private MemoryCollection collection(CollectionSpec spec) {
        return store.collection(spec);
    }

    private Map<Object, Pending> pending(MemoryCollection c) {
        return writes.getOrDefault(c, Map.of());
    }

    /** This transaction's view of a key: own write, else the snapshot's version; null if absent. */
    private StoredRecord view(MemoryCollection c, Object key) {
        long s = snapshot();
        Pending p = pending(c).get(key);
        if (p != null) {
            return p.isDelete() ? null : p;
        }
        return c.visible(key, s);
    }

    @Override
    public StoredRecord get(CollectionSpec spec, Object key) {
        return view(collection(spec), key);
    }

    @Override
    public List<StoredRecord> getAll(CollectionSpec spec, List<Object> keys) {
        MemoryCollection c = collection(spec);
        List<StoredRecord> out = new ArrayList<>(keys.size());
        for (Object k : keys) {
            StoredRecord r = view(c, k);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public WriteResult write(CollectionSpec spec, Write w) {
        MemoryCollection c = collection(spec);
        StoredRecord current = view(c, w.key());
        boolean exists = current != null;
        long currentVersion = exists ? current.version() : 0;
        WriteResult refused = w.precondition(exists, currentVersion);
        if (refused != null) {
            return refused;
        }
        int violated = uniqueViolation(c, w.key(), w.indexValues());
        if (violated >= 0) {
            return WriteResult.unique(violated);
        }
        long version = Write.nextVersion(exists, currentVersion);
        writes.computeIfAbsent(c, k -> new HashMap<>())
                .put(w.key(), new Pending(w.key(), version, w.document(), w.indexValues()));
        events.add(new PendingEvent(c, w.key(), Write.op(exists), version));
        return WriteResult.ok(version);
    }

    @Override
    public List<WriteResult> writeAll(CollectionSpec spec, List<Write> batch) {
        MemoryCollection c = collection(spec);
        Map<Object, Pending> before = new HashMap<>(pending(c));
        int eventsBefore = events.size();
        List<WriteResult> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            WriteResult r = write(spec, batch.get(i));
            if (!r.ok()) {
                writes.put(c, before); // undo this batch only
                events.subList(eventsBefore, events.size()).clear();
                return List.of(r.at(i));
            }
            out.add(r);
        }
        return out;
    }

    @Override
    public WriteResult delete(CollectionSpec spec, Object key, long expectedVersion) {
        MemoryCollection c = collection(spec);
        StoredRecord current = view(c, key);
        WriteResult refused = Write.deletePrecondition(current != null, current == null ? 0 : current.version(), expectedVersion);
        if (refused != null) {
            return refused;
        }
        writes.computeIfAbsent(c, k -> new HashMap<>()).put(key, new Pending(key, current.version(), null, null));
        events.add(new PendingEvent(c, key, ChangeEvent.Op.DELETE, current.version()));
        return WriteResult.ok(current.version());
    }

    @Override
    public List<StoredRecord> query(CollectionSpec spec, QueryPlan plan) {
        MemoryCollection c = collection(spec);
        return QueryExecutor.list(c, plan, snapshot(), pending(c));
    }

    @Override
    public long count(CollectionSpec spec, QueryPlan plan) {
        MemoryCollection c = collection(spec);
        return QueryExecutor.count(c, plan, snapshot(), pending(c));
    }

    /**
     * Index of a unique index whose value {@code key} would share with another key in this view,
     * or -1.
     */
    private int uniqueViolation(MemoryCollection c, Object key, Object[] values) {
        List<IndexSpec> specs = c.spec.indexes();
        for (int i = 0; i < specs.size(); i++) {
            if (!specs.get(i).unique() || values[i] == null) {
                continue;
            }
            Object value = values[i];
            Map<Object, Pending> own = pending(c);
            for (Pending p : own.values()) {
                if (!p.isDelete() && !p.key().equals(key) && Objects.equals(p.indexValues()[i], value)) {
                    return i;
                }
            }
            for (IndexEntry e : holders(c, i, value)) {
                if (e.key().equals(key) || own.containsKey(e.key())) {
                    continue;
                }
                Version v = c.visible(e.key(), snapshot);
                if (v != null && Objects.equals(v.indexValues[i], value)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Iterable<IndexEntry> holders(MemoryCollection c, int index, Object value) {
        return c.indexes[index].between(new IndexEntry(value, IndexEntry.LOW), new IndexEntry(value, IndexEntry.HIGH));
    }

    @Override
    public void commit() {
        if (ended) {
            throw new IllegalStateException("the transaction has ended");
        }
        ended = true;
        try {
            if (queueWork != null) {
                queueWork.commit(() -> { // queue locks held around the record commit; see MemoryQueueWork
                    if (!events.isEmpty()) {
                        apply();
                    }
                });
            } else if (!events.isEmpty()) {
                apply();
            }
        } finally {
            closeSnapshot();
            store.drainPrunes();
        }
    }

    @Override
    public void queue(QueueOp op) {
        if (ended) {
            throw new IllegalStateException("the transaction has ended");
        }
        if (queueWork == null) {
            queueWork = new MemoryQueueWork(store.queues);
        }
        queueWork.add(op);
    }

    @Override
    public void rollback() {
        ended = true;
        writes.clear();
        events.clear();
        closeSnapshot();
        store.drainPrunes();
    }

    private void closeSnapshot() {
        if (snapshotOpen) {
            snapshotOpen = false;
            store.commits.closeSnapshot(snapshot);
        }
    }

    /** Validate, install and publish, holding every needed lock in ordinal order. */
    private void apply() {
        List<OrderedLock> locks = locksNeeded();
        for (OrderedLock l : locks) {
            l.lock();
        }
        try {
            validate();
            Instant now = store.clock.instant().truncatedTo(ChronoUnit.MICROS); // as every database keeps it
            long end = store.commits.commit(events.size(), (start, last) -> {
                install(last);
                store.log.append(start, events, now);
            });
            closeSnapshot();
            pruneWritten(end);
        } finally {
            for (int i = locks.size() - 1; i >= 0; i--) {
                locks.get(i).unlock();
            }
        }
        for (MemoryCollection c : writes.keySet()) {
            c.scheduleMerges();
        }
    }

    private List<OrderedLock> locksNeeded() {
        Map<OrderedLock, Boolean> set = new IdentityHashMap<>();
        for (Map.Entry<MemoryCollection, Map<Object, Pending>> e : writes.entrySet()) {
            MemoryCollection c = e.getKey();
            List<IndexSpec> specs = c.spec.indexes();
            for (Pending p : e.getValue().values()) {
                set.put(c.keyLock(p.key()), Boolean.TRUE);
                if (p.isDelete()) {
                    continue;
                }
                for (int i = 0; i < specs.size(); i++) {
                    if (specs.get(i).unique() && p.indexValues()[i] != null) {
                        set.put(c.uniqueLock(i, p.indexValues()[i]), Boolean.TRUE);
                    }
                }
            }
        }
        List<OrderedLock> locks = new ArrayList<>(set.keySet());
        locks.sort((a, b) -> Long.compare(a.ordinal, b.ordinal));
        return locks;
    }

    /** First committer wins; unique values are re-checked against the latest committed state. */
    private void validate() {
        for (Map.Entry<MemoryCollection, Map<Object, Pending>> e : writes.entrySet()) {
            MemoryCollection c = e.getKey();
            for (Pending p : e.getValue().values()) {
                Version head = c.heads.get(p.key());
                if (head != null && head.commitSeq > snapshot) {
                    throw Conflicts.lostRace(c.spec.name(), c.keyType.text(p.key()));
                }
            }
            for (Pending p : e.getValue().values()) {
                if (!p.isDelete()) {
                    checkUniqueAgainstLatest(c, p, e.getValue());
                }
            }
        }
    }

    private static void checkUniqueAgainstLatest(MemoryCollection c, Pending p, Map<Object, Pending> own) {
        List<IndexSpec> specs = c.spec.indexes();
        for (int i = 0; i < specs.size(); i++) {
            Object value = p.indexValues()[i];
            if (!specs.get(i).unique() || value == null) {
                continue;
            }
            for (IndexEntry e : holders(c, i, value)) {
                if (e.key().equals(p.key()) || own.containsKey(e.key())) {
                    continue;
                }
                Version head = c.heads.get(e.key());
                if (head != null && !head.isTombstone() && Objects.equals(head.indexValues[i], value)) {
                    throw Conflicts.unique(c.spec.name(), c.keyType.text(p.key()), specs.get(i).name());
                }
            }
        }
    }

    private void install(long commitSeq) {
        for (Map.Entry<MemoryCollection, Map<Object, Pending>> e : writes.entrySet()) {
            MemoryCollection c = e.getKey();
            for (Pending p : e.getValue().values()) {
                Version head = c.heads.get(p.key());
                Version v = new Version(p.key(), p.version(), p.document(), p.indexValues(), commitSeq, head);
                boolean wasLive = head != null && !head.isTombstone();
                c.heads.put(p.key(), v);
                if (head == null) {
                    c.keys.add(p.key());
                }
                c.addEntries(v);
                c.live.addAndGet((v.isTombstone() ? 0 : 1) - (wasLive ? 1 : 0));
                c.payloadBytes.addAndGet((v.isTombstone() ? 0 : v.document.length)
                        - (wasLive ? head.document.length : 0));
            }
        }
    }

    private void pruneWritten(long commitSeq) {
        long horizon = store.commits.horizon();
        for (Map.Entry<MemoryCollection, Map<Object, Pending>> e : writes.entrySet()) {
            MemoryCollection c = e.getKey();
            for (Object key : e.getValue().keySet()) {
                if (commitSeq <= horizon) {
                    c.prune(key, horizon);
                } else {
                    store.deferPrune(c, key, commitSeq);
                }
            }
        }
    }
}
