package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.Message;
import dev.depot.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins how many round trips a produce costs on PostgreSQL and MariaDB, counted on the wire by a
 * {@link RoundTripProxy}: the lock on the queue's declaration that keeps a drop from leaving items
 * behind (CONTRACT §7) is taken by the INSERT itself, not by a read of its own. Each figure is the
 * fewest over several calls (ids are reserved a block at a time, and a pool keep-alive may stray in),
 * so one round trip added to every produce fails it. A produce with a dedup key reads the holders
 * first and is not pinned here.
 */
class QueueProduceRoundTripTest {
    private static final int TRIES = 7;

    static Stream<Arguments> servers() {
        return Stream.of(
                // name, server, port, round trips of a produce (one message, and a batch of ten)
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, 5432, 2),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, 3306, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aProduceLocksTheQueueInItsInsert(String name, Supplier<String> server, int port, int trips) throws Exception {
        String prefix = "rtq_";
        try (RoundTripProxy proxy = new RoundTripProxy(port);
                Depot depot = Depot.open(proxy.route(TestDatabases.fresh(server.get(), prefix), port) + "&poolSize=2")) {
            WorkQueue queue = depot.queue("work");
            for (int i = 0; i < 20; i++) { // warm: pool filled, ids reserved, statements prepared
                queue.produce(List.of(message("w" + i)));
                queue.produce(batch("wb" + i, 10));
            }
            long one = fewest(proxy, i -> queue.produce(List.of(message("k" + i))));
            long ten = fewest(proxy, i -> queue.produce(batch("b" + i, 10)));
            assertThat(one).as("round trips of a produce of one message on %s", name).isEqualTo(trips);
            assertThat(ten).as("round trips of a produce of ten messages on %s", name).isEqualTo(trips);
            assertThat(queue.stats().ready()).isEqualTo(20 + 200 + TRIES + 10 * TRIES);

            // Still the guarantee: a handle opened before a drop fails clearly and stores nothing.
            depot.dropQueue("work");
            assertThatThrownBy(() -> queue.produce(batch("late", 3))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("queue work: it was dropped");
            assertThat(depot.queues()).doesNotContainKey("work");
            assertThat(depot.queue("work").stats().ready()).isZero();
        } finally {
            TestDatabases.dropTables(server.get(), prefix);
        }
    }

    private static Message message(String text) {
        return Message.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Message> batch(String text, int n) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(message(text + "-" + i));
        }
        return out;
    }

    private static long fewest(RoundTripProxy proxy, java.util.function.IntConsumer produce) {
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < TRIES; i++) {
            proxy.take();
            produce.accept(i);
            fewest = Math.min(fewest, proxy.take());
        }
        return fewest;
    }
}
