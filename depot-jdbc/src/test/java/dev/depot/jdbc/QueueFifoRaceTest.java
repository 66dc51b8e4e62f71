package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One consumer leasing one item at a time sees a queue's items in the order they were produced, while
 * a producer adds batches concurrently: a batch is applied atomically in order, so no lease may return
 * an item of a batch before an earlier item of it (nor of an earlier batch). Runs a few seconds per
 * database; {@code -Ddepot.fifo.seconds=N} runs longer, {@code -Ddepot.fifo.only=NAME} on one database.
 */
class QueueFifoRaceTest {
    private static final String PREFIX = "qf" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";
    private static final int BATCH = 4;

    static Stream<Arguments> databases() {
        String only = System.getProperty("depot.fifo.only"); // e.g. mariadb, to run one database
        return TestDatabases.all(PREFIX).filter(a -> only == null || a.get()[0].equals(only));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aSingleConsumerSeesItemsInTheOrderTheyWereProduced(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        try (Depot depot = Depot.open(url)) {
            WorkQueue q = depot.queue("fifo");
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicLong produced = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong consumed = new java.util.concurrent.atomic.AtomicLong();
            Thread producer = Thread.ofPlatform().name("fifo-producer").start(() -> {
                try {
                    for (long n = 0; producing.get(); ) {
                        List<Message> batch = new ArrayList<>(BATCH);
                        for (int i = 0; i < BATCH; i++) {
                            batch.add(Message.of(Long.toString(n++)));
                        }
                        // Keep the consumer at the head, so its claims meet this batch's commit.
                        while (consumed.get() < n - 2 * BATCH && producing.get()) {
                            Thread.onSpinWait();
                        }
                        q.produce(batch);
                        produced.set(n);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            long seconds = Long.getLong("depot.fifo.seconds", 3);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long expected = 0;
            List<String> out = new ArrayList<>();
            while (System.nanoTime() < end || expected < produced.get()) {
                if (System.nanoTime() >= end) {
                    producing.set(false);
                }
                // No wait: a waiting consumer is woken after the commit; polling meets the commit itself.
                for (Lease l : q.lease(1, Duration.ZERO)) {
                    long n = Long.parseLong(l.payloadText());
                    if (n != expected && out.size() < 10) {
                        out.add("expected item " + expected + ", leased " + n);
                    }
                    expected = n + 1;
                    q.complete(l);
                    consumed.set(expected);
                }
            }
            producing.set(false);
            producer.join(TimeUnit.SECONDS.toMillis(30));
            org.slf4j.LoggerFactory.getLogger(QueueFifoRaceTest.class).info("{}: {} items produced and leased in order", name, expected);
            assertThat(failure.get()).isNull();
            assertThat(out).as("%s: items leased out of production order", name).isEmpty();
            assertThat(expected).as("items leased").isPositive();
        } finally {
            if (url.contains("tablePrefix=" + PREFIX)) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }
}
