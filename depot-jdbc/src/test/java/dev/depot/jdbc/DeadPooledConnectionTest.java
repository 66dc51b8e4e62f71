package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendDepots;
import dev.depot.ChangeEvent;
import dev.depot.CommitOutcome;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server drops the depot's idle pooled connection (PostgreSQL {@code pg_terminate_backend},
 * MariaDB {@code KILL}), and the next call takes it from the pool: a sequencer run and the first
 * step of {@code commitOutcome} (its fence) run once more on a fresh connection, as a read does,
 * instead of failing. HikariCP hands out a connection used within its alive-bypass window (500 ms)
 * without checking it, and one that dies between the check and its use is the same case; the test
 * widens that window for its pools, so the dead connection is certainly handed out.
 */
class DeadPooledConnectionTest {
    private static final String PREFIX = "dpc_";

    record Doc(String id, String body) {}

    private static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id).build();

    /** Opens a depot whose pool hands out its idle connections unchecked (see above). */
    private static <T> T uncheckedPool(java.util.function.Supplier<T> open) {
        String key = "com.zaxxer.hikari.aliveBypassWindowMs"; // read by each HikariPool when it is built
        String was = System.getProperty(key);
        System.setProperty(key, "600000");
        try {
            return open.get();
        } finally {
            if (was == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, was);
            }
        }
    }

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX)),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void commitOutcomeRightAfterTheServerKilledThePooledConnectionAnswers(String name, TestDatabases.UrlSource source)
            throws Exception {
        String url = source.url() + "&poolSize=1";
        Set<Long> before = OutageProbeTest.Killer.present(url);
        try (Depot depot = uncheckedPool(() -> Depot.open(url)); Connection admin = ReadableSchemaTest.jdbc(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            Sequencer.held = true; // no background run takes the connection first (and meets it dead instead)
            try {
                String id = depot.transact(tx -> {
                    tx.records(DOCS).save(new Doc("a", "committed"));
                    return tx.id();
                });
                docs.get("a"); // the one pooled connection, just used
                assertThat(killOthers(admin, before)).isPositive();
                CommitOutcome outcome = depot.commitOutcome(id);
                assertThat(outcome.status()).isEqualTo(CommitOutcome.Status.COMMITTED);
            } finally {
                Sequencer.held = false;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aNumberingRunRightAfterTheServerKilledThePooledConnectionNumbers(String name, TestDatabases.UrlSource source)
            throws Exception {
        String url = source.url() + "&poolSize=1";
        Set<Long> before = OutageProbeTest.Killer.present(url);
        DepotOptions options = DepotOptions.defaults();
        JdbcBackend backend = uncheckedPool(() -> JdbcBackend.open(JdbcSettings.parse(DepotUrl.parse(url), options), options));
        try (Depot depot = BackendDepots.open(backend, DepotUrl.parse(url), options); Connection admin = ReadableSchemaTest.jdbc(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            long from = depot.changes().lastSequence();
            Sequencer.held = true; // no background run: the event waits in the outbox for the run below
            try {
                docs.save(new Doc("a", "waiting"));
                docs.get("a"); // the one pooled connection, just used
                assertThat(killOthers(admin, before)).isPositive();
                backend.feed.sequencer.drain();
            } finally {
                Sequencer.held = false;
            }
            List<ChangeEvent> events = depot.changes().since(from, 10);
            assertThat(events).extracting(ChangeEvent::key).containsExactly("a");
        }
    }

    /** Kills every session on the test's database but {@code spare} and the admin's own; returns how many. */
    private static int killOthers(Connection admin, Set<Long> spare) throws SQLException {
        boolean postgres = admin.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        List<Long> ids = new ArrayList<>();
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(postgres
                ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()")) {
            while (rs.next()) {
                if (!spare.contains(rs.getLong(1))) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        try (Statement st = admin.createStatement()) {
            for (long id : ids) {
                // PostgreSQL's timeout form returns once the process has exited.
                st.execute(postgres ? "SELECT pg_terminate_backend(" + id + ", 10000)" : "KILL " + id);
            }
        }
        return ids.size();
    }
}
