package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two depots on one database, as two processes would be: what one writes concurrently, the other's
 * subscription receives completely, once and in sequence order (woken by NOTIFY on PostgreSQL, by
 * polling elsewhere).
 */
class SharedDatabaseFeedTest {
    record Item(String id, int n) {}

    private static final Schema<String, Item> ITEMS = Schema.of("shared_items", String.class, Item.class).key(Item::id).build();
    private static final int WRITERS = 4;
    private static final int WRITES = 40;

    static Stream<Arguments> databases() {
        return TestDatabases.all("shared_");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aSubscriberSeesEveryEventOfAnotherDepotOnceAndInOrder(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        try (Depot reader = Depot.open(url); Depot writer = Depot.open(url)) {
            reader.records(ITEMS);
            Records<String, Item> items = writer.records(ITEMS);
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(WRITERS * WRITES);
            long from = reader.changes().lastSequence();
            try (Subscription sub = reader.changes().subscribe(from, e -> {
                seen.add(e);
                all.countDown();
            })) {
                ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
                for (int w = 0; w < WRITERS; w++) {
                    int writerId = w;
                    pool.submit(() -> {
                        for (int i = 0; i < WRITES; i++) {
                            items.save(new Item("w" + writerId + "-" + i, i));
                        }
                    });
                }
                pool.shutdown();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
                all.await(10, TimeUnit.SECONDS); // hang guard; the size assertion below decides
            }
            assertThat(seen).hasSize(WRITERS * WRITES);
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i).sequence()).as("event %d", i).isEqualTo(from + 1 + i);
            }
        }
    }
}
