package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * On MariaDB, a user with SELECT, INSERT, UPDATE and DELETE only (no CREATE anywhere) runs a depot
 * whose tables the owner made from the printed DDL, from a URL and through an application's HikariCP
 * pool. The user and the tables are dropped even when the test fails.
 */
class MariaDbDmlOnlyRoleTest {
    @Test
    void aRoleWithDmlGrantsOnlyRunsTheDepotOnThePrintedDdl() throws Exception {
        String base = TestDatabases.mariadb();
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String[] prefixes = {"dml" + run + "_", "dmp" + run + "_"}; // one for the URL, one for the pool
        String role = "depot_dml_" + run;
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(base), DepotOptions.defaults());
        try (Connection owner = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                Statement st = owner.createStatement()) {
            try {
                st.execute("CREATE USER '" + role + "'@'%'");
                for (String prefix : prefixes) {
                    DmlOnlyScenario.applyDdl(owner, TestDatabases.withPrefix(base, prefix));
                    for (String t : DmlOnlyScenario.tables(owner, prefix)) {
                        st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + t + " TO '" + role + "'@'%'");
                    }
                }
                String roleBase = TestDatabases.withUser(base, role);
                JdbcSettings asRole = JdbcSettings.parse(DepotUrl.parse(roleBase), DepotOptions.defaults());
                try (Connection c = DriverManager.getConnection(asRole.jdbcUrl(), asRole.user(), null);
                        Statement rs = c.createStatement()) {
                    assertThatThrownBy(() -> rs.execute("CREATE TABLE " + prefixes[0] + "probe (id INTEGER)"))
                            .as("the role really has no CREATE right").hasMessageContaining("CREATE command denied");
                }
                DmlOnlyScenario.run(TestDatabases.withPrefix(roleBase, prefixes[0]));
                DmlOnlyScenario.runOnPool(roleBase, prefixes[1]);
            } finally {
                try {
                    for (String prefix : prefixes) {
                        JdbcDepots.drop(TestDatabases.withPrefix(base, prefix));
                    }
                } finally {
                    st.execute("DROP USER IF EXISTS '" + role + "'@'%'");
                }
            }
            for (String prefix : prefixes) {
                assertThat(TestDatabases.tables(owner, prefix)).isEmpty();
            }
        }
    }
}
