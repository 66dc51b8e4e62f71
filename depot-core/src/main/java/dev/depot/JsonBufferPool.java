package dev.depot;

import java.io.Serial;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.core.util.RecyclerPool;

/**
 * Where the one {@link JsonCodec#MAPPER mapper} gets its read and write buffers: a platform thread
 * keeps its own (Jackson's thread-local pool), a virtual thread borrows from a shared deque.
 *
 * <p>Jackson 3's default is the shared deque for every thread, and each encode and each decode
 * takes a buffer from it and puts it back: two compare-and-set operations on one deque's ends, which
 * every thread of a busy process contends for (7 % of the samples of four threads doing gets and
 * updates, and a reason such a mix scaled less than its cores). A thread-local buffer costs no
 * shared write; it is wrong only for virtual threads, which are many and short-lived, so each would
 * allocate its own buffers and reuse them never — those keep the deque.
 */
final class JsonBufferPool implements RecyclerPool<BufferRecycler> {
    @Serial
    private static final long serialVersionUID = 1L;

    static final JsonBufferPool INSTANCE = new JsonBufferPool();

    private static final RecyclerPool<BufferRecycler> PER_THREAD = JsonRecyclerPools.threadLocalPool();
    private static final RecyclerPool<BufferRecycler> SHARED = JsonRecyclerPools.newConcurrentDequePool();

    private JsonBufferPool() {}

    private static RecyclerPool<BufferRecycler> forThisThread() {
        return Thread.currentThread().isVirtual() ? SHARED : PER_THREAD;
    }

    @Override
    public BufferRecycler acquireAndLinkPooled() {
        // The deque links what it lends to itself, so it comes back there; the thread-local one is never lent.
        return forThisThread().acquireAndLinkPooled();
    }

    @Override
    public BufferRecycler acquirePooled() {
        return forThisThread().acquirePooled();
    }

    @Override
    public void releasePooled(BufferRecycler recycler) {
        SHARED.releasePooled(recycler); // only a linked (shared) recycler is ever released
    }

    @Override
    public int pooledCount() {
        return SHARED.pooledCount();
    }

    @Override
    public boolean clear() {
        return SHARED.clear();
    }

    @Serial
    private Object readResolve() {
        return INSTANCE;
    }
}
