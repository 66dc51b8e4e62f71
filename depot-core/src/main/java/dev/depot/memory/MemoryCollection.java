package dev.depot.memory;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.IndexSpec;
import dev.depot.spi.KeyType;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One collection of a memory store: the newest version of every key (a hash map, for O(1) gets),
 * the keys in key order (a skip list, for key-ordered scans), and one ordered skip list of (value,
 * key) per declared index. Reads walk version chains to their snapshot; writes happen only in
 * {@link MemoryTransaction#commit()} under striped locks.
 */
final class MemoryCollection {
    volatile CollectionSpec spec;
    final KeyType keyType;
    final ConcurrentHashMap<Object, Version> heads = new ConcurrentHashMap<>();
    final OrderedRuns<Object> keys;
    volatile OrderedRuns<IndexEntry>[] indexes;
    final LockStripes keyLocks = new LockStripes(256);
    final LockStripes uniqueLocks = new LockStripes(64);
    final AtomicLong live = new AtomicLong();
    final AtomicLong payloadBytes = new AtomicLong();
    private final AtomicBoolean mergeScheduled = new AtomicBoolean();

    MemoryCollection(CollectionSpec spec) {
        this.spec = spec;
        this.keyType = spec.keyType();
        this.keys = new OrderedRuns<>(keyType::compare, heads::containsKey, Packing.identity());
        this.indexes = newIndexes(spec);
    }

    @SuppressWarnings("unchecked")
    OrderedRuns<IndexEntry>[] newIndexes(CollectionSpec spec) {
        OrderedRuns<IndexEntry>[] out = new OrderedRuns[spec.indexes().size()];
        for (int i = 0; i < out.length; i++) {
            IndexSpec s = spec.index(i);
            int index = i;
            out[i] = new OrderedRuns<>(IndexEntry.comparator(s.type(), spec.keyType()), e -> retained(index, e), Packing.ENTRIES);
        }
        return out;
    }

    /** Whether a retained version of the entry's key still has the entry's value (for compaction). */
    private boolean retained(int index, IndexEntry e) {
        Version head = heads.get(e.key());
        return head != null && retained(head, null, index, e.value(), true);
    }

    OrderedLock keyLock(Object key) {
        return keyLocks.forHash(key.hashCode());
    }

    OrderedLock uniqueLock(int index, Object value) {
        return uniqueLocks.forHash(31 * index + value.hashCode());
    }

    /** The version of {@code key} visible at {@code snapshot}, or null (absent or deleted). */
    Version visible(Object key, long snapshot) {
        Version head = heads.get(key);
        if (head == null) {
            return null;
        }
        Version v = head.visibleAt(snapshot);
        return v == null || v.isTombstone() ? null : v;
    }

    /** Adds the index entries of a newly installed version. Caller holds the key's lock. */
    void addEntries(Version v) {
        if (v.isTombstone()) {
            return;
        }
        OrderedRuns<IndexEntry>[] ix = indexes;
        for (int i = 0; i < ix.length; i++) {
            ix[i].add(new IndexEntry(v.indexValues[i], v.key));
        }
    }

    /** Folds recent index additions into their base runs. */
    void mergeRunsIfDue() {
        keys.mergeIfDue();
        for (OrderedRuns<IndexEntry> ix : indexes) {
            ix.mergeIfDue();
        }
    }

    /**
     * Called by committers after unlocking: hands due merges to the common pool, so a write does not
     * pay for them; a writer merges itself only when writers outrun the merger several times over.
     */
    void scheduleMerges() {
        if (!anyDue(1)) {
            return;
        }
        if (anyDue(4)) {
            mergeRunsIfDue();
        } else if (mergeScheduled.compareAndSet(false, true)) {
            ForkJoinPool.commonPool().execute(() -> {
                try {
                    mergeRunsIfDue();
                } finally {
                    mergeScheduled.set(false);
                }
            });
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
     * Drops versions older than the newest one visible at {@code horizon}, and counts their index
     * entries that no retained version still needs as garbage (compacted away later); removes the key
     * entirely when what is left is a deletion nobody can see past. Caller holds the key's lock.
     */
    void prune(Object key, long horizon) {
        Version head = heads.get(key);
        if (head == null) {
            return;
        }
        Version keep = head.visibleAt(horizon);
        if (keep == null) {
            return;
        }
        Version dead = keep.prev;
        keep.prev = null;
        boolean gone = keep == head && keep.isTombstone();
        OrderedRuns<IndexEntry>[] ix = indexes;
        for (Version d = dead; d != null; d = d.prev) {
            if (d.isTombstone() || d.indexValues.length != ix.length) {
                continue;
            }
            for (int i = 0; i < ix.length; i++) {
                if (gone || !retained(head, keep, i, d.indexValues[i], false)) {
                    ix[i].noteGarbage();
                }
            }
        }
        if (gone) {
            heads.remove(key, keep);
            keys.noteGarbage();
        }
    }

    /**
     * Whether a version from {@code head} down to {@code last} (or the whole chain, when {@code
     * wholeChain}) holds {@code value} in index {@code index}.
     */
    private static boolean retained(Version head, Version last, int index, Object value, boolean wholeChain) {
        for (Version v = head; v != null; v = v.prev) {
            if (!v.isTombstone() && v.indexValues.length > index && Objects.equals(v.indexValues[index], value)) {
                return true;
            }
            if (!wholeChain && v == last) {
                break;
            }
        }
        return false;
    }
}
