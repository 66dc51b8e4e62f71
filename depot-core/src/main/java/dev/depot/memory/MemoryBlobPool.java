package dev.depot.memory;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Full-size chunks ({@link MemoryBlobs#CHUNK} bytes) of content nobody holds any more, kept for the
 * next uploads. Writing into a chunk that was written a moment ago hits the CPU cache; writing into a
 * freshly allocated one streams the whole blob through memory once more and makes garbage for the
 * collector, which cost a 1 MiB {@code put} more than its two checksums. Last in, first out (the
 * warmest chunk first), and bounded ({@link #MAX} chunks), so an idle store holds at most
 * {@value #MAX} × 64 KiB beyond its blobs. A chunk comes here only from a {@link MemoryBlobContent}
 * whose last holder let go, so no reader can see the bytes an upload writes into it.
 *
 * <p>A plain lock around an array stack: a take or a recycle is a few instructions per 64 KiB copied.
 */
final class MemoryBlobPool {
    static final int MAX = 64;

    private final ReentrantLock lock = new ReentrantLock();
    private final byte[][] free = new byte[MAX][];
    private int size;

    /** A chunk of {@link MemoryBlobs#CHUNK} bytes holding stale content, or null when the pool is empty. */
    byte[] take() {
        lock.lock();
        try {
            if (size == 0) {
                return null;
            }
            byte[] c = free[--size];
            free[size] = null;
            return c;
        } finally {
            lock.unlock();
        }
    }

    /** A full chunk, for {@link #take}: stale bytes are never zeroed, so callers overwrite what they expose. */
    byte[] takeOrAllocate() {
        byte[] c = take();
        return c != null ? c : new byte[MemoryBlobs.CHUNK];
    }

    /** Keeps the full-size chunks among {@code chunks} while there is room; the rest is left to the collector. */
    void recycle(byte[][] chunks) {
        lock.lock();
        try {
            for (byte[] c : chunks) {
                if (size == MAX) {
                    return;
                }
                if (c.length == MemoryBlobs.CHUNK) {
                    free[size++] = c;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** One chunk, see {@link #recycle(byte[][])}. */
    void recycle(byte[] chunk) {
        recycle(new byte[][] {chunk});
    }

    /** Bytes held for reuse. */
    long bytes() {
        lock.lock();
        try {
            return (long) size * MemoryBlobs.CHUNK;
        } finally {
            lock.unlock();
        }
    }
}
