package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Credentials as parameters, driver properties passed through, a PostgreSQL schema, MariaDB TLS modes. */
class ConnectionSettingsTest {
    private static final String SECRET = "pw-Zq9-secret";

    record Doc(String id, String body) {}

    private static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id).build();

    private static JdbcSettings parse(String url) {
        return JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
    }

    @Test
    void userAndPasswordMayBeParametersAsInAStandardJdbcUrl() {
        JdbcSettings s = parse("postgresql://db.example/shop?user=app&password=" + SECRET + "%26x&tablePrefix=app_");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password()).isEqualTo(SECRET + "&x");
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/shop").doesNotContain("app");
        assertThat(s.toString()).doesNotContain(SECRET).contains("password=***");
        assertThat(s.connectionProperties()).doesNotContainKeys("user", "password");

        assertThatThrownBy(() -> parse("postgresql://app:" + SECRET + "@h/d?password=" + SECRET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give it once")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> parse("sqlite:/tmp/x.db?user=a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user and password apply to PostgreSQL and MariaDB only");
        assertThatThrownBy(() -> parse("postgresql://h/d?user=a&user=b")).hasMessageContaining("given twice");
    }

    @Test
    void aStandardJdbcPostgresUrlWithCredentialsInTheQueryOpens() {
        String prefix = fresh("cset");
        // The server of DEPOT_TEST_POSTGRES_URL, written as a standard JDBC URL with its credentials in the query.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^postgres(?:ql)?://(?:([^:@/]*)[^@/]*@)?([^?]+)")
                .matcher(TestDatabases.postgres());
        assertThat(m.find()).isTrue();
        String user = m.group(1) == null || m.group(1).isEmpty() ? "postgres" : m.group(1);
        String url = "jdbc:postgresql://" + m.group(2) + "?user=" + user + "&password=" + SECRET + "&tablePrefix=" + prefix;
        try (Depot depot = Depot.open(url)) {
            depot.records(DOCS).save(new Doc("a", "x"));
            assertThat(depot.records(DOCS).get("a")).isPresent();
            assertThat(depot.toString()).doesNotContain(SECRET);
        } finally {
            TestDatabases.dropTables(TestDatabases.withPrefix(TestDatabases.postgres(), prefix), prefix);
        }
    }

    @Test
    void driverPrefixedParametersReachTheDriverAndNothingElseDoes() {
        JdbcSettings s = parse("postgresql://u@h/d?driver.prepareThreshold=0&driver.ApplicationName=shop");
        assertThat(s.connectionProperties()).containsEntry("prepareThreshold", "0").containsEntry("ApplicationName", "shop");
        assertThatThrownBy(() -> parse("postgresql://u@h/d?prepareThreshold=0")).hasMessageContaining("unknown parameter 'prepareThreshold'")
                .hasMessageContaining("driver.NAME");
        assertThatThrownBy(() -> parse("postgresql://u@h/d?driver.password=" + SECRET)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThat(parse("h2:mem:x?driver.MODE=PostgreSQL").connectionProperties()).containsEntry("MODE", "PostgreSQL");
    }

    @Test
    void aDriverPropertyReallyReachesTheServer() throws Exception {
        String prefix = fresh("cdrv");
        try (Depot depot = Depot.open(TestDatabases.withPrefix(TestDatabases.postgres(), prefix) + "&driver.ApplicationName=shop-" + prefix)) {
            depot.records(DOCS).save(new Doc("a", "x"));
            JdbcSettings s = parse(TestDatabases.postgres());
            try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                    ResultSet rs = c.createStatement().executeQuery(
                            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'shop-" + prefix + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the pool's connections carry the driver property").isPositive();
            }
        } finally {
            TestDatabases.dropTables(TestDatabases.withPrefix(TestDatabases.postgres(), prefix), prefix);
        }
    }

    @Test
    void aPostgresSchemaHoldsEveryTableAndPublicNone() throws Exception {
        String prefix = fresh("csch");
        String schema = "depot_schema_" + prefix.replace("_", "");
        JdbcSettings admin = parse(TestDatabases.postgres());
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password()); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
            try {
                try (Depot depot = Depot.open(TestDatabases.withPrefix(TestDatabases.postgres(), prefix) + "&schema=" + schema)) {
                    depot.records(DOCS).save(new Doc("a", "x"));
                    assertThat(depot.records(DOCS).get("a")).isPresent();
                }
                assertThat(tables(c, schema, prefix)).as("in the schema").contains(prefix + "collections", prefix + "changes", prefix + "meta")
                        .anyMatch(t -> t.contains("docs"));
                assertThat(tables(c, "public", prefix)).as("in public").isEmpty();
                try (Depot again = Depot.open(TestDatabases.withPrefix(TestDatabases.postgres(), prefix) + "&currentSchema=" + schema)) {
                    assertThat(again.records(DOCS).get("a")).as("currentSchema= is the same setting").isPresent();
                }
            } finally {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
                TestDatabases.dropTables(TestDatabases.withPrefix(TestDatabases.postgres(), prefix), prefix); // had any landed in public
            }
        }
        assertThatThrownBy(() -> parse("postgresql://u@h/d?schema=a;drop")).hasMessageContaining("schema must match");
        assertThatThrownBy(() -> parse("mariadb://u@h/d?schema=x")).hasMessageContaining("PostgreSQL only");
    }

    @Test
    void mariaDbTlsModesMapToTheDriversModes() {
        assertThat(parse("mariadb://u@h/d").jdbcUrl()).isEqualTo("jdbc:mariadb://h:3306/d");
        assertThat(parse("mariadb://u@h/d?ssl=true").jdbcUrl()).as("encrypt only, as before").endsWith("?sslMode=trust");
        assertThat(parse("mariadb://u@h/d?sslmode=require").jdbcUrl()).endsWith("?sslMode=trust");
        assertThat(parse("mariadb://u@h/d?sslmode=verify-ca").jdbcUrl()).endsWith("?sslMode=verify-ca");
        assertThat(parse("mariadb://u@h/d?sslmode=verify-full").jdbcUrl()).endsWith("?sslMode=verify-full");
        assertThat(parse("mysql://u@h/d?ssl=true&sslmode=verify-full").jdbcUrl()).endsWith("?sslMode=verify-full");
        assertThat(parse("mariadb://u@h/d?sslmode=disable").jdbcUrl()).endsWith("?sslMode=disable");
        assertThatThrownBy(() -> parse("mariadb://u@h/d?sslmode=allow")).hasMessageContaining("sslmode on MariaDB must be one of");
        assertThatThrownBy(() -> parse("mariadb://u@h/d?ssl=true&sslmode=disable")).hasMessageContaining("contradict");
    }

    private static String fresh(String stem) {
        return stem + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "_";
    }

    private static List<String> tables(Connection c, String schema, String prefix) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, schema, prefix + "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME"));
            }
        }
        return out;
    }
}
