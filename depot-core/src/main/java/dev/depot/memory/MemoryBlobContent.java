package dev.depot.memory;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The chunks of one blob's content, and a count of who holds them: every published {@link MemoryBlob}
 * showing them (a {@code copy} shares content) and every open {@link ChunkInputStream} reading them.
 * When the count reaches zero nobody can reach the chunks any more — the blobs are out of the map and
 * the streams are closed — and they go back to the {@link MemoryBlobPool}. The count is guarded by
 * the lock of the bucket the content was published in, the lock under which blobs enter and leave
 * the map and under which a reader finds its blob and counts itself in: so a reader either counts
 * itself in before a change lets go of the blob, or no longer finds it. A stream never closed keeps
 * its count up, and its chunks are simply left to the collector.
 */
final class MemoryBlobContent {
    final byte[][] chunks;
    private final MemoryBlobPool pool;
    private final ReentrantLock lock;
    /** Blobs and open streams holding the chunks; starts at one, for the blob being published. Guarded by {@link #lock}. */
    private int holders = 1;

    /**
     * Content held by the one blob about to be published under {@code lock}; {@code pool} null for
     * content never reused.
     */
    MemoryBlobContent(byte[][] chunks, MemoryBlobPool pool, ReentrantLock lock) {
        this.chunks = chunks;
        this.pool = pool;
        this.lock = lock;
    }

    /** One more holder; the caller holds the lock and found the content in a published blob. */
    void retain() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("retain needs the bucket lock");
        }
        if (holders <= 0) {
            throw new IllegalStateException("content already let go");
        }
        holders++;
    }

    /** One holder less; the last one hands full chunks to the pool. Each holder calls this once. */
    void release() {
        lock.lock();
        try {
            if (holders <= 0) {
                throw new IllegalStateException("content let go more often than held");
            }
            if (--holders == 0 && pool != null) {
                pool.recycle(chunks);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Current holders, for tests. */
    int holders() {
        lock.lock();
        try {
            return holders;
        } finally {
            lock.unlock();
        }
    }
}
