package dev.depot.memory;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Conflicts;
import dev.depot.spi.IndexSpec;
import dev.depot.spi.KeyType;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collection of a memory store: the newest version of every key (a hash map, for O(1) gets),
 * the keys in key order and one ordered run of (value, key) per declared index (see {@link
 * OrderedRuns}). Reads walk version chains to their snapshot; writes happen only in {@link
 * MemoryTransaction#commit()} under striped locks.
 *
 * <p>Invariant the index runs rely on: a version is installed in {@link #heads} before its
 * entries are added, and an entry is judged garbage only by a chain walk from the head, so an
 * entry that a retained version holds is never compacted away (see {@link OrderedRuns}).
 */
final class MemoryCollection {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryCollection.class);

    volatile CollectionSpec spec;
    final KeyType keyType;
    /** How this collection's change events name it and its keys. */
    final FeedSource feedSource;
    final Heads heads = new Heads();
    final OrderedRuns<Object> keys;
    volatile OrderedRuns<IndexEntry>[] indexes;
    final LockStripes keyLocks = new LockStripes(256);
    final LockStripes uniqueLocks = new LockStripes(64);
    final AtomicLong live = new AtomicLong();
    final AtomicLong payloadBytes = new AtomicLong();
    /**
     * Keys whose chains still hold versions only an open snapshot needs: pruned again when the
     * oldest snapshot moves on. A set, so a key updated many times under one snapshot is one entry.
     */
    final Set<Object> revisit = ConcurrentHashMap.newKeySet();
    private final FaultProbe probe;
    private final AtomicBoolean mergeScheduled = new AtomicBoolean();

    MemoryCollection(CollectionSpec spec) {
        this(spec, FaultProbe.NONE);
    }

    MemoryCollection(CollectionSpec spec, FaultProbe probe) {
        this.spec = spec;
        this.keyType = spec.keyType();
        this.feedSource = new FeedSource(spec.name(), keyType);
        this.probe = probe;
        this.keys = new OrderedRuns<>(keyType::compare, heads::containsKey, Packing.identity(), probe);
        this.indexes = newIndexes(spec);
    }

    @SuppressWarnings("unchecked")
    OrderedRuns<IndexEntry>[] newIndexes(CollectionSpec spec) {
        OrderedRuns<IndexEntry>[] out = new OrderedRuns[spec.indexes().size()];
        for (int i = 0; i < out.length; i++) {
            IndexSpec s = spec.index(i);
            int index = i;
            out[i] = new OrderedRuns<>(IndexEntry.comparator(s.type(), spec.keyType()), e -> retained(index, e),
                    Packing.entries(s.type()), probe);
        }
        return out;
    }

    /** Whether a retained version of the entry's key still has the entry's value (for compaction). */
    private boolean retained(int index, IndexEntry e) {
        for (Version v = heads.get(e.key()); v != null; v = v.prev) {
            if (!v.isTombstone() && v.indexCount() > index && v.holds(index, e.value())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses a handle declared differently from this collection's current declaration (the
     * collection was redeclared since): its index values would not fit these indexes.
     */
    void checkDeclaration(CollectionSpec handle) {
        CollectionSpec current = spec;
        if (handle != current && !handle.equals(current)) {
            throw Conflicts.redeclared(current.name());
        }
    }

    OrderedLock keyLock(Object key) {
        return keyLocks.forHash(key.hashCode());
    }

    OrderedLock uniqueLock(int index, Object value) {
        return uniqueLocks.forHash(31 * index + value.hashCode());
    }

    /** The version of {@code key} visible at {@code snapshot}, or null (absent or deleted). */
    Version visible(Object key, long snapshot) {
        return visibleFrom(heads.get(key), snapshot);
    }

    /** The version of {@code head}'s chain visible at {@code snapshot}, or null (none, or deleted). */
    static Version visibleFrom(Version head, long snapshot) {
        if (head == null) {
            return null;
        }
        Version v = head.visibleAt(snapshot);
        return v == null || v.isTombstone() ? null : v;
    }

    /**
     * Which index entries of a version with {@code values} (null: a tombstone, which adds none)
     * {@code replaced} (the head it replaces; null: none) does not already hold: {@code [i]} for
     * index {@code i} of {@code count}. Caller holds the key's lock, so {@code replaced} stays the head.
     *
     * <p>An entry the replaced head holds is in the runs: it was added when that head was installed
     * (or rebuilt by a redeclaration) and, the head being retained ever since, no compaction has
     * dropped it (see the class comment); from now on the new head retains it. So an update that
     * leaves an indexed value unchanged adds nothing to that index: the commit section stays short
     * and no duplicate lands in the recent run. {@link #noteGarbage} likewise counts an entry shared
     * by two versions of a key as live.
     */
    static boolean[] newEntries(Object[] values, Version replaced, int count) {
        boolean[] entries = new boolean[count];
        if (values == null) {
            return entries;
        }
        boolean shared = replaced != null && !replaced.isTombstone() && replaced.indexCount() == count && values.length == count;
        for (int i = 0; i < count; i++) {
            entries[i] = !shared || !replaced.holds(i, values[i]);
        }
        return entries;
    }

    /** Adds the index entries of a newly installed version that {@link #newEntries} found new. Caller holds the key's lock. */
    void addEntries(Version v, boolean[] entries) {
        if (v.isTombstone()) {
            return;
        }
        OrderedRuns<IndexEntry>[] ix = indexes;
        for (int i = 0; i < ix.length; i++) {
            if (entries[i]) {
                probe.at(FaultProbe.Point.INDEX_ADD);
                ix[i].add(new IndexEntry(v.storedValue(i), v.key)); // shares the version's stored value
            }
        }
    }

    /** Folds recent index additions into their base runs; compacts when garbage is due. */
    void mergeRunsIfDue() {
        keys.mergeIfDue();
        for (OrderedRuns<IndexEntry> ix : indexes) {
            ix.mergeIfDue();
        }
    }

    /**
     * Called by committers after unlocking and publishing: hands due merges to the common pool, so
     * a write does not pay for them; a writer merges itself only when writers outrun the merger
     * several times over. Never throws: the commit is already published, and a failed merge
     * leaves every run valid (it is logged and retried by a later one).
     */
    void scheduleMerges() {
        try {
            if (!anyDue(1)) {
                return;
            }
            if (anyDue(4)) {
                mergeLogged();
            } else if (mergeScheduled.compareAndSet(false, true)) {
                try {
                    ForkJoinPool.commonPool().execute(() -> {
                        try {
                            mergeLogged();
                        } finally {
                            mergeScheduled.set(false);
                        }
                    });
                } catch (Throwable t) {
                    mergeScheduled.set(false);
                    throw t;
                }
            }
        } catch (Throwable t) {
            LOG.error("memory: scheduling an index merge of collection '{}' failed; runs stay as they are", spec.name(), t);
        }
    }

    /** Merges due runs; a failure is logged (with its stack trace) and leaves the runs as they were. */
    void mergeLogged() {
        try {
            mergeRunsIfDue();
        } catch (Throwable t) {
            LOG.error("memory: an index merge of collection '{}' failed; the previous runs stay in use", spec.name(), t);
        }
    }

    /** Compacts every run now (after a clear); a failure is logged and leaves the runs as they were. */
    void compactLogged() {
        try {
            keys.compactNow();
            for (OrderedRuns<IndexEntry> ix : indexes) {
                ix.compactNow();
            }
        } catch (Throwable t) {
            LOG.error("memory: compacting the index runs of collection '{}' failed; the previous runs stay in use", spec.name(), t);
        }
    }

    private boolean anyDue(int factor) {
        if (keys.isDue(factor)) {
            return true;
        }
        for (OrderedRuns<IndexEntry> ix : indexes) {
            if (ix.isDue(factor)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Cuts every version of {@code key} that no registered snapshot can see: a version other than
     * the head stays only if some snapshot in {@code snapshots} lies between its commit and the
     * next newer version's. Index entries of cut versions are counted as garbage (compacted away
     * later); the key goes entirely when what is left is a deletion. Returns whether versions stayed
     * for some snapshot (so the key must be pruned again once snapshots close). Caller holds the
     * key's lock, and the head is published.
     *
     * <p>Readers are safe: a cut version keeps its own link, so a reader standing on it walks on to
     * older versions; the version a registered snapshot sees is never cut; a snapshot registered
     * after the caller read {@code snapshots} sees the head (see {@link Commits#openSnapshot()}).
     */
    boolean prune(Object key, NavigableSet<Long> snapshots) {
        Version head = heads.get(key);
        if (head == null) {
            return false;
        }
        Version kept = head;
        Version newer = head;
        boolean olderKept = false;
        for (Version v = head.prev; v != null; ) {
            Version older = v.prev;
            Long s = snapshots.ceiling(v.commitSeq);
            if (s != null && s < newer.commitSeq) {
                if (kept.prev != v) {
                    kept.prev = v; // splice out the versions cut since the last kept one
                }
                kept = v;
                olderKept = true;
            } else {
                noteGarbage(head, v);
            }
            newer = v;
            v = older;
        }
        if (kept.prev != null) {
            kept.prev = null;
        }
        if (!olderKept && head.isTombstone()) {
            heads.remove(head);
            keys.noteGarbage();
            return false;
        }
        return olderKept;
    }

    private void noteGarbage(Version head, Version dead) {
        OrderedRuns<IndexEntry>[] ix = indexes;
        if (dead.isTombstone() || dead.indexCount() != ix.length) {
            return;
        }
        for (int i = 0; i < ix.length; i++) {
            if (head.isTombstone() || !head.holdsValueOf(i, dead)) {
                ix[i].noteGarbage();
            }
        }
    }

    /** Versions held in all chains (heads included); for tests of pruning. */
    long retainedVersions() {
        long[] n = {0};
        heads.forEach(head -> {
            for (Version v = head; v != null; v = v.prev) {
                n[0]++;
            }
        });
        return n[0];
    }

    /** Elements held by the key run and the index runs, garbage included; for tests of compaction. */
    long runElements() {
        long n = keys.size();
        for (OrderedRuns<IndexEntry> ix : indexes) {
            n += ix.size();
        }
        return n;
    }
}
