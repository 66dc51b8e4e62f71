package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.DepotException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A refused login and a missing database say so, with the server's reason and the redacted URL. */
class OpenRefusalTest {
    private static final String SECRET = "Ab3-never-shown";

    @Test
    void postgresUnknownRole() {
        String url = TestDatabases.postgres().replace("postgres@", "depot_no_such_role:" + SECRET + "@");
        assertThatThrownBy(() -> Depot.open(url)).isInstanceOf(DepotException.class)
                .isNotInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("the login was refused")
                .hasMessageContaining("role \"depot_no_such_role\" does not exist")
                .hasMessageContaining("depot_no_such_role:***@127.0.0.1")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }

    @Test
    void postgresMissingDatabase() {
        String url = TestDatabases.withDatabase(TestDatabases.postgres(), "depot_no_such_db");
        assertThatThrownBy(() -> Depot.open(url)).isInstanceOf(DepotException.class)
                .hasMessageContaining("the database does not exist")
                .hasMessageContaining("database \"depot_no_such_db\" does not exist")
                .hasMessageContaining("SQLSTATE 3D000");
    }

    @Test
    void mariaDbWrongPasswordAndMissingDatabase() {
        String wrong = TestDatabases.mariadb().replace("root@", "depot_no_such_user:" + SECRET + "@");
        assertThatThrownBy(() -> Depot.open(wrong)).isInstanceOf(DepotException.class)
                .hasMessageContaining("the login was refused")
                .hasMessageContaining("Access denied for user 'depot_no_such_user'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        String missing = TestDatabases.withDatabase(TestDatabases.mariadb(), "depot_no_such_db");
        assertThatThrownBy(() -> Depot.open(missing)).isInstanceOf(DepotException.class)
                .hasMessageContaining("the database does not exist")
                .hasMessageContaining("depot_no_such_db");
    }

    @Test
    void sqliteInAMissingDirectoryNamesIt() throws Exception {
        Path dir = Files.createTempDirectory("depot-refusal");
        try {
            Path missing = dir.resolve("no-such-dir");
            assertThatThrownBy(() -> Depot.open("sqlite:" + missing.resolve("app.db")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the directory " + missing + " of the SQLite database")
                    .hasMessageContaining("does not exist");
            assertThat(missing).doesNotExist();
        } finally {
            Files.delete(dir);
        }
    }
}
