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
 * {@link Timeouts}. An unknown parameter is an error rather than silently ignored.
 *
 * <p>Credentials come from {@link DepotUrl}, parsed once there; {@link #jdbcUrl()} never carries them
 * (the pool hands user and password to the driver as properties), and {@link #toString()} prints the
 * redacted URL.
 */
record JdbcSettings(Dialect dialect, String jdbcUrl, String user, String password, int poolSize,
        String tablePrefix, boolean durable, String display, Timeouts timeouts) {

    static final Set<String> PARAMETERS = Set.of("poolSize", "tablePrefix", "ssl", "sslmode",
            "connectTimeout", "socketTimeout", "statementTimeout", "poolTimeout");
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
        Timeouts timeouts = Timeouts.of(params, display);
        int poolSize = params.containsKey("poolSize") ? positive(params.get("poolSize"), display) : options.poolSize();
        String prefix = params.getOrDefault("tablePrefix", "depot_");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix must match [a-z][a-z0-9_]{0,19} in " + display);
        }
        boolean ssl = Boolean.parseBoolean(params.getOrDefault("ssl", "false"));
        Dialect dialect = Dialect.forScheme(url.scheme());
        if (params.containsKey("sslmode") && !(dialect instanceof PostgresDialect)) {
            throw new IllegalArgumentException("sslmode applies to PostgreSQL only; use ssl=true in " + display);
        }
        return switch (url.scheme()) {
            case "postgresql", "postgres" -> server(dialect, "postgresql", 5432, rest, pgSsl(ssl, params.get("sslmode"), display),
                    poolSize, prefix, display, url, timeouts);
            case "mariadb", "mysql" -> server(dialect, "mariadb", 3306, rest, ssl ? "?sslMode=trust" : "",
                    poolSize, prefix, display, url, timeouts);
            case "h2" -> h2(dialect, rest, ssl, poolSize, prefix, display, timeouts);
            case "sqlite" -> sqlite(dialect, rest, ssl, poolSize, prefix, display, timeouts);
            default -> throw new IllegalArgumentException("not a JDBC depot URL: " + display);
        };
    }

    private static JdbcSettings server(Dialect dialect, String jdbcScheme, int defaultPort, String rest, String sslSuffix,
            int poolSize, String prefix, String display, DepotUrl url, Timeouts timeouts) {
        if (!rest.startsWith("//")) {
            throw new IllegalArgumentException("expected " + jdbcScheme + "://[user[:password]@]host[:port]/database in " + display);
        }
        String body = rest.substring(2);
        String user = url.user().orElse(null);
        String password = url.password().orElse(null);
        int slash = body.indexOf('/');
        if (slash <= 0 || slash == body.length() - 1) {
            throw new IllegalArgumentException("missing host or database in " + display);
        }
        String hostPort = body.substring(0, slash);
        String database = body.substring(slash + 1);
        boolean hasPort = hostPort.startsWith("[") ? hostPort.contains("]:") : hostPort.contains(":");
        String jdbc = "jdbc:" + jdbcScheme + "://" + hostPort + (hasPort ? "" : ":" + defaultPort) + "/" + database + sslSuffix;
        return new JdbcSettings(dialect, jdbc, user, password, poolSize, prefix, true, display, timeouts);
    }

    private static JdbcSettings h2(Dialect dialect, String rest, boolean ssl, int poolSize, String prefix, String display,
            Timeouts timeouts) {
        noSsl(ssl, display);
        // LOCK_TIMEOUT: commits queue on the feed lock; H2's 1 s default would fail them under load.
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
                    poolSize, prefix, false, display, timeouts);
        }
        if (rest.startsWith("file:") && rest.length() > 5) {
            return new JdbcSettings(dialect, "jdbc:h2:file:" + rest.substring(5) + options, null, null,
                    poolSize, prefix, true, display, timeouts);
        }
        throw new IllegalArgumentException("expected h2:mem:NAME or h2:file:PATH in " + display);
    }

    private static JdbcSettings sqlite(Dialect dialect, String rest, boolean ssl, int poolSize, String prefix, String display,
            Timeouts timeouts) {
        noSsl(ssl, display);
        if (rest.isEmpty() || rest.startsWith(":memory:")) {
            throw new IllegalArgumentException("expected sqlite:PATH (a file; use memory: for an in-memory depot) in " + display);
        }
        return new JdbcSettings(dialect, "jdbc:sqlite:" + rest, null, null, poolSize, prefix, true, display, timeouts);
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
            if (!PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "' in " + display
                        + " (known: poolSize, tablePrefix, ssl, connectTimeout, socketTimeout, statementTimeout, poolTimeout;"
                        + " sslmode on PostgreSQL; credentials go in the user info, user:password@host)");
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
