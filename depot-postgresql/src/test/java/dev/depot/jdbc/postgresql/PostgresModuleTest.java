package dev.depot.jdbc.postgresql;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import org.junit.jupiter.api.Test;

/** With only this module on the class path, other databases name the module that serves them. */
class PostgresModuleTest {
    @Test
    void otherSchemesNameTheirModule() {
        assertThatThrownBy(() -> Depot.open("h2:mem:x")).hasMessageContaining("dev.depot:depot-h2");
        assertThatThrownBy(() -> Depot.open("sqlite:./never.db")).hasMessageContaining("dev.depot:depot-sqlite");
        assertThatThrownBy(() -> Depot.open("mysql://root@localhost/test")).hasMessageContaining("dev.depot:depot-mariadb");
    }
}
