package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins how many round trips an auto-commit insert and a versioned update of one record cost on
 * PostgreSQL and MariaDB, counted on the wire by a {@link RoundTripProxy} (so a driver's hidden round
 * trips, e.g. MariaDB's {@code set autocommit}, count too). The commit path only: its events are
 * numbered after it returns, by a background run shared by the commits of a few milliseconds or by
 * the next feed read (one round trip per batch, not per commit). Each figure is the fewest over several writes, so a stray
 * keep-alive of the pool cannot fail the test, while a round trip added to every commit does.
 * CONTRACT §5 / ARCHITECTURE.md list the statements. A collection without unique indexes writes
 * without a locking read first ({@link DirectWrite}); one with a unique index reads the holders, one
 * round trip more.
 */
class CommitRoundTripTest {
    private static final int TRIES = 7;

    record Item(String id, String name, long score) {}

    private static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class)
            .key(Item::id)
            .index("name", String.class, Item::name)
            .index("score", Long.class, Item::score)
            .build();

    private static final Schema<String, Item> UNIQUE_ITEMS = Schema.of("uitems", String.class, Item.class)
            .key(Item::id)
            .index("name", String.class, Item::name)
            .uniqueIndex("score", Long.class, Item::score)
            .build();

    static Stream<Arguments> servers() {
        return Stream.of(
                // name, server, port, schema, insert, update
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, 5432, ITEMS, 2, 2),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, 3306, ITEMS, 3, 3),
                Arguments.of("postgresql, unique index", (Supplier<String>) TestDatabases::postgres, 5432, UNIQUE_ITEMS, 4, 4),
                Arguments.of("mariadb, unique index", (Supplier<String>) TestDatabases::mariadb, 3306, UNIQUE_ITEMS, 5, 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void anAutoCommitWriteCostsItsPinnedRoundTrips(String name, Supplier<String> server, int port, Schema<String, Item> schema,
            int insert, int update) throws Exception {
        String prefix = "rtc_";
        try (RoundTripProxy proxy = new RoundTripProxy(port);
                Depot depot = Depot.open(proxy.route(TestDatabases.fresh(server.get(), prefix), port) + "&poolSize=2")) {
            Records<String, Item> items = depot.records(schema);
            for (int i = 0; i < 20; i++) { // warm: pool filled, stamps reserved, statements prepared
                items.insert(new Item("w" + i, "n" + i, 1000 + 2 * i));
                items.update(new Item("w" + i, "m" + i, 1001 + 2 * i), 1);
            }
            // The commit path alone: numbering runs off it (a background run per batch of commits, or
            // the next feed read), so the background runs are held here; the read below numbers all.
            Sequencer.held = true;
            int[] next = {0};
            long inserts = fewest(proxy, () -> {
                int i = next[0]++;
                return items.insert(new Item("k" + i, "n", 2 * i));
            });
            int[] upd = {0};
            long updates = fewest(proxy, () -> {
                int i = upd[0]++;
                return items.update(new Item("k" + i, "u", 2 * i + 1), 1);
            });
            assertThat(inserts).as("round trips of an auto-commit insert on %s", name).isEqualTo(insert);
            assertThat(updates).as("round trips of an auto-commit versioned update on %s", name).isEqualTo(update);
            assertThat(depot.changes().since(0, 1000)).hasSize(40 + 2 * TRIES);
        } finally {
            Sequencer.held = false;
            TestDatabases.dropTables(server.get(), prefix);
        }
    }

    private static long fewest(RoundTripProxy proxy, LongSupplier write) {
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < TRIES; i++) {
            proxy.take();
            write.getAsLong();
            fewest = Math.min(fewest, proxy.take());
        }
        return fewest;
    }
}
