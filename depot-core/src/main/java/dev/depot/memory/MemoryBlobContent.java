package dev.depot.memory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chunks of one blob's content, and a count of who holds them: every published {@link MemoryBlob}
 * showing them (a {@code copy} shares content) and every open {@link ChunkInputStream} reading them.
 * When the count reaches zero nobody can reach the chunks any more — the blobs are out of the map and
 * the streams are closed — and they go back to the {@link MemoryBlobPool}. Once zero the count stays
 * zero: {@link #tryRetain} refuses, so a reader that found a blob just as it was replaced looks again
 * and never reads chunks an upload is overwriting. A stream never closed keeps its count up, and its
 * chunks are simply left to the collector.
 */
final class MemoryBlobContent {
    final byte[][] chunks;
    private final MemoryBlobPool pool;
    /** Blobs and open streams holding the chunks; starts at one, for the blob being published. */
    private final AtomicInteger holders = new AtomicInteger(1);

    /** Content held by the one blob about to be published; {@code pool} null for content never recycled. */
    MemoryBlobContent(byte[][] chunks, MemoryBlobPool pool) {
        this.chunks = chunks;
        this.pool = pool;
    }

    /** One more holder, unless every holder has let go already (then the chunks may be reused: false). */
    boolean tryRetain() {
        int h;
        do {
            h = holders.get();
            if (h <= 0) {
                return false;
            }
        } while (!holders.compareAndSet(h, h + 1));
        return true;
    }

    /** One more holder, by a caller that knows the content is held (a published blob under its bucket's lock). */
    void retain() {
        if (!tryRetain()) {
            throw new IllegalStateException("content already released");
        }
    }

    /** One holder less; the last one hands full chunks to the pool. Each holder calls this once. */
    void release() {
        int left = holders.decrementAndGet();
        if (left == 0 && pool != null) {
            pool.recycle(chunks);
        } else if (left < 0) {
            throw new IllegalStateException("content released more often than held");
        }
    }

    /** Current holders, for tests. */
    int holders() {
        return holders.get();
    }
}
