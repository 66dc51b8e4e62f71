package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A database that drops the depot's connections: the calls that hit a dead connection fail with
 * {@link BackendUnavailableException} (with the driver's cause), and the depot recovers by itself.
 */
class PostgresFaultTest {
    record Note(String id, String text) {}

    private static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();

    @Test
    void terminatedConnectionsFailTheCallsThatHitThemAndTheDepotRecovers() throws Exception {
        String url = TestDatabases.fresh(TestDatabases.postgres(), "fault_");
        try (Depot depot = Depot.open(url, DepotOptions.defaults().poolSize(3))) {
            Records<String, Note> notes = depot.records(NOTES);
            notes.save(new Note("a", "before"));

            assertThat(terminateDepotConnections(url)).isPositive();
            String first;
            try {
                notes.save(new Note("a", "during"));
                first = "succeeded";
            } catch (BackendUnavailableException e) {
                assertThat(e.getCause()).isInstanceOf(SQLException.class);
                assertThat(e.getMessage()).contains("postgresql").doesNotContain("password");
                first = "threw BackendUnavailableException (SQLSTATE " + ((SQLException) e.getCause()).getSQLState() + ")";
            }
            LoggerFactory.getLogger(PostgresFaultTest.class).info("first call after pg_terminate_backend {}", first);
            assertThat(notes.get("a")).isPresent();
            notes.save(new Note("b", "after"));
            assertThat(notes.count()).isEqualTo(2);

            // A transaction whose connection dies: commit fails as unavailable, nothing applied, then all is well.
            assertThatThrownBy(() -> depot.transact(tx -> {
                tx.records(NOTES).save(new Note("c", "lost"));
                terminateDepotConnections(url);
                tx.records(NOTES).get("a");
                return null;
            })).isInstanceOf(BackendUnavailableException.class);
            assertThat(notes.get("c")).isEmpty();
            assertThat(depot.health().up()).isTrue();
        }
    }

    /** Kills this depot's server processes (and no one else's) from a second connection, as an admin or a restart would. */
    private static int terminateDepotConnections(String depotUrl) {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(depotUrl), DepotOptions.defaults());
        try (Connection admin = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                Statement st = admin.createStatement();
                // The timeout form (PostgreSQL 14+) returns only once the process has actually exited.
                ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = '"
                        + s.applicationName() + "' AND pid <> pg_backend_pid()")) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
