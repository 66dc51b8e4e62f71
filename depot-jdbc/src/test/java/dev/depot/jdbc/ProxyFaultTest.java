package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.depot.BackendUnavailableException;
import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL and MariaDB behind a {@link FaultProxy}: a partition, an outage and connections cut
 * mid-stream. Calls end within the configured bounds with {@link BackendUnavailableException}, the
 * depot recovers without being reopened, and a cut batch or transaction is all there or not at all.
 */
class ProxyFaultTest {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyFaultTest.class);
    /** Short bounds, so a partition costs the test seconds; the defaults are 5 s / 35 s / 30 s / 5 s. */
    private static final String BOUNDS = "&poolSize=3&connectTimeout=1s&socketTimeout=2s&statementTimeout=1500ms&poolTimeout=2s";
    /** Far above every bound: a call still running then is stuck (the liveness check, not a timing claim). */
    private static final long STUCK_SECONDS = 60;

    record Doc(String id, String body) {}

    private static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id).build();

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, 5432),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, 3306));
    }

    private static String through(FaultProxy proxy, Supplier<String> server, int port, String prefix) {
        return proxy.route(TestDatabases.fresh(server.get(), prefix), port) + BOUNDS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aPartitionEndsCallsWithinTheBoundsAndTheDepotRecovers(String name, Supplier<String> server, int port) throws Exception {
        try (FaultProxy proxy = new FaultProxy(port);
                Depot depot = Depot.open(through(proxy, server, port, "pxa_"))) {
            Records<String, Doc> docs = depot.records(DOCS);
            docs.save(new Doc("a", "before"));

            proxy.stall();
            long start = System.nanoTime();
            assertUnavailable(CompletableFuture.supplyAsync(() -> docs.get("a")));
            assertUnavailable(CompletableFuture.supplyAsync(() -> depot.transact(tx -> tx.records(DOCS).save(new Doc("c", "during")))));
            LOG.info("{}: two calls during a partition ended in {} ms together (socketTimeout=2s, poolTimeout=2s)",
                    name, (System.nanoTime() - start) / 1_000_000);

            proxy.up();
            docs.save(new Doc("d", "after"));
            assertThat(docs.get("a")).isPresent();
            assertThat(docs.get("d")).isPresent();
            assertThat(depot.health().up()).isTrue();
        } finally {
            TestDatabases.dropTables(server.get(), "pxa_");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void anOutageFailsCallsWithinThePoolTimeoutAndTheFirstCallsAfterItSucceed(String name, Supplier<String> server, int port) throws Exception {
        try (FaultProxy proxy = new FaultProxy(port);
                Depot depot = Depot.open(through(proxy, server, port, "pxb_"))) {
            Records<String, Doc> docs = depot.records(DOCS);
            docs.save(new Doc("a", "before"));

            proxy.down();
            assertUnavailable(CompletableFuture.supplyAsync(() -> docs.get("a")));
            assertUnavailable(CompletableFuture.supplyAsync(() -> docs.save(new Doc("b", "during"))));
            proxy.up();
            awaitHealthy(depot); // the pool reconnects by itself, within Hikari's back-off (at most 5 s)
            assertThat(docs.get("a")).isPresent();

            // Connections killed while idle in the pool (a server restart, a firewall): the next read and
            // the next write succeed at the first attempt, on fresh connections.
            docs.get("a");
            proxy.cut();
            assertThat(docs.get("a")).as("first read after the kill").isPresent();
            proxy.cut();
            docs.save(new Doc("c", "after"));
            assertThat(docs.count()).isEqualTo(2);
        } finally {
            TestDatabases.dropTables(server.get(), "pxb_");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aBatchOrTransactionCutMidStreamIsAllThereOrNotAtAll(String name, Supplier<String> server, int port) throws Exception {
        try (FaultProxy proxy = new FaultProxy(port);
                Depot depot = Depot.open(through(proxy, server, port, "pxc_"))) {
            Records<String, Doc> docs = depot.records(DOCS);
            docs.save(new Doc("seed", "x"));
            int size = 2_000;
            for (int round = 0; round < 3; round++) {
                String tag = "r" + round + "-";
                List<Doc> batch = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    batch.add(new Doc(tag + i, UUID.randomUUID().toString().repeat(5))); // incompressible
                }
                long before = depot.changes().lastSequence();
                proxy.cutAfter(new long[] {40_000, 150_000, 300_000}[round]); // inside the ~450 kB the batch sends
                try {
                    if (round == 1) {
                        depot.transact(tx -> tx.records(DOCS).saveAll(batch));
                    } else {
                        docs.saveAll(batch);
                    }
                    // An auto-commit write cut before COMMIT is run again on a fresh connection.
                    LOG.info("{}: round {} committed (before the cut, or retried after it)", name, round);
                } catch (BackendUnavailableException e) {
                    LOG.info("{}: round {} cut: {}", name, round, e.getMessage());
                }
                proxy.cutAfter(Long.MAX_VALUE);
                long stored = docs.getAll(batch.stream().map(Doc::id).toList()).size();
                assertThat(stored).as("round " + round + ": all or nothing").isIn(0L, (long) size);
                long events = 0;
                for (List<ChangeEvent> page = depot.changes().since(before, 1000); !page.isEmpty();
                        page = depot.changes().since(page.get(page.size() - 1).sequence(), 1000)) {
                    events += page.stream().filter(ev -> ev.key().startsWith(tag)).count();
                }
                assertThat(events).as("round " + round + ": the feed agrees with the table").isEqualTo(stored);
            }
            assertThat(docs.get("seed")).isPresent();
        } finally {
            TestDatabases.dropTables(server.get(), "pxc_");
        }
    }

    /**
     * After a connection-class failure the pool marks the connection broken and every later call on
     * it fails with the pool's own "Connection is closed" (no SQLSTATE, no cause); Depot code that
     * touches the connection again (a rollback, ending the transaction) meets that one. It is an outage
     * too, not an unexplained failure: the chaos test once saw it reported as a plain DepotException.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aConnectionThePoolMarkedBrokenIsUnavailable(String name, Supplier<String> server, int port) throws Exception {
        try (FaultProxy proxy = new FaultProxy(port)) {
            JdbcSettings settings = JdbcSettings.parse(DepotUrl.parse(through(proxy, server, port, "pxb_")), DepotOptions.defaults());
            try (var pool = Pools.open(settings); Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                proxy.cut();
                SQLException lost = catchThrowableOfType(SQLException.class, () -> s.execute("SELECT 1"));
                SQLException marked = catchThrowableOfType(SQLException.class, c::rollback);
                assertThat((Object) lost).isNotNull();
                assertThat((Object) marked).as("the pool's closed connection").isNotNull();
                assertThat(settings.dialect().classify(lost)).as(Dialect.chain(lost).toString()).isEqualTo(Dialect.Failure.UNAVAILABLE);
                assertThat(settings.dialect().classify(marked)).as(Dialect.chain(marked).toString()).isEqualTo(Dialect.Failure.UNAVAILABLE);
            }
        }
    }

    private static void awaitHealthy(Depot depot) throws InterruptedException {
        for (int i = 0; i < 300 && !depot.health().up(); i++) {
            Thread.sleep(100);
        }
        assertThat(depot.health().up()).as("healthy again within 30 s of the outage's end").isTrue();
    }

    /** The call ends (well within {@link #STUCK_SECONDS}) with BackendUnavailableException carrying the driver's cause. */
    private static void assertUnavailable(CompletableFuture<?> call) throws InterruptedException {
        try {
            call.get(STUCK_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("the call succeeded during the fault");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(BackendUnavailableException.class);
            assertThat(e.getCause().getCause()).as("the driver's exception").isNotNull();
        } catch (java.util.concurrent.TimeoutException e) {
            call.cancel(true);
            throw new AssertionError("the call was still blocked after " + STUCK_SECONDS + " s: no bound applied");
        }
    }
}
