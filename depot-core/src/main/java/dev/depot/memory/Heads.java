package dev.depot.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The newest version of every key of a collection: an open-addressing hash table (linear probing)
 * of {@link Version} references, keyed by {@link Version#key}. It replaces a
 * {@code ConcurrentHashMap<Object, Version>}, whose node (32 bytes) and table slot cost 40 bytes a
 * key and one more dependent load per lookup; here a key costs one 4-byte slot (the table grows
 * at 3/4 full, deleted slots included, to at most half full, and shrinks under 1/16 full: 8 bytes
 * a key at a million), and a lookup reads the slot's version, compares the hash it carries
 * ({@link Version#hash}) and only on a match reads and compares its key: a probe past another
 * key costs one dependent load, not two.
 *
 * <p><b>Protocol.</b> Readers take no lock: they read the volatile table once and probe it with
 * acquire reads. Writers are serialised by one lock (installs already run one at a time in the
 * commit section; pruning and redeclaration are rare), so there is one writer at a time and:
 * <ul>
 *   <li>a key's slot changes only from empty or {@link #DELETED} to one of its versions, between
 *       its versions, or from a version to {@code DELETED}: a key never moves while present, so a
 *       probe that passes a slot never misses its key, and a reused {@code DELETED} slot is taken
 *       only by a key that was absent from the whole probe sequence;</li>
 *   <li>a resize builds a new table and publishes it with a volatile write; the old table is never
 *       written again, so a reader still probing it sees a consistent, older state (its lookup is
 *       ordered before the writes that follow the resize). A reader that needs a write it has
 *       seen evidence of (an index entry added after the install) reads the table after that
 *       evidence, hence the new table.</li>
 * </ul>
 * A Lincheck model test ({@code HeadsLincheckTest}) checks linearizability against a map.
 */
final class Heads {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Version[].class);
    /** Marks a slot whose key was removed; probes go on past it, inserts may reuse it. */
    private static final Version DELETED = Version.of(new Object(), 0, null, null, 0, null);
    private static final int MIN_CAPACITY = 16;

    /** Smallest table; tests lower it so that a few keys resize, collide and wrap around. */
    private final int minCapacity;
    private volatile Version[] table;
    /** Live keys, and slots holding a version or {@link #DELETED}; changed only by the writer. */
    private volatile int live;
    private int used;
    private final ReentrantLock writing = new ReentrantLock();

    Heads() {
        this(MIN_CAPACITY);
    }

    Heads(int minCapacity) {
        if (Integer.bitCount(minCapacity) != 1 || minCapacity < 4) {
            throw new IllegalArgumentException("minCapacity must be a power of two >= 4: " + minCapacity);
        }
        this.minCapacity = minCapacity;
        this.table = new Version[minCapacity];
    }

    /** The newest version of {@code key}, or null. */
    Version get(Object key) {
        Version[] t = table;
        int mask = t.length - 1;
        int h = spread(key.hashCode());
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Version v = (Version) SLOT.getAcquire(t, i);
            if (v == null) {
                return null;
            }
            if (v.hash == h && v != DELETED && (v.key == key || v.key.equals(key))) {
                return v;
            }
        }
    }

    /**
     * Looks up {@code n} keys at once: {@code out[j]} becomes what {@link #get get(keys[j])} returns
     * ({@code hashes} is scratch space of at least {@code n}). Each of a lookup's steps (hash the
     * key, read its slot, read the version there) depends on the one before and is a cache miss at
     * a million keys; taking the step for every key before the next step lets those misses overlap,
     * where one key at a time waits for each in turn. Every lookup reads the table once, after the
     * caller has read the keys (the evidence rule of the protocol holds for each). Not atomic
     * across keys, like {@code n} calls of {@code get}.
     */
    void getAll(Object[] keys, int n, int[] hashes, Version[] out) {
        for (int j = 0; j < n; j++) {
            hashes[j] = spread(keys[j].hashCode());
        }
        Version[] t = table;
        int mask = t.length - 1;
        for (int j = 0; j < n; j++) {
            out[j] = (Version) SLOT.getAcquire(t, hashes[j] & mask);
        }
        for (int j = 0; j < n; j++) {
            Object key = keys[j];
            int h = hashes[j];
            Version v = out[j];
            for (int i = h & mask; v != null; ) {
                if (v.hash == h && v != DELETED && (v.key == key || v.key.equals(key))) {
                    break;
                }
                i = (i + 1) & mask;
                v = (Version) SLOT.getAcquire(t, i);
            }
            out[j] = v;
        }
    }

    boolean containsKey(Object key) {
        return get(key) != null;
    }

    /** Number of keys; may lag a concurrent write by a moment (not linearizable with {@link #get}). */
    int size() {
        return live;
    }

    boolean isEmpty() {
        return live == 0;
    }

    /** Makes {@code v} the newest version of its key (adding the key if absent). */
    void put(Version v) {
        writing.lock();
        try {
            Version[] t = table;
            int at = find(t, v.key);
            if (at >= 0) {
                SLOT.setRelease(t, at, v);
                return;
            }
            if (used + 1 > t.length - (t.length >>> 2)) {
                t = rehash(live + 1);
            }
            insertAbsent(t, v);
        } finally {
            writing.unlock();
        }
    }

    /** Removes {@code v}'s key if {@code v} is its newest version; returns whether it did. */
    boolean remove(Version v) {
        writing.lock();
        try {
            Version[] t = table;
            int at = find(t, v.key);
            if (at < 0 || SLOT.getAcquire(t, at) != v) {
                return false;
            }
            SLOT.setRelease(t, at, DELETED);
            live--;
            if (t.length > minCapacity && live < t.length >>> 4) {
                rehash(live); // give the table back after mass deletes (clear)
            }
            return true;
        } finally {
            writing.unlock();
        }
    }

    /** Puts {@code with} in place of {@code expected} if that is the newest version; returns whether it did. */
    boolean replace(Version expected, Version with) {
        writing.lock();
        try {
            Version[] t = table;
            int at = find(t, expected.key);
            if (at < 0 || SLOT.getAcquire(t, at) != expected) {
                return false;
            }
            SLOT.setRelease(t, at, with);
            return true;
        } finally {
            writing.unlock();
        }
    }

    /**
     * Calls {@code action} with the newest version of every key present in the table read at the
     * start (weakly consistent, like a {@code ConcurrentHashMap} iteration).
     */
    void forEach(Consumer<Version> action) {
        Version[] t = table;
        for (int i = 0; i < t.length; i++) {
            Version v = (Version) SLOT.getAcquire(t, i);
            if (v != null && v != DELETED) {
                action.accept(v);
            }
        }
    }

    /** Table slots; for footprint tests. */
    int capacity() {
        return table.length;
    }

    /** The slot of {@code key} in {@code t}, or -1. Writer only. */
    private static int find(Version[] t, Object key) {
        int mask = t.length - 1;
        int h = spread(key.hashCode());
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Version v = t[i];
            if (v == null) {
                return -1;
            }
            if (v.hash == h && v != DELETED && (v.key == key || v.key.equals(key))) {
                return i;
            }
        }
    }

    /** Inserts a key known to be absent, reusing the first deleted slot of its probe. Writer only. */
    private void insertAbsent(Version[] t, Version v) {
        int mask = t.length - 1;
        for (int i = v.hash & mask; ; i = (i + 1) & mask) {
            Version s = t[i];
            if (s == null || s == DELETED) {
                if (s == null) {
                    used++;
                }
                SLOT.setRelease(t, i, v);
                live++;
                return;
            }
        }
    }

    /** Publishes a new table sized for {@code keys} (at most half full), without deleted slots. */
    private Version[] rehash(int keys) {
        int capacity = minCapacity;
        while (capacity < (long) keys * 2) {
            capacity <<= 1;
        }
        Version[] old = table;
        Version[] t = new Version[capacity];
        int n = 0;
        for (Version v : old) {
            if (v != null && v != DELETED) {
                int mask = capacity - 1;
                int i = v.hash & mask;
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = v;
                n++;
            }
        }
        used = n;
        table = t; // volatile write: publishes the filled table
        return t;
    }

    /**
     * MurmurHash3's finaliser: every bit of the hash code moves every bit of the slot, which
     * linear probing needs when hash codes differ only in high bits or follow a pattern (such as
     * {@code Long} keys in steps of a power of two). On the benchmark's UUIDs at a million keys it
     * probes 0.46 extra slots a key on average.
     */
    static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }
}
