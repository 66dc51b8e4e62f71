package dev.depot.jdbc;

import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A depot URL translated into what the pool needs. Forms: {@code postgresql://user:pw@host:port/db},
 * {@code mariadb://...} and {@code mysql://...}, {@code h2:mem:NAME}, {@code h2:file:PATH},
 * {@code sqlite:PATH}; each may end with {@code ?poolSize=5&tablePrefix=app_&ssl=true} and the
 * {@link Timeouts}; server URLs also take {@code user=}, {@code password=} (percent-encoded) and
 * {@code sslmode=}, PostgreSQL {@code schema=}/{@code currentSchema=}, and any {@code driver.NAME=value}
 * is handed to the JDBC driver as property NAME. An unknown parameter is an error rather than
 * silently ignored.
 *
 * <p>Credentials come from {@link DepotUrl}, parsed once there; {@link #jdbcUrl()} never carries them
 * (the pool hands user and password to the driver as properties), and {@link #toString()} prints the
 * redacted URL.
 */
record JdbcSettings(Dialect dialect, String jdbcUrl, String user, String password, int poolSize,
        String tablePrefix, boolean durable, String display, Timeouts timeouts, Map<String, String> driver, String schema, Ddl ddl) {

    static final Set<String> PARAMETERS = Set.of("poolSize", "tablePrefix", "ssl", "sslmode",
            "connectTimeout", "socketTimeout", "statementTimeout", "poolTimeout", "user", "password", "schema", "currentSchema", "ddl");
    /** Parameters passed to the JDBC driver as they are, without the prefix: {@code driver.prepareThreshold=0}. */
    static final String DRIVER_PREFIX = "driver.";
    /** MariaDB's own TLS modes, from the PostgreSQL names {@code sslmode=} takes. */
    private static final Map<String, String> MARIADB_SSL_MODES = Map.of(
            "disable", "disable", "require", "trust", "verify-ca", "verify-ca", "verify-full", "verify-full");
    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    JdbcSettings {
        driver = Map.copyOf(driver);
    }
    private static final Set<String> SERVER_SCHEMES = Set.of("postgresql", "postgres", "mariadb", "mysql");
    /** PostgreSQL's own modes, accepted as {@code sslmode=} because hosted DATABASE_URLs carry it. */
    private static final Set<String> PG_SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,19}");

    static JdbcSettings parse(DepotUrl url, DepotOptions options) {
        String display = url.toString();
        // The user info is gone from here on: nothing below can echo or mis-split a password.
        String rest = url.withoutCredentials().substring(url.scheme().length() + 1);
        if (SERVER_SCHEMES.contains(url.scheme()) && !rest.startsWith("//")) {
            // Before looking for parameters: without "//" nothing says where a password ends.
            throw new IllegalArgumentException("expected " + url.scheme() + "://[user[:password]@]host[:port]/database in " + display);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        Map<String, String> params = parameters(query, display);
        Map<String, String> driver = driverProperties(params, display);
        Timeouts timeouts = Timeouts.of(params, display);
        int poolSize = params.containsKey("poolSize") ? positive(params.get("poolSize"), display) : options.poolSize();
        String prefix = prefix(params, display);
        boolean ssl = Boolean.parseBoolean(params.getOrDefault("ssl", "false"));
        Dialect dialect = Dialect.forScheme(url.scheme());
        boolean server = dialect instanceof PostgresDialect || dialect instanceof MariaDbDialect;
        if (params.containsKey("sslmode") && !server) {
            throw new IllegalArgumentException("sslmode applies to PostgreSQL and MariaDB only in " + display);
        }
        if (!server && (params.containsKey("user") || params.containsKey("password"))) {
            throw new IllegalArgumentException("user and password apply to PostgreSQL and MariaDB only in " + display);
        }
        String schema = schema(params, dialect, display);
        JdbcSettings s = switch (url.scheme()) {
            case "postgresql", "postgres" -> server(dialect, "postgresql", 5432, rest, pgSsl(ssl, params.get("sslmode"), display),
                    poolSize, prefix, display, url, params, timeouts);
            case "mariadb", "mysql" -> server(dialect, "mariadb", 3306, rest, mariaDbSsl(ssl, params.get("sslmode"), display),
                    poolSize, prefix, display, url, params, timeouts);
            case "h2" -> h2(dialect, rest, ssl, poolSize, prefix, display, timeouts);
            case "sqlite" -> sqlite(dialect, rest, ssl, poolSize, prefix, display, timeouts);
            default -> throw new IllegalArgumentException("not a JDBC depot URL: " + display);
        };
        return new JdbcSettings(s.dialect, s.jdbcUrl, s.user, s.password, s.poolSize, s.tablePrefix, s.durable, s.display,
                s.timeouts, driver, schema, Ddl.parse(params.get("ddl"), display));
    }

    /** Parameters that make sense on an application's DataSource: the rest belong to its pool. */
    static final Set<String> DATA_SOURCE_PARAMETERS = Set.of("tablePrefix", "ddl");

    /** The settings of a depot on an application's DataSource: {@code query} may set only the table prefix. */
    static JdbcSettings forDataSource(DepotUrl name, String scheme, String query, boolean durable, DepotOptions options) {
        String display = name.toString();
        Map<String, String> params = parameters(query, display);
        for (String p : params.keySet()) {
            if (!DATA_SOURCE_PARAMETERS.contains(p)) {
                throw new IllegalArgumentException("parameter '" + p + "' does not apply to a depot on a DataSource (" + display
                        + "): connection settings (pool size, timeouts, credentials, TLS, schema, driver properties) are the pool's;"
                        + " known here: " + DATA_SOURCE_PARAMETERS);
            }
        }
        String prefix = prefix(params, display);
        return new JdbcSettings(Dialect.forScheme(scheme), null, null, null, options.poolSize(), prefix, durable, display,
                Timeouts.of(Map.of(), display), Map.of(), null, Ddl.parse(params.get("ddl"), display));
    }

    private static String prefix(Map<String, String> params, String display) {
        String prefix = params.getOrDefault("tablePrefix", "depot_");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix must match [a-z][a-z0-9_]{0,19} in " + display);
        }
        return prefix;
    }

    /** {@code schema=} (or pgjdbc's own {@code currentSchema=}): where the tables live, on PostgreSQL only. */
    private static String schema(Map<String, String> params, Dialect dialect, String display) {
        String schema = params.get("schema");
        String current = params.get("currentSchema");
        if (schema != null && current != null && !schema.equals(current)) {
            throw new IllegalArgumentException("schema and currentSchema disagree in " + display + "; give one of them");
        }
        String s = schema != null ? schema : current;
        if (s == null) {
            return null;
        }
        if (!(dialect instanceof PostgresDialect)) {
            throw new IllegalArgumentException("schema applies to PostgreSQL only (on MariaDB the database in the URL is the schema) in "
                    + display);
        }
        if (!SCHEMA.matcher(s).matches()) {
            throw new IllegalArgumentException("schema must match [A-Za-z_][A-Za-z0-9_]{0,62} in " + display);
        }
        return s;
    }

    /** The {@code driver.}-prefixed parameters, prefix removed; credentials have their own parameters. */
    private static Map<String, String> driverProperties(Map<String, String> params, String display) {
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = params.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().startsWith(DRIVER_PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(DRIVER_PREFIX.length());
            if (name.isEmpty() || name.equalsIgnoreCase("user") || name.equalsIgnoreCase("password")) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not a driver property to pass through in " + display
                        + " (credentials go in user= and password=, or user:password@host)");
            }
            out.put(name, e.getValue());
            it.remove();
        }
        return out;
    }

    private static JdbcSettings server(Dialect dialect, String jdbcScheme, int defaultPort, String rest, String sslSuffix,
            int poolSize, String prefix, String display, DepotUrl url, Map<String, String> params, Timeouts timeouts) {
        if (!rest.startsWith("//")) {
            throw new IllegalArgumentException("expected " + jdbcScheme + "://[user[:password]@]host[:port]/database in " + display);
        }
        String body = rest.substring(2);
        String user = once("user", url.user().orElse(null), params.get("user"), display);
        String password = once("password", url.password().orElse(null), params.get("password"), display);
        int slash = body.indexOf('/');
        if (slash <= 0 || slash == body.length() - 1) {
            throw new IllegalArgumentException("missing host or database in " + display);
        }
        String hostPort = body.substring(0, slash);
        String database = body.substring(slash + 1);
        boolean hasPort = hostPort.startsWith("[") ? hostPort.contains("]:") : hostPort.contains(":");
        String jdbc = "jdbc:" + jdbcScheme + "://" + hostPort + (hasPort ? "" : ":" + defaultPort) + "/" + database + sslSuffix;
        return new JdbcSettings(dialect, jdbc, user, password, poolSize, prefix, true, display, timeouts, Map.of(), null, Ddl.CREATE);
    }

    /** A credential from the user info or from its parameter, never both (which one would win is a guess). */
    private static String once(String name, String inUserInfo, String inParameter, String display) {
        if (inUserInfo != null && inParameter != null) {
            throw new IllegalArgumentException(name + " is given both in the user info (user:password@host) and as " + name
                    + "= in " + display + "; give it once");
        }
        return inUserInfo != null ? inUserInfo : inParameter;
    }

    private static JdbcSettings h2(Dialect dialect, String rest, boolean ssl, int poolSize, String prefix, String display,
            Timeouts timeouts) {
        noSsl(ssl, display);
        // LOCK_TIMEOUT: writers of one key, and sequencer runs, queue on row locks; H2's 1 s default would fail them under load.
        long statementMillis = timeouts.statement().toMillis();
        String options = ";LOCK_TIMEOUT=" + statementMillis + ";QUERY_TIMEOUT=" + statementMillis;
        if (rest.startsWith("mem:")) {
            String name = rest.substring(4);
            if (name.isEmpty()) {
                name = "depot-" + UUID.randomUUID(); // private, like memory:
            }
            // No DB_CLOSE_DELAY=-1: the database lives while a connection is open (each depot on it
            // holds one, see Pools) and is dropped, memory and all, when the last depot closes.
            return new JdbcSettings(dialect, "jdbc:h2:mem:" + name + options, null, null,
                    poolSize, prefix, false, display, timeouts, Map.of(), null, Ddl.CREATE);
        }
        if (rest.startsWith("file:") && rest.length() > 5) {
            // H2's own WRITE_DELAY (500 ms) stays: with WRITE_DELAY=0 the committing thread writes the
            // file, and an interrupted thread's channel write fails, so every commit of a worker whose
            // flag is set (an executor shutting down) failed. The price is CONTRACT §1 "Crashes and
            // full disks": a killed process can lose the last half second of commits; ";WRITE_DELAY=0"
            // in the URL opts in to per-commit writes.
            return new JdbcSettings(dialect, "jdbc:h2:file:" + rest.substring(5) + options, null, null,
                    poolSize, prefix, true, display, timeouts, Map.of(), null, Ddl.CREATE);
        }
        throw new IllegalArgumentException("expected h2:mem:NAME or h2:file:PATH in " + display);
    }

    private static JdbcSettings sqlite(Dialect dialect, String rest, boolean ssl, int poolSize, String prefix, String display,
            Timeouts timeouts) {
        noSsl(ssl, display);
        // sqlite://PATH is sqlx's (and DATABASE_URL's) spelling of sqlite:PATH: sqlite://./app.db and
        // sqlite://app.db are relative, sqlite:///srv/app.db absolute. Passed on as //app.db, the
        // driver took it from the root of the file system.
        String path = rest.startsWith("//") ? rest.substring(2) : rest;
        if (path.isEmpty() || path.startsWith(":memory:")) {
            throw new IllegalArgumentException("expected sqlite:PATH (a file; use memory: for an in-memory depot) in " + display);
        }
        return new JdbcSettings(dialect, "jdbc:sqlite:" + path, null, null, poolSize, prefix, true, display, timeouts,
                Map.of(), null, Ddl.CREATE);
    }

    private static String pgSsl(boolean ssl, String sslmode, String display) {
        if (sslmode == null) {
            return ssl ? "?sslmode=require" : "";
        }
        if (!PG_SSL_MODES.contains(sslmode)) {
            throw new IllegalArgumentException("sslmode must be one of " + PG_SSL_MODES + " in " + display);
        }
        return "?sslmode=" + sslmode;
    }

    /**
     * MariaDB's TLS: {@code ssl=true} encrypts without checking the certificate (as before);
     * {@code sslmode=verify-ca} checks it against trusted CAs, {@code verify-full} also the host name.
     */
    static String mariaDbSsl(boolean ssl, String sslmode, String display) {
        if (sslmode == null) {
            return ssl ? "?sslMode=trust" : "";
        }
        String mode = MARIADB_SSL_MODES.get(sslmode);
        if (mode == null) {
            throw new IllegalArgumentException("sslmode on MariaDB must be one of " + new java.util.TreeSet<>(MARIADB_SSL_MODES.keySet())
                    + " in " + display);
        }
        if (ssl && mode.equals("disable")) {
            throw new IllegalArgumentException("ssl=true and sslmode=disable contradict each other in " + display);
        }
        return "?sslMode=" + mode;
    }

    private static void noSsl(boolean ssl, String display) {
        if (ssl) {
            throw new UnsupportedOperationException("ssl=true does not apply to an embedded database: " + display);
        }
    }

    private static Map<String, String> parameters(String query, String display) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!PARAMETERS.contains(name) && !name.startsWith(DRIVER_PREFIX)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "' in " + display
                        + " (known: poolSize, tablePrefix, ssl, sslmode, connectTimeout, socketTimeout, statementTimeout,"
                        + " poolTimeout, user, password, ddl; schema on PostgreSQL; driver.NAME passes NAME to the JDBC driver)");
            }
            if (out.containsKey(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is given twice in " + display);
            }
            out.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static int positive(String s, String display) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the one message
        }
        throw new IllegalArgumentException("poolSize must be a positive integer in " + display);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Driver properties of every pooled connection: the dialect's own and the timeouts (never credentials). */
    Properties connectionProperties() {
        Properties p = dialect.driverProperties(applicationName());
        dialect.timeoutProperties(p, timeouts);
        if (schema != null) {
            p.setProperty("currentSchema", schema); // pgjdbc sets the search_path: tables are created and found there
        }
        p.putAll(driver); // the application's word over Depot's defaults
        return p;
    }

    /** How the database lists this depot's connections, e.g. {@code depot/app_} (PostgreSQL application_name). */
    String applicationName() {
        return "depot/" + tablePrefix;
    }

    @Override
    public String toString() {
        return display;
    }
}
