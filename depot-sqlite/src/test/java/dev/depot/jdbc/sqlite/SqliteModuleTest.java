package dev.depot.jdbc.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With only this module on the class path, SQLite works and other databases name their module. */
class SqliteModuleTest {
    @Test
    void servesSqliteOnly(@TempDir Path dir) {
        try (Depot depot = Depot.open("sqlite:" + dir.resolve("app.db"))) {
            assertThat(depot.health().up()).isTrue();
        }
        assertThat(Files.exists(dir.resolve("app.db"))).isTrue();
        assertThatThrownBy(() -> Depot.open("postgresql://u@localhost/db")).hasMessageContaining("dev.depot:depot-postgresql");
        assertThatThrownBy(() -> Depot.open("h2:mem:x")).hasMessageContaining("dev.depot:depot-h2");
    }
}
