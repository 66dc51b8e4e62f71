package dev.depot.jdbc.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import org.junit.jupiter.api.Test;

/** With only this module on the class path, H2 works and other databases name their module. */
class H2ModuleTest {
    @Test
    void servesH2Only() {
        try (Depot depot = Depot.open("h2:mem:")) {
            assertThat(depot.health().up()).isTrue();
        }
        assertThatThrownBy(() -> Depot.open("sqlite:./never.db")).hasMessageContaining("dev.depot:depot-sqlite");
        assertThatThrownBy(() -> Depot.open("mariadb://root@localhost/test")).hasMessageContaining("dev.depot:depot-mariadb");
    }
}
