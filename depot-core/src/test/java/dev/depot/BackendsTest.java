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
