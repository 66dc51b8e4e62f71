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
 * On PostgreSQL, a role with SELECT, INSERT, UPDATE and DELETE only (no CREATE anywhere) runs a depot
 * whose tables the owner made from the printed DDL. The role and the tables are dropped even when the
 * test fails.
 */
class PostgresDmlOnlyRoleTest {
    @Test
    void aRoleWithDmlGrantsOnlyRunsTheDepotOnThePrintedDdl() throws Exception {
        String base = TestDatabases.postgres();
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String prefix = "dml" + run + "_";
        String role = "depot_dml_" + run;
        String ownerUrl = TestDatabases.withPrefix(base, prefix);
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(base), DepotOptions.defaults());
        try (Connection owner = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                Statement st = owner.createStatement()) {
            try {
                DmlOnlyScenario.applyDdl(owner, ownerUrl);
                st.execute("CREATE ROLE " + role + " LOGIN");
                st.execute("GRANT USAGE ON SCHEMA public TO " + role);
                for (String t : DmlOnlyScenario.tables(owner, prefix)) {
                    st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + t + " TO " + role);
                }
                String roleBase = TestDatabases.withUser(base, role);
                JdbcSettings asRole = JdbcSettings.parse(DepotUrl.parse(roleBase), DepotOptions.defaults());
                try (Connection c = DriverManager.getConnection(asRole.jdbcUrl(), asRole.user(), null);
                        Statement rs = c.createStatement()) {
                    assertThatThrownBy(() -> rs.execute("CREATE TABLE " + prefix + "probe (id INTEGER)"))
                            .as("the role really has no CREATE right").hasMessageContaining("permission denied");
                }
                DmlOnlyScenario.run(TestDatabases.withPrefix(roleBase, prefix));
            } finally {
                try {
                    JdbcDepots.drop(ownerUrl);
                } finally {
                    st.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                            + "EXECUTE 'DROP OWNED BY " + role + "'; EXECUTE 'DROP ROLE " + role + "'; END IF; END $$");
                }
            }
            assertThat(TestDatabases.tables(owner, prefix)).isEmpty();
        }
    }
}
