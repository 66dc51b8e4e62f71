package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins how many round trips the hot queue calls cost on PostgreSQL and MariaDB, counted on the wire
 * by a {@link RoundTripProxy}, for a queue without and with a dead-letter queue: reading the options
 * in force from the database (CONTRACT §7, "Options") rides on statements the calls already send.
 * Each figure is the fewest over several calls (ids are reserved a block at a time, and a pool
 * keep-alive may stray in), so one round trip added to every call fails it.
 */
class QueueCallRoundTripTest {
    private static final int TRIES = 7;

    static Stream<Arguments> servers() {
        return Stream.of(
                // name, server, port, round trips: produce, lease, complete, retry, dead-letter, extend
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, 5432,
                        Map.of("produce", 2L, "lease", 1L, "complete", 1L, "retry", 3L, "deadLetter", 3L, "extend", 3L),
                        Map.of("produce", 2L, "lease", 1L, "complete", 4L, "retry", 4L, "deadLetter", 5L, "extend", 4L)),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, 3306,
                        Map.of("produce", 3L, "lease", 5L, "complete", 4L, "retry", 4L, "deadLetter", 4L, "extend", 4L),
                        Map.of("produce", 3L, "lease", 5L, "complete", 5L, "retry", 5L, "deadLetter", 6L, "extend", 5L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void hotQueueCallsCostWhatTheyDid(String name, Supplier<String> server, int port, Map<String, Long> plain,
            Map<String, Long> withDeadLetters) throws Exception {
        String prefix = "rtc_";
        try (RoundTripProxy proxy = new RoundTripProxy(port);
                Depot depot = Depot.open(proxy.route(TestDatabases.fresh(server.get(), prefix), port) + "&poolSize=2")) {
            QueueOptions many = QueueOptions.defaults().maxAttempts(1_000_000);
            Map<String, Long> got = trips(proxy, depot.queue("work", many));
            Map<String, Long> gotDlq = trips(proxy, depot.queue("work_dlq", many.deadLetter("work_dead")));
            System.out.printf("%s round trips without a dead-letter queue %s, with one %s%n", name, got, gotDlq);
            assertThat(got).as("round trips on %s, no dead-letter queue", name).isEqualTo(plain);
            assertThat(gotDlq).as("round trips on %s, with a dead-letter queue", name).isEqualTo(withDeadLetters);
        } finally {
            TestDatabases.dropTables(server.get(), prefix);
        }
    }

    private static Map<String, Long> trips(RoundTripProxy proxy, WorkQueue queue) {
        for (int i = 0; i < 20; i++) { // warm: pool filled, ids reserved, statements prepared
            queue.produce(Message.of("w" + i));
            Lease l = queue.lease(1, Duration.ZERO).getFirst();
            queue.extend(l, Duration.ofSeconds(60));
            queue.retry(l, Duration.ZERO);
            queue.complete(queue.lease(1, Duration.ZERO).getFirst());
        }
        Map<String, Long> fewest = new LinkedHashMap<>();
        for (int i = 0; i < TRIES; i++) {
            fewest.merge("produce", count(proxy, () -> queue.produce(Message.of("m"))), Math::min);
            Lease[] l = new Lease[1];
            fewest.merge("lease", count(proxy, () -> l[0] = queue.lease(1, Duration.ZERO).getFirst()), Math::min);
            fewest.merge("extend", count(proxy, () -> queue.extend(l[0], Duration.ofSeconds(60))), Math::min);
            fewest.merge("retry", count(proxy, () -> queue.retry(l[0], Duration.ZERO)), Math::min);
            Lease again = queue.lease(1, Duration.ZERO).getFirst();
            fewest.merge("complete", count(proxy, () -> queue.complete(again)), Math::min);
            queue.produce(Message.of("d"));
            Lease doomed = queue.lease(1, Duration.ZERO).getFirst();
            fewest.merge("deadLetter", count(proxy, () -> queue.deadLetter(doomed, "test")), Math::min);
        }
        return fewest;
    }

    private static long count(RoundTripProxy proxy, Runnable call) {
        proxy.take();
        call.run();
        return proxy.take();
    }
}
