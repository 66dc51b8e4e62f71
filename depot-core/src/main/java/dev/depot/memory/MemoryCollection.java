package dev.depot.memory;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.IndexSpec;
import dev.depot.spi.KeyType;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
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
    final ConcurrentSkipListSet<Object> keys;
    volatile ConcurrentSkipListSet<IndexEntry>[] indexes;
    final LockStripes keyLocks = new LockStripes(256);
    final LockStripes uniqueLocks = new LockStripes(64);
    final AtomicLong live = new AtomicLong();
    final AtomicLong payloadBytes = new AtomicLong();

    MemoryCollection(CollectionSpec spec) {
        this.spec = spec;
        this.keyType = spec.keyType();
        this.keys = new ConcurrentSkipListSet<>(keyType::compare);
        this.indexes = newIndexes(spec);
    }

    @SuppressWarnings("unchecked")
    static ConcurrentSkipListSet<IndexEntry>[] newIndexes(CollectionSpec spec) {
        ConcurrentSkipListSet<IndexEntry>[] out = new ConcurrentSkipListSet[spec.indexes().size()];
        for (int i = 0; i < out.length; i++) {
            IndexSpec s = spec.index(i);
            out[i] = new ConcurrentSkipListSet<>(IndexEntry.comparator(s.type(), spec.keyType()));
        }
        return out;
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
        ConcurrentSkipListSet<IndexEntry>[] ix = indexes;
        for (int i = 0; i < ix.length; i++) {
            ix[i].add(new IndexEntry(v.indexValues[i], v.key));
        }
    }

    /**
     * Drops versions older than the newest one visible at {@code horizon}, and their index entries
     * that no retained version still needs; removes the key entirely when what is left is a
     * deletion nobody can see past. Caller holds the key's lock.
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
        ConcurrentSkipListSet<IndexEntry>[] ix = indexes;
        for (Version d = dead; d != null; d = d.prev) {
            removeEntriesNotRetained(ix, d, head, keep == head && keep.isTombstone() ? null : keep);
        }
        if (keep == head && keep.isTombstone()) {
            heads.remove(key, keep);
            keys.remove(key);
        }
    }

    /** Removes {@code d}'s entries unless a retained version (head down to {@code last}) has the value. */
    private static void removeEntriesNotRetained(
            ConcurrentSkipListSet<IndexEntry>[] ix, Version d, Version head, Version last) {
        if (d.isTombstone() || d.indexValues.length != ix.length) {
            return;
        }
        for (int i = 0; i < ix.length; i++) {
            Object value = d.indexValues[i];
            if (!retained(head, last, i, value)) {
                ix[i].remove(new IndexEntry(value, d.key));
            }
        }
    }

    private static boolean retained(Version head, Version last, int index, Object value) {
        if (last == null) {
            return false;
        }
        for (Version v = head; v != null; v = v.prev) {
            if (!v.isTombstone() && v.indexValues.length > index && Objects.equals(v.indexValues[index], value)) {
                return true;
            }
            if (v == last) {
                break;
            }
        }
        return false;
    }
}
