package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void unknownSchemeListsTheKnownOnesWithoutCredentials() {
        assertThatThrownBy(() -> Depot.open("nosuch://u:hunter2@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aKnownSchemeWhoseModuleIsMissingNamesTheArtifactToAdd() {
        // depot-core's tests have no database module on the class path.
        assertThatThrownBy(() -> Depot.open("postgresql://app:hunter2@db.example:5432/app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dev.depot:depot-postgresql")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Depot.open("jdbc:mysql://root@localhost/test"))
                .hasMessageContaining("dev.depot:depot-mariadb");
        assertThatThrownBy(() -> Depot.open("sqlite:./x.db")).hasMessageContaining("dev.depot:depot-sqlite");
        assertThatThrownBy(() -> Depot.open("h2:mem:x")).hasMessageContaining("dev.depot:depot-h2");
    }

    @Test
    void acceptsJdbcPrefixedUrls() {
        try (Depot d = Depot.open("jdbc:memory:jdbc-prefixed")) {
            assertThat(d.toString()).isEqualTo("Depot[memory:jdbc-prefixed]");
        }
    }

    @Test
    void environmentPrefersDepotUrlThenDatabaseUrlThenMemory() {
        try (Depot d = Backends.fromEnvironment(Map.of("DEPOT_URL", "memory:env-a", "DATABASE_URL", "nosuch:x"),
                DepotOptions.defaults())) {
            assertThat(d.toString()).isEqualTo("Depot[memory:env-a]");
        }
        try (Depot d = Backends.fromEnvironment(Map.of("DATABASE_URL", "memory:env-b"), DepotOptions.defaults())) {
            assertThat(d.toString()).isEqualTo("Depot[memory:env-b]");
        }
        try (Depot d = Backends.fromEnvironment(Map.of("DEPOT_URL", " "), DepotOptions.defaults())) {
            assertThat(d.toString()).isEqualTo("Depot[memory:]");
        }
    }

    @Test
    void namedMemoryStoresAreSharedUntilTheLastCloses() {
        Schema<String, SchemaTest.Flat> flat = Schema.of("flat", String.class, SchemaTest.Flat.class).key(SchemaTest.Flat::id).build();
        Depot a = Depot.open("memory:shared-test");
        Depot b = Depot.open("memory:shared-test");
        a.records(flat).insert(new SchemaTest.Flat("x", 1, null, null));
        assertThat(b.records(flat).exists("x")).isTrue();
        a.close();
        assertThat(b.records(flat).exists("x")).isTrue();
        b.close();
        try (Depot c = Depot.open("memory:shared-test")) {
            assertThat(c.records(flat).exists("x")).isFalse();
        }
        try (Depot p = Depot.open("memory:")) {
            assertThat(p.records(flat).exists("x")).isFalse();
        }
        assertThatThrownBy(() -> Depot.open("memory://nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
