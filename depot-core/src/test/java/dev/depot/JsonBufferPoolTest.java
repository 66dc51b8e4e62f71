package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.core.util.BufferRecycler;

/** {@link JsonBufferPool}: a platform thread reuses its own buffers, a virtual thread's go back to the shared pool. */
class JsonBufferPoolTest {
    record Item(String name, List<Integer> values) {}

    @Test
    void aPlatformThreadKeepsOneRecyclerThatIsNeverLinked() {
        BufferRecycler first = JsonBufferPool.INSTANCE.acquireAndLinkPooled();
        first.releaseToPool();
        BufferRecycler second = JsonBufferPool.INSTANCE.acquireAndLinkPooled();
        assertThat(second).isSameAs(first);
        assertThat(second.isLinkedWithPool()).isFalse();
    }

    @Test
    void aVirtualThreadBorrowsFromTheSharedPoolAndReturnsThere() throws Exception {
        AtomicReference<BufferRecycler> lent = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            BufferRecycler r = JsonBufferPool.INSTANCE.acquireAndLinkPooled();
            lent.set(r);
            assertThat(r.isLinkedWithPool()).isTrue();
            int before = JsonBufferPool.INSTANCE.pooledCount();
            r.releaseToPool();
            assertThat(JsonBufferPool.INSTANCE.pooledCount()).isEqualTo(before + 1);
        }).join();
        AtomicReference<BufferRecycler> again = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            BufferRecycler r = JsonBufferPool.INSTANCE.acquireAndLinkPooled();
            again.set(r);
            r.releaseToPool();
        }).join();
        assertThat(again.get()).isSameAs(lent.get()); // reused, not made anew
        assertThat(lent.get()).isNotSameAs(JsonBufferPool.INSTANCE.acquirePooled()); // not the platform thread's
    }

    @Test
    void valuesRoundTripOnBothKindsOfThreadAtOnce() throws Exception {
        Codec<Item> codec = JsonCodec.of(Item.class);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            int id = t;
            Runnable work = () -> {
                try {
                    for (int i = 0; i < 2_000; i++) {
                        Item item = new Item("item-" + id + "-" + i + "x".repeat(i % 300), List.of(id, i, -i));
                        assertThat(codec.decode(codec.encode(item))).isEqualTo(item);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            };
            threads.add(t % 2 == 0 ? Thread.ofVirtual().start(work) : Thread.ofPlatform().start(work));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
    }
}
