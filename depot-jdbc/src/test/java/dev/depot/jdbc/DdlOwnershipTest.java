package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import dev.depot.DepotOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code ddl=validate|none}: a role with DML grants only runs a depot on tables made beforehand, and
 * validate names what is missing. Each test makes its own role and prefix and drops both.
 */
class DdlOwnershipTest {
    record Player(String id, String name, int score) {}

    private static final Schema<String, Player> PLAYERS = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).build();
    private static final Schema<String, Player> PLAYERS_BY_NAME = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).index("name", String.class, Player::name).build();

    @Test
    void aDmlOnlyRoleRunsTheDepotWithValidateAndNone() throws Exception {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String prefix = "ddl" + run + "_";
        String role = "depot_dml_" + run;
        String admin = TestDatabases.withPrefix(TestDatabases.postgres(), prefix);
        try (Connection c = adminConnection(); Statement st = c.createStatement()) {
            try {
                try (Depot owner = Depot.open(admin)) { // the DBA's step: the tables exist beforehand
                    owner.records(PLAYERS).save(new Player("p1", "Ada", 10));
                }
                st.execute("CREATE ROLE " + role + " LOGIN");
                st.execute("GRANT USAGE ON SCHEMA public TO " + role);
                for (String t : TestDatabases.tables(c, prefix)) {
                    st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + t + " TO " + role);
                }
                String asRole = TestDatabases.withUser(TestDatabases.postgres(), role) + "?tablePrefix=" + prefix;

                assertThatThrownBy(() -> Depot.open(asRole).records(PLAYERS))
                        .as("ddl=create needs CREATE rights, which the role lacks").isInstanceOf(RuntimeException.class);

                for (String mode : new String[] {"validate", "none"}) {
                    try (Depot depot = Depot.open(asRole + "&ddl=" + mode)) {
                        var players = depot.records(PLAYERS);
                        players.save(new Player("p2-" + mode, "Bob", 20));
                        assertThat(players.query().where(Q.field("score").eq(20)).list()).extracting(Player::name).contains("Bob");
                        depot.transact(tx -> tx.records(PLAYERS).save(new Player("p3-" + mode, "Cy", 30)));
                        assertThat(players.get("p1")).isPresent();
                        assertThatThrownBy(() -> depot.records(PLAYERS_BY_NAME))
                                .as(mode + ": an index the database lacks is named, not created")
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("collection 'players'").hasMessageContaining("[name]")
                                .hasMessageContaining("ddl=" + mode);
                        assertThatThrownBy(() -> depot.records(Schema.of("other", String.class, Player.class).key(Player::id).build()))
                                .hasMessageContaining("collection 'other' has no table");
                    }
                }

                // validate names a column the DBA's script forgot; none trusts it.
                String table = TestDatabases.tables(c, prefix).stream().filter(t -> t.contains("players")).findFirst().orElseThrow();
                st.execute("ALTER TABLE " + table + " RENAME COLUMN ver TO ver_gone");
                try (Depot depot = Depot.open(asRole + "&ddl=validate")) {
                    assertThatThrownBy(() -> depot.records(PLAYERS)).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("column " + table + ".ver").hasMessageContaining("ddl=validate");
                }
                st.execute("ALTER TABLE " + table + " RENAME COLUMN ver_gone TO ver");
                st.execute("DROP TABLE " + prefix + "changes");
                assertThatThrownBy(() -> Depot.open(asRole + "&ddl=validate")).hasMessageContaining("table " + prefix + "changes");
            } finally {
                TestDatabases.dropTables(admin, prefix);
                st.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                        + "EXECUTE 'DROP OWNED BY " + role + "'; EXECUTE 'DROP ROLE " + role + "'; END IF; END $$");
            }
        }
    }

    @Test
    void theEmittedDdlIsEnoughForADmlOnlyRoleWithValidate() throws Exception {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String prefix = "ddp" + run + "_";
        String role = "depot_dml_" + run;
        String admin = TestDatabases.withPrefix(TestDatabases.postgres(), prefix);
        java.util.List<String> ddl = JdbcDepots.ddl(admin, PLAYERS);
        assertThat(ddl).anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS " + prefix + "changes"))
                .anyMatch(s -> s.startsWith("CREATE INDEX")).anyMatch(s -> s.startsWith("INSERT INTO " + prefix + "collections"));
        assertThat(JdbcDepots.ddl("jdbc:mariadb://h/d?tablePrefix=" + prefix, PLAYERS)).as("no connection is made")
                .anyMatch(s -> s.contains("ENGINE") || s.startsWith("CREATE TABLE"));
        try (Connection c = adminConnection(); Statement st = c.createStatement()) {
            try {
                for (String sql : ddl) { // what Flyway would run
                    st.execute(sql);
                }
                st.execute("CREATE ROLE " + role + " LOGIN");
                st.execute("GRANT USAGE ON SCHEMA public TO " + role);
                for (String t : TestDatabases.tables(c, prefix)) {
                    st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + t + " TO " + role);
                }
                try (Depot depot = Depot.open(TestDatabases.withUser(TestDatabases.postgres(), role) + "?tablePrefix=" + prefix + "&ddl=validate")) {
                    var players = depot.records(PLAYERS);
                    players.save(new Player("p1", "Ada", 10));
                    assertThat(players.query().where(Q.field("score").eq(10)).list()).extracting(Player::id).containsExactly("p1");
                    assertThat(depot.changes().since(0, 10)).hasSize(1);
                }
            } finally {
                TestDatabases.dropTables(admin, prefix);
                st.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                        + "EXECUTE 'DROP OWNED BY " + role + "'; EXECUTE 'DROP ROLE " + role + "'; END IF; END $$");
            }
        }
    }

    @Test
    void ddlTakesThreeValues() {
        assertThat(JdbcSettings.parse(DepotUrl.parse("h2:mem:x"), DepotOptions.defaults()).ddl()).isEqualTo(Ddl.CREATE);
        assertThat(JdbcSettings.parse(DepotUrl.parse("h2:mem:x?ddl=validate"), DepotOptions.defaults()).ddl()).isEqualTo(Ddl.VALIDATE);
        assertThat(JdbcSettings.parse(DepotUrl.parse("sqlite:/tmp/x.db?ddl=none"), DepotOptions.defaults()).ddl()).isEqualTo(Ddl.NONE);
        assertThatThrownBy(() -> JdbcSettings.parse(DepotUrl.parse("h2:mem:x?ddl=update"), DepotOptions.defaults()))
                .hasMessageContaining("ddl must be create, validate or none");
    }

    private static Connection adminConnection() throws Exception {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(TestDatabases.postgres()), DepotOptions.defaults());
        return DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
    }
}
