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
import java.util.NavigableSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snapshot-isolated transaction on a memory store. Reads see the snapshot taken at the first
 * operation plus this transaction's own writes; writes are buffered and checked (preconditions,
 * unique indexes) at once against that view. {@link #commit()} validates first-committer-wins
 * under striped key locks, then installs all versions and publishes them in one step.
 */
final class MemoryTransaction implements Session {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryTransaction.class);
    private final MemoryStore store;
    /** The origin of the depot this transaction belongs to, stamped on its events. */
    private final String origin;
    private long snapshot = -1;
    private boolean snapshotOpen;
    private boolean ended;
    // Sized for the common case, an auto-commit write of one record to one collection: the default
    // sizes made these maps ~40 % of what such a write allocates besides its document.
    private final Map<MemoryCollection, Map<Object, Pending>> writes = new LinkedHashMap<>(2);
    private final List<PendingEvent> events = new ArrayList<>(2);
    /** The declaration each written collection was written with, re-checked at commit. */
    private final Map<MemoryCollection, CollectionSpec> declared = new IdentityHashMap<>(1);
    /**
     * Unique values of the pending writes, per collection; built when a unique check first needs them
     * (null until then: an auto-commit write never does), kept in step by {@link #putPending}, dropped
     * when a batch is undone.
     */
    private Map<MemoryCollection, OwnUniqueValues> ownUnique;
    private MemoryQueueWork queueWork; // buffered queue operations, null until the first

    MemoryTransaction(MemoryStore store, String origin) {
        this.store = store;
        this.origin = origin;
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

    /** The collection, refusing a handle whose declaration is no longer the collection's. */
    private MemoryCollection collection(CollectionSpec spec) {
        MemoryCollection c = store.collection(spec);
        c.checkDeclaration(spec);
        return c;
    }

    private Map<Object, Pending> pending(MemoryCollection c) {
        return writes.getOrDefault(c, Map.of());
    }

    /** Records {@code p} as the key's pending write, keeping {@link #ownUnique} in step. */
    private void putPending(MemoryCollection c, Pending p) {
        Pending before = writes.computeIfAbsent(c, k -> new HashMap<>(2)).put(p.key(), p);
        OwnUniqueValues u = ownUnique == null ? null : ownUnique.get(c);
        if (u != null) {
            u.replace(before, p);
        }
    }

    /** The unique values of {@code c}'s pending writes, (re)built if absent or the declaration changed. */
    private OwnUniqueValues uniques(MemoryCollection c) {
        if (ownUnique == null) {
            ownUnique = new IdentityHashMap<>(1);
        }
        OwnUniqueValues u = ownUnique.get(c);
        if (u == null || u.specs() != c.spec.indexes()) {
            u = OwnUniqueValues.of(c.spec.indexes(), pending(c));
            ownUnique.put(c, u);
        }
        return u;
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
        long s = snapshot(); // before any lookup, as in view()
        Map<Object, Pending> own = pending(c);
        List<StoredRecord> out = new ArrayList<>(keys.size());
        HeadsBatch<Object> batch = new HeadsBatch<>(c.heads, (k, head) -> {
            Pending p = own.get(k);
            StoredRecord r = p != null ? (p.isDelete() ? null : p) : MemoryCollection.visibleFrom(head, s);
            if (r != null) {
                out.add(r);
            }
            return true;
        });
        for (Object k : keys) {
            batch.add(k, k);
        }
        batch.flush();
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
        declared.put(c, spec);
        Object key = exists ? current.key() : w.key(); // see sameKey
        putPending(c, new Pending(key, version, w.document(), w.indexValues()));
        events.add(new PendingEvent(c, key, Write.op(exists), version));
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
                if (ownUnique != null) {
                    ownUnique.remove(c);
                }
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
        declared.put(c, spec);
        Object same = current.key(); // see sameKey
        putPending(c, new Pending(same, current.version(), null, null));
        events.add(new PendingEvent(c, same, ChangeEvent.Op.DELETE, current.version()));
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
            if (uniques(c).heldByAnother(i, value, own.get(key))) {
                return i;
            }
            for (IndexEntry e : holders(c, i, value)) {
                if (e.key().equals(key) || own.containsKey(e.key())) {
                    continue;
                }
                Version v = c.visible(e.key(), snapshot);
                if (v != null && v.holds(i, value)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Iterable<IndexEntry> holders(MemoryCollection c, int index, Object value) {
        return c.indexes[index].between(new IndexEntry(value, IndexEntry.LOW), new IndexEntry(value, IndexEntry.HIGH));
    }

    /** Stored with this commit's change events, see {@link MemoryChangeLog#lookup}. */
    private String commitId;
    /** Set by {@link #clearFeedOnCommit()}: the commit appends no events and empties the feed. */
    private boolean clearsFeed;

    /**
     * Makes the commit empty the change feed instead of appending its events ({@code depot.clear()},
     * which SQL backends do with plain deletes): it takes one sequence, for its versions, and the
     * feed's floor moves to it in the same section, so no reader ever sees the deletions' events.
     */
    void clearFeedOnCommit() {
        clearsFeed = true;
    }

    @Override
    public void commit(String commitId) {
        this.commitId = commitId;
        commit();
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
                if (events.isEmpty() && commitId != null) {
                    store.log.appliedWithoutEvents(commitId); // commitOutcome says COMMITTED, as SQL's fence does
                }
            } else if (!events.isEmpty()) {
                apply();
            }
        } finally {
            closeSnapshot();
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
        ownUnique = null;
        events.clear();
        closeSnapshot();
    }

    private void closeSnapshot() {
        if (snapshotOpen) {
            snapshotOpen = false;
            store.closeSnapshot(snapshot);
        }
    }

    /**
     * Validate, install and publish, holding every needed lock in ordinal order. All or nothing:
     * whatever is thrown inside the commit section (an {@link Error} included), the installed
     * versions are taken back before the section ends, so no reader ever sees them, and {@link
     * Commits} neither publishes nor keeps the sequence range. Work after publication (pruning,
     * merges, trimming the log) never throws to the caller: the commit has happened.
     */
    private void apply() {
        List<OrderedLock> locks = locksNeeded();
        for (OrderedLock l : locks) {
            l.lock();
        }
        try {
            validate();
            publish();
        } finally {
            unlock(locks);
        }
        for (MemoryCollection c : writes.keySet()) {
            c.scheduleMerges();
        }
    }

    /** Installs and publishes the validated writes as one commit, then does its housekeeping. Caller holds the locks. */
    private void publish() {
        Instant now = store.clock.instant().truncatedTo(ChronoUnit.MICROS); // as every database keeps it
        Installs installs = new Installs(events.size()); // allocated before the section
        plan(installs);
        long end = store.commits.commit(clearsFeed ? 1 : events.size(), (start, last) -> {
            try {
                install(last, installs);
                if (clearsFeed) {
                    store.log.clearThrough(last);
                } else {
                    store.log.append(start, events, now, store.probe(), commitId, origin);
                }
            } catch (Throwable t) {
                installs.undo();
                throw t;
            }
        });
        afterPublish(end);
    }

    private static void unlock(List<OrderedLock> locks) {
        for (int i = locks.size() - 1; i >= 0; i--) {
            locks.get(i).unlock();
        }
    }

    /**
     * Writes one key as a whole commit of a fresh transaction, deciding it on the latest committed
     * state instead of a snapshot: the key's lock (and the lock of every unique value written) is
     * taken first, and under it the head is the newest committed version, because every commit of
     * the key, a prune and a redeclaration hold that lock until they are published or undone. So
     * the precondition and the unique check see what the commit will replace, no concurrent writer
     * can slip in between (no lost race, nothing to retry) and no snapshot is registered: the
     * write reads no old version, so pruning owes it nothing, and it never takes the snapshot
     * registry's shared entries. Sequence and feed order come from {@link Commits#commit} as for
     * every commit.
     */
    WriteResult writeLatest(CollectionSpec spec, Write w) {
        MemoryCollection c = collection(spec);
        List<OrderedLock> locks = lockLatest(c, spec, w.key(), w.indexValues());
        WriteResult result;
        try {
            c.checkDeclaration(spec); // a redeclaration holds every key lock: stable from here on
            Version head = latest(c, w.key());
            boolean exists = head != null && !head.isTombstone();
            long currentVersion = exists ? head.version() : 0;
            result = w.precondition(exists, currentVersion);
            if (result == null) {
                int violated = uniqueViolationLatest(c, w.key(), w.indexValues());
                if (violated >= 0) {
                    result = WriteResult.unique(violated);
                } else {
                    long version = Write.nextVersion(exists, currentVersion);
                    stage(c, spec, new Pending(sameKey(head, w.key()), version, w.document(), w.indexValues()), Write.op(exists));
                    publish();
                    result = WriteResult.ok(version);
                }
            }
        } finally {
            ended = true;
            unlock(locks);
        }
        c.scheduleMerges();
        return result;
    }

    /** Deletes one key as a whole commit, decided on the latest committed state; see {@link #writeLatest}. */
    WriteResult deleteLatest(CollectionSpec spec, Object key, long expectedVersion) {
        MemoryCollection c = collection(spec);
        List<OrderedLock> locks = lockLatest(c, spec, key, null);
        WriteResult result;
        try {
            c.checkDeclaration(spec);
            Version head = latest(c, key);
            boolean exists = head != null && !head.isTombstone();
            long currentVersion = exists ? head.version() : 0;
            result = Write.deletePrecondition(exists, currentVersion, expectedVersion);
            if (result == null) {
                stage(c, spec, new Pending(sameKey(head, key), currentVersion, null, null), ChangeEvent.Op.DELETE);
                publish();
                result = WriteResult.ok(currentVersion);
            }
        } finally {
            ended = true;
            unlock(locks);
        }
        c.scheduleMerges();
        return result;
    }

    /**
     * The key object the record's versions already hold, else {@code key} (equal either way): a
     * new version and its change event then share it with the index runs instead of keeping a copy
     * of their own (32 bytes for a {@code UUID}, and one more object for a young collection to copy).
     */
    private static Object sameKey(Version head, Object key) {
        return head != null ? head.key : key;
    }

    private void stage(MemoryCollection c, CollectionSpec spec, Pending p, ChangeEvent.Op op) {
        if (ended) {
            throw new IllegalStateException("the transaction has ended");
        }
        ended = true;
        declared.put(c, spec);
        putPending(c, p);
        events.add(new PendingEvent(c, p.key(), op, p.version()));
    }

    /**
     * Takes the key's lock and the locks of the unique values written ({@code values} null: none),
     * in ordinal order. Unique indexes are those of the handle's {@code spec}: the caller checks
     * under the locks that it is still the collection's.
     */
    private static List<OrderedLock> lockLatest(MemoryCollection c, CollectionSpec spec, Object key, Object[] values) {
        List<OrderedLock> locks = new ArrayList<>(2);
        locks.add(c.keyLock(key));
        if (values != null) {
            List<IndexSpec> specs = spec.indexes();
            for (int i = 0; i < specs.size() && i < values.length; i++) {
                if (specs.get(i).unique() && values[i] != null) {
                    OrderedLock l = c.uniqueLock(i, values[i]);
                    if (!locks.contains(l)) {
                        locks.add(l);
                    }
                }
            }
            locks.sort((a, b) -> Long.compare(a.ordinal, b.ordinal));
        }
        int taken = 0;
        try {
            for (OrderedLock l : locks) {
                l.lock();
                taken++;
            }
        } catch (Throwable t) {
            unlock(locks.subList(0, taken));
            throw t;
        }
        return locks;
    }

    /**
     * The newest committed version of {@code key}: the head, once the commit that installed it has
     * left its section (a commit that fails takes its head back inside the section). A head of a
     * key whose lock the caller holds is always committed; a head of another key may not be yet.
     */
    private Version latest(MemoryCollection c, Object key) {
        Version head = c.heads.get(key);
        while (head != null && head.commitSeq > store.commits.visible()) {
            store.commits.awaitSection(head.commitSeq);
            head = c.heads.get(key);
        }
        return head;
    }

    /**
     * Index of a unique index whose value another key holds in the latest committed state, or -1.
     * Caller holds the unique value's lock, so no commit can give the value to another key meanwhile.
     */
    private int uniqueViolationLatest(MemoryCollection c, Object key, Object[] values) {
        List<IndexSpec> specs = c.spec.indexes();
        for (int i = 0; i < specs.size(); i++) {
            Object value = values[i];
            if (!specs.get(i).unique() || value == null) {
                continue;
            }
            for (IndexEntry e : holders(c, i, value)) {
                if (e.key().equals(key)) {
                    continue;
                }
                Version head = latest(c, e.key());
                if (head != null && !head.isTombstone() && head.holds(i, value)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Housekeeping of a published commit, still under its key locks; logged, never thrown. */
    private void afterPublish(long end) {
        try {
            store.log.published();
            closeSnapshot();
            pruneWritten(end);
        } catch (Throwable t) {
            LOG.error("memory: housekeeping after a commit failed; the commit itself is published", t);
        }
    }

    private List<OrderedLock> locksNeeded() {
        Map<OrderedLock, Boolean> set = new IdentityHashMap<>(4); // one write: its key lock, perhaps a unique value or two
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
            // A redeclaration (which holds every key lock) may have come between write() and now.
            c.checkDeclaration(declared.get(c));
            for (Pending p : e.getValue().values()) {
                Version head = c.heads.get(p.key());
                if (head != null && head.commitSeq > snapshot && !absentThenAndNow(c, head, p.key())) {
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

    /**
     * Whether a key written since the snapshot is absent both in the snapshot and now (others
     * inserted and deleted it meanwhile): not a conflict, as on the SQL backends, which keep no row
     * of a deleted key to compare. Without this, the outcome would depend on whether an unrelated
     * open snapshot still kept the deleted version's tombstone from being reclaimed.
     */
    private boolean absentThenAndNow(MemoryCollection c, Version head, Object key) {
        return head.isTombstone() && c.visible(key, snapshot) == null;
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
                if (head != null && !head.isTombstone() && head.holds(i, value)) {
                    throw Conflicts.unique(c.spec.name(), c.keyType.text(p.key()), specs.get(i).name());
                }
            }
        }
    }

    /**
     * Before the commit section, in install order: the head each write replaces and which of its
     * index entries that head does not hold ({@link MemoryCollection#newEntries}). Comparing index
     * values touches the replaced version's values, usually cache misses; done here, commits of
     * other keys do not wait for them. The keys are locked, so the heads stay; install checks anyway
     * and compares in the section only if a head or the index runs changed.
     */
    private void plan(Installs installs) {
        for (Map.Entry<MemoryCollection, Map<Object, Pending>> e : writes.entrySet()) {
            MemoryCollection c = e.getKey();
            OrderedRuns<IndexEntry>[] ix = c.indexes;
            for (Pending p : e.getValue().values()) {
                Version head = c.heads.get(p.key());
                // Only values with text to encode get a copy; the others are their own stored forms.
                Object[] stored = p.isDelete() || p.indexValues() == null ? null : StoredIndexValues.storeAllIfText(p.indexValues());
                installs.plan(head, ix, MemoryCollection.newEntries(p.indexValues(), head, ix.length), p, stored);
            }
        }
    }

    private void install(long commitSeq, Installs installs) {
        FaultProbe probe = store.probe();
        probe.at(FaultProbe.Point.BEFORE_INSTALL);
        int k = 0;
        for (Map.Entry<MemoryCollection, Map<Object, Pending>> e : writes.entrySet()) {
            MemoryCollection c = e.getKey();
            for (Pending p : e.getValue().values()) {
                probe.at(FaultProbe.Point.INSTALL);
                Version head = c.heads.get(p.key());
                Version v = Version.of(p.key(), p.version(), p.document(), installs.plannedValues(k, p), commitSeq, head);
                boolean wasLive = head != null && !head.isTombstone();
                installs.add(c, v, head);
                c.heads.put(v);
                if (head == null) {
                    c.keys.add(p.key());
                }
                OrderedRuns<IndexEntry>[] ix = c.indexes;
                c.addEntries(v, installs.planHolds(k, head, ix) ? installs.plannedEntries(k)
                        : MemoryCollection.newEntries(p.indexValues(), head, ix.length));
                k++;
                long liveDelta = (v.isTombstone() ? 0 : 1) - (wasLive ? 1 : 0);
                long bytesDelta = (v.isTombstone() ? 0 : v.document().length) - (wasLive ? head.document().length : 0);
                c.live.addAndGet(liveDelta);
                c.payloadBytes.addAndGet(bytesDelta);
                installs.counted(liveDelta, bytesDelta);
            }
        }
    }

    /**
     * What a commit installed, so that a failure inside the section can put every head back.
     * Sized before the section; recording and undoing allocate nothing.
     */
    private static final class Installs {
        private final MemoryCollection[] collections;
        private final Version[] installed;
        private final Version[] replaced;
        private final long[] live;
        private final long[] bytes;
        private final Version[] plannedHeads;
        private final Object[] plannedIndexes;
        private final boolean[][] plannedEntries;
        private final Pending[] plannedWrites;
        private final Object[][] plannedValues;
        private int n;
        private int counted;
        private int planned;

        Installs(int capacity) {
            collections = new MemoryCollection[capacity];
            installed = new Version[capacity];
            replaced = new Version[capacity];
            live = new long[capacity];
            bytes = new long[capacity];
            plannedHeads = new Version[capacity];
            plannedIndexes = new Object[capacity];
            plannedEntries = new boolean[capacity][];
            plannedWrites = new Pending[capacity];
            plannedValues = new Object[capacity][];
        }

        /**
         * Before the section: the next write replaces {@code head}; {@code entries} as {@link
         * MemoryCollection#newEntries} gave them for {@code indexes}; {@code stored} its index values
         * in {@link StoredIndexValues stored form} (encoded here, not in the section; null for a deletion).
         */
        void plan(Version head, Object indexes, boolean[] entries, Pending write, Object[] stored) {
            plannedHeads[planned] = head;
            plannedWrites[planned] = write;
            plannedIndexes[planned] = indexes;
            plannedEntries[planned] = entries;
            plannedValues[planned] = stored;
            planned++;
        }

        /** Write {@code k}'s index values, stored if planned (a version stores them itself otherwise). */
        Object[] plannedValues(int k, Pending p) {
            return k < planned && plannedWrites[k] == p && plannedValues[k] != null ? plannedValues[k] : p.indexValues();
        }

        /** Whether write {@code k}'s plan still holds: a plan made, for the same head and index runs. */
        boolean planHolds(int k, Version head, Object indexes) {
            return k < planned && plannedHeads[k] == head && plannedIndexes[k] == indexes;
        }

        boolean[] plannedEntries(int k) {
            return plannedEntries[k];
        }

        /** Called just before {@code v} replaces {@code head} (null: the key was absent). */
        void add(MemoryCollection c, Version v, Version head) {
            collections[n] = c;
            installed[n] = v;
            replaced[n] = head;
            n++;
        }

        void counted(long liveDelta, long bytesDelta) {
            live[counted] = liveDelta;
            bytes[counted] = bytesDelta;
            counted++;
        }

        /**
         * Puts back every head, newest install first. Index entries (and keys) already added stay
         * as garbage, which readers skip (no retained version holds them) and compaction drops.
         */
        void undo() {
            for (int i = n - 1; i >= 0; i--) {
                MemoryCollection c = collections[i];
                Version v = installed[i];
                if (replaced[i] == null) {
                    c.heads.remove(v);
                    c.keys.noteGarbage();
                } else {
                    c.heads.replace(v, replaced[i]);
                }
                if (!v.isTombstone()) {
                    for (OrderedRuns<IndexEntry> ix : c.indexes) {
                        ix.noteGarbage();
                    }
                }
                if (i < counted) {
                    c.live.addAndGet(-live[i]);
                    c.payloadBytes.addAndGet(-bytes[i]);
                }
            }
        }
    }

    /**
     * Prunes the written keys at once to what registered snapshots need; keys that keep versions
     * for a snapshot are revisited when snapshots close (see {@link MemoryStore}).
     */
    private void pruneWritten(long commitSeq) {
        NavigableSet<Long> snapshots = store.commits.snapshots();
        for (Map.Entry<MemoryCollection, Map<Object, Pending>> e : writes.entrySet()) {
            MemoryCollection c = e.getKey();
            for (Object key : e.getValue().keySet()) {
                if (c.prune(key, snapshots)) {
                    c.revisit.add(key);
                }
            }
        }
    }
}
