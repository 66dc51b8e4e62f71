package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A subscription waiting on PostgreSQL or MariaDB survives an outage (a 3-second one used to end it for
 * good): after the database is back it pushes every later write, from its position, no gap, no repeat.
 */
class ProxySubscriptionTest {
    private static final String BOUNDS = "&poolSize=3&connectTimeout=1s&socketTimeout=2s&statementTimeout=1500ms&poolTimeout=2s";

    record Doc(String id, String body) {}

    private static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id).build();

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, 5432),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, 3306));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aSubscriptionSurvivesAnOutageAndResumesAtItsPosition(String name, Supplier<String> server, int port) throws Exception {
        String prefix = "pxs_";
        try (FaultProxy proxy = new FaultProxy(port);
                Depot depot = Depot.open(proxy.route(TestDatabases.fresh(server.get(), prefix), port) + BOUNDS)) {
            Records<String, Doc> docs = depot.records(DOCS);
            List<ChangeEvent> seen = new ArrayList<>();
            try (Subscription sub = depot.changes().subscribe(depot.changes().lastSequence(), e -> {
                synchronized (seen) {
                    seen.add(e);
                }
            })) {
                for (int i = 0; i < 5; i++) {
                    docs.save(new Doc("before-" + i, "x"));
                }
                await(seen, 5);

                proxy.down();
                Thread.sleep(3_000); // the subscription waits for new events all through the outage
                proxy.up();
                for (int i = 0; i < 5; i++) {
                    saveRetrying(docs, new Doc("after-" + i, "y"));
                }
                await(seen, 10);
                synchronized (seen) {
                    assertThat(seen).extracting(ChangeEvent::key).containsExactly(
                            "before-0", "before-1", "before-2", "before-3", "before-4",
                            "after-0", "after-1", "after-2", "after-3", "after-4");
                    for (int i = 1; i < seen.size(); i++) {
                        assertThat(seen.get(i).sequence()).as("in order, no gap").isEqualTo(seen.get(i - 1).sequence() + 1);
                    }
                }
            }
        } finally {
            TestDatabases.dropTables(server.get(), prefix);
        }
    }

    /** Writes once the pool has reconnected (Hikari backs off up to 5 s after an outage). */
    private static void saveRetrying(Records<String, Doc> docs, Doc doc) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                docs.save(doc);
                return;
            } catch (BackendUnavailableException e) {
                if (attempt == 20) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static void await(List<ChangeEvent> seen, int n) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            synchronized (seen) {
                if (seen.size() >= n) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        synchronized (seen) {
            assertThat(seen).as("events pushed within 30 s").hasSizeGreaterThanOrEqualTo(n);
        }
    }
}
