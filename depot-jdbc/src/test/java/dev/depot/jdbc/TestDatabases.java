package dev.depot.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The databases tests run against. PostgreSQL and MariaDB come from {@code DEPOT_TEST_POSTGRES_URL}
 * and {@code DEPOT_TEST_MARIADB_URL}; if the server does not answer, tests skip with a one-line
 * reason, unless {@code DEPOT_REQUIRE_SERVERS=true}, when they fail. H2 and SQLite are local.
 *
 * <p>Tests leave nothing behind: every table prefix handed out by {@link #fresh} is dropped again
 * and every temporary directory deleted when the test JVM exits (and earlier where a fixture closes).
 */
final class TestDatabases {
    /** Tables of the tests live under their own prefix, which the fixtures drop before a suite. */
    static final String PREFIX = "tck_";

    /** Server URLs (with prefix) and temporary directories to remove when the test JVM exits. */
    private static final Set<List<String>> PREFIXES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::cleanUp, "test-databases-cleanup"));
    }

    private TestDatabases() {}

    /** Drops every prefix handed out and deletes every temporary directory; safe to call twice. */
    static void cleanUp() {
        for (List<String> p : PREFIXES) {
            try {
                dropTables(p.get(0), p.get(1));
            } catch (RuntimeException e) {
                System.err.println("could not drop test tables " + p.get(1) + "*: " + e.getMessage());
            }
        }
        PREFIXES.clear();
        for (Path dir : DIRECTORIES) {
            deleteTree(dir);
        }
        DIRECTORIES.clear();
    }

    /** Drops one prefix's tables now (a fixture closing) and forgets it. */
    static void release(String url, String prefix) {
        if (PREFIXES.remove(List.of(url, prefix))) {
            dropTables(url, prefix);
        }
    }

    static String postgres() {
        String url = env("DEPOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test");
        return reachable(url);
    }

    static String mariadb() {
        String url = env("DEPOT_TEST_MARIADB_URL", "mariadb://root@127.0.0.1:3306/test");
        return reachable(url);
    }

    static String h2Mem() {
        return "h2:mem:tck-" + UUID.randomUUID();
    }

    static String h2File() {
        return "h2:file:" + tempDir("depot-h2").resolve("db");
    }

    static String sqlite() {
        return "sqlite:" + tempDir("depot-sqlite").resolve("depot.db");
    }

    /** A {@code file:} depot in a fresh temporary directory (deleted at exit), without fsync: for tests of the blob rules. */
    static String files() {
        return "file:" + tempDir("depot-files") + "?fsync=false";
    }

    /** Gives a database URL when a test starts (so an unreachable server skips only that test). */
    interface UrlSource {
        String url();
    }

    /**
     * Every database as parameterized-test arguments (name, {@link UrlSource}); server databases get
     * {@code prefix} as table prefix, with their tables of that prefix dropped first.
     */
    /** Memory first, then {@link #all}: for probes that run one scenario on every backend. */
    static Stream<Arguments> memoryAndAll(String prefix) {
        return Stream.concat(Stream.of(Arguments.of("memory", (UrlSource) () -> "memory:")), all(prefix));
    }

    /** Opens a depot on {@code opener}'s URL: memory as it is, a database with the readable schema under {@code prefix}. */
    static dev.depot.Depot open(UrlSource opener, String prefix) {
        String url = opener.url();
        return dev.depot.Depot.open(url.startsWith("memory:") ? url : ReadableSchemaTest.url(() -> url, prefix));
    }

    static Stream<Arguments> all(String prefix) {
        return Stream.of(
                Arguments.of("h2-mem", (UrlSource) TestDatabases::h2Mem),
                Arguments.of("sqlite", (UrlSource) TestDatabases::sqlite),
                Arguments.of("postgresql", (UrlSource) () -> fresh(postgres(), prefix)),
                Arguments.of("mariadb", (UrlSource) () -> fresh(mariadb(), prefix)));
    }

    /** The URL with {@code prefix}, after dropping that prefix's tables. */
    static String fresh(String url, String prefix) {
        String u = withPrefix(url, prefix);
        dropTables(u, prefix);
        PREFIXES.add(List.of(u, prefix));
        return u;
    }

    /** The same server URL naming another database (so tests follow DEPOT_TEST_*_URL). */
    static String withDatabase(String url, String database) {
        return url.replaceFirst("^([a-z]+://[^/]+)/[^/?]+", "$1/" + database);
    }

    /** The same server URL with another user and no password (a role a test made). */
    static String withUser(String url, String user) {
        return url.replaceFirst("^([a-z]+://)([^@/]*@)?", "$1" + user + "@");
    }

    /** Adds the test table prefix (and keeps other parameters). */
    static String withPrefix(String url, String prefix) {
        return url + (url.contains("?") ? "&" : "?") + "tablePrefix=" + prefix;
    }

    /** The tables whose name starts with {@code prefix}, as the database spells them. */
    static List<String> tables(Connection c, String prefix) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (name.toLowerCase().startsWith(prefix)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** Drops every table whose name starts with {@code prefix}, so a suite starts from nothing. */
    static void dropTables(String depotUrl, String prefix) {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(depotUrl), DepotOptions.defaults());
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String name = rs.getString("TABLE_NAME");
                    String schema = rs.getString("TABLE_SCHEM");
                    if (name.toLowerCase().startsWith(prefix) && (schema == null || !schema.equalsIgnoreCase("information_schema"))) {
                        tables.add(name);
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                // A depot a test forgot to close must not hang the cleanup.
                switch (s.dialect().name()) {
                    case "postgresql" -> st.execute("SET lock_timeout = '5s'");
                    case "mariadb" -> st.execute("SET SESSION lock_wait_timeout = 5");
                    default -> { }
                }
                for (String t : tables) {
                    st.execute("DROP TABLE IF EXISTS " + t);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the test tables of " + s, e);
        }
    }

    private static String reachable(String depotUrl) {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(depotUrl), DepotOptions.defaults());
        DriverManager.setLoginTimeout(3);
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
            return depotUrl;
        } catch (SQLException e) {
            String reason = s.dialect().name() + " at " + s + " does not answer (" + e.getSQLState() + ")";
            if (Boolean.parseBoolean(System.getenv("DEPOT_REQUIRE_SERVERS"))) {
                fail(reason + " and DEPOT_REQUIRE_SERVERS=true");
            }
            Assumptions.abort(reason);
            return null;
        }
    }

    private static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            DIRECTORIES.add(dir);
            return dir;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
