package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A schema change (a declaration adding an index) while a transaction holds the collection's table:
 * it waits for that transaction in short attempts, so other readers of the table do not queue behind
 * it, goes through once the transaction ends, and, if the transaction outlasts the statement timeout,
 * fails saying so with nothing changed. Redeclaring inside a transaction of the same thread that has
 * used the collection fails at once. On H2 and SQLite a reading transaction holds no lock the change
 * waits for; the outcomes are the same.
 */
class SchemaChangeWaitTest {
    private static final String PREFIX = "scw_";
    /** A call not done after this long is stuck behind the schema change (a liveness bound, not a timing claim). */
    private static final long STUCK_SECONDS = 20;

    record Player(String id, String name, int score) {}

    private static final Schema<String, Player> V1 = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).build();
    private static final Schema<String, Player> V2 = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).index("name", String.class, Player::name).build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    static Stream<Arguments> servers() {
        return databases().filter(a -> a.get()[0].equals("postgresql") || a.get()[0].equals("mariadb"));
    }

    /** The URL with a statement timeout: the schema change's bound. */
    private static String url(TestDatabases.UrlSource source, String statementTimeout) {
        String url = ReadableSchemaTest.url(source, PREFIX);
        return url + (url.contains("?") ? "&" : "?") + "statementTimeout=" + statementTimeout;
    }

    private static boolean server(String name) {
        return name.equals("postgresql") || name.equals("mariadb");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theChangeGoesThroughOnceTheTransactionEndsAndReadersDoNotQueueBehindIt(String name, TestDatabases.UrlSource source)
            throws Exception {
        String url = url(source, "120s"); // far above STUCK_SECONDS: a reader queued behind one long wait shows as stuck
        ExecutorService threads = Executors.newCachedThreadPool();
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Depot a = Depot.open(url); Depot b = Depot.open(url)) {
            Records<String, Player> players = a.records(V1);
            players.save(new Player("p1", "Ada", 10));
            Future<?> holder = threads.submit(() -> a.inTransaction(tx -> {
                tx.records(V1).get("p1");
                read.countDown();
                await(release);
            }));
            try {
                assertThat(read.await(STUCK_SECONDS, TimeUnit.SECONDS)).isTrue();
                Future<Records<String, Player>> change = threads.submit(() -> b.records(V2));
                if (server(name)) {
                    awaitWaitingAlter(url);
                    // A reader of the table that comes while the change waits is not held up until the transaction ends.
                    Future<?> reader = threads.submit(() -> players.get("p1"));
                    assertThat(reader.get(STUCK_SECONDS, TimeUnit.SECONDS)).as("a read while the change waits").isNotNull();
                    assertThat(holder).as("the transaction holding the table").isNotDone();
                }
                release.countDown();
                holder.get(STUCK_SECONDS, TimeUnit.SECONDS);
                Records<String, Player> newer = change.get(STUCK_SECONDS, TimeUnit.SECONDS);
                assertThat(newer.query().where(Q.field("name").eq("Ada")).list()).extracting(Player::id).containsExactly("p1");
            } finally {
                release.countDown();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aChangeThatWaitsPastTheStatementTimeoutSaysWhyAndChangesNothing(String name, TestDatabases.UrlSource source)
            throws Exception {
        String url = url(source, "2s");
        ExecutorService threads = Executors.newCachedThreadPool();
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Depot a = Depot.open(url); Depot b = Depot.open(url)) {
            a.records(V1).save(new Player("p1", "Ada", 10));
            Future<?> holder = threads.submit(() -> a.inTransaction(tx -> {
                tx.records(V1).get("p1");
                read.countDown();
                await(release);
            }));
            Throwable failed;
            try {
                assertThat(read.await(STUCK_SECONDS, TimeUnit.SECONDS)).isTrue();
                failed = failure(threads.submit(() -> b.records(V2)));
                assertThat(holder).as("the transaction outlived the change").isNotDone();
            } finally {
                release.countDown();
            }
            holder.get(STUCK_SECONDS, TimeUnit.SECONDS);
            assertThat(failed).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("collection 'players'").hasMessageContaining("a transaction held")
                    .hasMessageContaining("nothing was changed");
            try (Connection c = ReadableSchemaTest.jdbc(url)) {
                assertThat(columns(c, PREFIX + "c_players")).as("columns after the refused change")
                        .contains("x_score").doesNotContain("x_name");
            }
            assertThat(b.records(V2).query().where(Q.field("name").eq("Ada")).list()).as("the change, once the transaction ended")
                    .extracting(Player::id).containsExactly("p1");
        } finally {
            threads.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void redeclaringInsideATransactionOfTheSameThreadThatUsedTheCollectionFailsAtOnce(String name, TestDatabases.UrlSource source)
            throws Exception {
        String url = url(source, "10s"); // a wait for its own transaction would end only here
        try (Depot depot = Depot.open(url)) {
            depot.records(V1).save(new Player("p1", "Ada", 10));
            Player seen = depot.transact(tx -> {
                Player p = tx.records(V1).get("p1").orElseThrow();
                assertThatThrownBy(() -> tx.records(V2)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("collection 'players'").hasMessageContaining("nothing was changed");
                assertThatThrownBy(() -> depot.records(V2)).isInstanceOf(IllegalStateException.class);
                tx.records(V1).save(new Player("p2", "Bea", 20)); // the transaction goes on with its declaration
                return p;
            });
            assertThat(seen.name()).isEqualTo("Ada");
            try (Connection c = ReadableSchemaTest.jdbc(url)) {
                assertThat(columns(c, PREFIX + "c_players")).as("columns after the refused change").doesNotContain("x_name");
            }
            // A transaction that has not used the collection does not hold its table: the change goes through.
            depot.inTransaction(tx -> tx.records(V2).save(new Player("p3", "Cy", 30)));
            assertThat(depot.records(V2).query().where(Q.field("name").eq("Bea")).list()).extracting(Player::id)
                    .containsExactly("p2");
        }
    }

    /**
     * A transaction that wrote through the old declaration and commits after the change (waiting for it
     * on PostgreSQL and MariaDB, after it on H2 and SQLite) is refused as stale, as memory refuses it;
     * before, it committed rows in the old layout after the backfill, and the new index missed them.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aTransactionOfTheOldDeclarationCommittingAfterTheChangeIsRefusedAndTheIndexHoldsEveryRecord(String name,
            TestDatabases.UrlSource source) throws Exception {
        String url = url(source, "120s");
        ExecutorService threads = Executors.newCachedThreadPool();
        CountDownLatch wrote = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Depot depot = Depot.open(url)) {
            depot.records(V1).save(new Player("p1", "Ada", 10));
            Future<?> writer = threads.submit(() -> depot.inTransaction(tx -> {
                tx.records(V1).save(new Player("p2", "Bea", 20));
                tx.records(V1).update(new Player("p1", "Ada2", 11));
                wrote.countDown();
                await(release);
            }));
            try {
                assertThat(wrote.await(STUCK_SECONDS, TimeUnit.SECONDS)).isTrue();
                Future<Records<String, Player>> change = threads.submit(() -> depot.records(V2));
                if (server(name)) {
                    awaitWaitingAlter(url); // the change waits for the writer's snapshot
                } else {
                    change.get(STUCK_SECONDS, TimeUnit.SECONDS); // nothing to wait for: done before the commit
                }
                release.countDown();
                assertThat(failure(writer)).isInstanceOf(IllegalStateException.class).hasMessageContaining("redeclared");
                Records<String, Player> newer = change.get(STUCK_SECONDS, TimeUnit.SECONDS);
                assertThat(newer.query().list()).containsExactly(new Player("p1", "Ada", 10));
                assertThat(newer.query().where(Q.field("name").eq("Ada")).list()).extracting(Player::id).containsExactly("p1");
                assertThat(newer.query().where(Q.field("name").eq("Ada2")).list()).isEmpty();
            } finally {
                release.countDown();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * While a change of one collection waits for a transaction holding its table, that transaction can
     * still declare another collection: preparing is serialised per collection, not per depot. Before,
     * the transaction's declaration waited for the change, which waited for the transaction, until the
     * statement timeout failed the change.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aTransactionHoldingATableMayDeclareAnotherCollectionWhileAChangeOfTheFirstWaits(String name,
            TestDatabases.UrlSource source) throws Exception {
        String url = url(source, "120s");
        ExecutorService threads = Executors.newCachedThreadPool();
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch declareOther = new CountDownLatch(1);
        CountDownLatch declared = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Schema<String, Player> other = Schema.of("scores", String.class, Player.class).key(Player::id)
                .index("score", Integer.class, Player::score).build();
        try (Depot depot = Depot.open(url)) {
            depot.records(V1).save(new Player("p1", "Ada", 10));
            Future<?> holder = threads.submit(() -> depot.inTransaction(tx -> {
                tx.records(V1).get("p1");
                read.countDown();
                await(declareOther);
                tx.records(other).save(new Player("s1", "Bea", 20));
                declared.countDown();
                await(release);
            }));
            try {
                assertThat(read.await(STUCK_SECONDS, TimeUnit.SECONDS)).isTrue();
                Future<Records<String, Player>> change = threads.submit(() -> depot.records(V2));
                awaitWaitingAlter(url);
                declareOther.countDown();
                assertThat(declared.await(STUCK_SECONDS, TimeUnit.SECONDS))
                        .as("the holding transaction declared another collection while the change waited").isTrue();
                assertThat(change).as("the change, still waiting for the transaction").isNotDone();
                release.countDown();
                holder.get(STUCK_SECONDS, TimeUnit.SECONDS);
                Records<String, Player> newer = change.get(STUCK_SECONDS, TimeUnit.SECONDS);
                assertThat(newer.query().where(Q.field("name").eq("Ada")).list()).extracting(Player::id).containsExactly("p1");
                assertThat(depot.records(other).get("s1")).isPresent();
            } finally {
                declareOther.countDown();
                release.countDown();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static Throwable failure(Future<?> call) throws Exception {
        try {
            call.get(STUCK_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(STUCK_SECONDS * 3, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the server shows an ALTER TABLE of this database waiting for a lock. */
    static void awaitWaitingAlter(String url) throws Exception {
        try (Connection c = ReadableSchemaTest.jdbc(url); Statement st = c.createStatement()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            String sql = postgres
                    ? "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                            + " AND query LIKE 'ALTER TABLE%'"
                    : "SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE()"
                            + " AND state LIKE 'Waiting for table metadata lock%' AND info LIKE 'ALTER TABLE%'";
            OutageProbeTest.awaitTrue(() -> {
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    return rs.getLong(1) > 0;
                } catch (java.sql.SQLException e) {
                    throw new AssertionError("reading the server's sessions", e);
                }
            }, "an ALTER TABLE waits for a lock");
        }
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> out = new HashSet<>();
        for (String t : Set.of(table, table.toUpperCase(Locale.ROOT))) {
            try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), null, t, "%")) {
                while (rs.next()) {
                    out.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }
}
