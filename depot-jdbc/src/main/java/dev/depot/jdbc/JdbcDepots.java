package dev.depot.jdbc;

import dev.depot.BackendDepots;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.spi.BackendProvider;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import dev.depot.Schema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The SQL backends' own entry points, which live here rather than on {@link Depot} so that
 * depot-core's API stays free of {@code java.sql}: a depot on an application's own {@link DataSource}
 * (e.g. its HikariCP pool), so Depot uses the application's connections instead of building a pool of
 * its own; a depot whose pool is handed to the caller for instrumentation; the DDL of a set of schemas
 * for a migration tool; and the explicit maintenance calls a running application never makes by
 * itself (dropping a depot, rebuilding indexes, dropping stale index columns).
 *
 * <p>Guarantees: the database is recognised from {@link DatabaseMetaData#getDatabaseProductName()}
 * (PostgreSQL, MariaDB/MySQL, H2, SQLite); closing the depot never closes the DataSource; the pool's
 * size, timeouts, credentials and TLS stay the application's. Depot's own settings come as the same
 * parameters a URL takes, e.g. {@code "tablePrefix=app_"}.
 */
public final class JdbcDepots {
    private JdbcDepots() {}

    /** {@link #open(DataSource, String, DepotOptions)} with Depot's default settings. */
    public static Depot open(DataSource dataSource, DepotOptions options) {
        return open(dataSource, "", options);
    }

    /**
     * A depot on {@code dataSource}. {@code parameters} is a URL query without the {@code ?}: only
     * {@code tablePrefix} (and, on PostgreSQL, {@code schema}) apply, the connection settings
     * ({@code poolSize}, timeouts, {@code user}, {@code ssl}, {@code driver.*}) belong to the pool and
     * are refused. Fails with {@link IllegalArgumentException} if the database is not one Depot supports.
     */
    public static Depot open(DataSource dataSource, String parameters, DepotOptions options) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(options, "options");
        String scheme;
        boolean durable;
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            scheme = scheme(md.getDatabaseProductName());
            String url = md.getURL();
            durable = url == null || !url.startsWith("jdbc:h2:mem:");
        } catch (SQLException e) {
            throw new dev.depot.BackendUnavailableException("the DataSource gave no connection while opening the depot"
                    + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
        DepotUrl name = DepotUrl.parse(scheme + ":DataSource(" + dataSource.getClass().getSimpleName() + ")");
        JdbcSettings settings = JdbcSettings.forDataSource(name, scheme, parameters, durable, options);
        return BackendDepots.open(JdbcBackend.borrow(settings, options, dataSource), name, options);
    }

    /**
     * {@link Depot#open(String, DepotOptions)}, and when the URL is one of a SQL database module on the
     * class path, {@code onPool} is given the connection pool Depot builds for it (a HikariCP
     * {@code HikariDataSource}) once the depot's tables are checked and before the depot is returned, so
     * that the pool can be instrumented (e.g. {@code DepotMetrics.bindPool} publishes its meters). Other
     * URLs open as {@code Depot.open} opens them and {@code onPool} is not called. The pool stays Depot's:
     * closing the depot closes it, and {@code onPool} must not close or reconfigure it. If {@code onPool}
     * throws, the depot is closed and the exception propagates.
     */
    public static Depot open(String url, DepotOptions options, Consumer<? super DataSource> onPool) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(onPool, "onPool");
        DepotUrl parsed = parse(url);
        if (!served(parsed.scheme())) {
            return Depot.open(url, options);
        }
        JdbcBackend backend = JdbcBackend.open(JdbcSettings.parse(parsed, options), options);
        try {
            onPool.accept(backend.ownPool());
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
        return BackendDepots.open(backend, parsed, options);
    }

    /**
     * Refills every declared index of these collections from their stored documents, in one write
     * transaction per collection that holds Depot's write lock (so no depot writes meanwhile), and
     * clears their stale marks. The repair for a rolling deploy: an older version that was already
     * running when a newer one added an index writes around that index (its rows get no value, or keep
     * an outdated one), and nothing marks it; once no older version runs, call this with the newer
     * schemas. Like {@code ddl=create}, it also adds indexes the database lacks. Unique indexes are
     * checked first: if records share a value, {@link dev.depot.UniqueConstraintException} names the
     * index and nothing changes.
     */
    public static void rebuildIndexes(String url, Schema<?, ?>... schemas) {
        Objects.requireNonNull(url, "url");
        DepotUrl parsed = parse(url);
        JdbcSettings settings = JdbcSettings.parse(parsed, DepotOptions.defaults());
        try (Depot depot = BackendDepots.open(new IndexRebuild(JdbcBackend.open(settings, DepotOptions.defaults())), parsed,
                DepotOptions.defaults())) {
            for (Schema<?, ?> s : schemas) {
                depot.records(Objects.requireNonNull(s, "schema"));
            }
        }
    }

    /**
     * Drops the columns and SQL indexes of the indexes marked stale in the named collections (every
     * collection when none is named): those another declaration had and the one opened last lacks.
     * A running application never drops an index, so that an older and a newer version can run side by
     * side; this is the explicit step for when every version that declared them is gone (a version
     * still running with them fails its writes afterwards). Needs a role that may alter the tables.
     * Returns the dropped index names by collection.
     */
    public static Map<String, List<String>> dropStaleIndexes(String url, String... collections) {
        Objects.requireNonNull(url, "url");
        DepotUrl parsed = parse(url);
        JdbcSettings settings = JdbcSettings.parse(parsed, DepotOptions.defaults());
        JdbcBackend backend = JdbcBackend.open(settings, DepotOptions.defaults());
        try {
            return backend.catalog.dropStale(List.of(collections));
        } finally {
            backend.close();
        }
    }

    /** The URL parsed, a {@code jdbc:} prefix (as many DATABASE_URLs have) removed. */
    private static DepotUrl parse(String url) {
        DepotUrl parsed = DepotUrl.parse(url);
        return parsed.scheme().equals("jdbc") ? DepotUrl.parse(parsed.rest()) : parsed;
    }

    /** Whether a database module on the class path serves this scheme (depot-jdbc alone serves none). */
    private static boolean served(String scheme) {
        List<ClassLoader> loaders = new ArrayList<>(List.of(JdbcDepots.class.getClassLoader()));
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != loaders.get(0)) {
            loaders.add(context);
        }
        for (ClassLoader loader : loaders) {
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, loader)) {
                if (p instanceof JdbcBackendProvider && p.schemes().contains(scheme)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The statements {@code ddl=create} would run on an empty database for these schemas, in order,
     * without a connection: Depot's own tables, then per schema its table, its SQL indexes and its row
     * in Depot's registry (an INSERT, which {@code ddl=validate|none} read to find the tables). For a
     * migration tool (Flyway, Liquibase): apply them with a role that may create tables, then run the
     * application with {@code ddl=validate} and a role with DML grants only. {@code url} gives the
     * database dialect and the {@code tablePrefix} (and nothing is connected to).
     */
    public static List<String> ddl(String url, Schema<?, ?>... schemas) {
        Objects.requireNonNull(url, "url");
        DepotUrl parsed = parse(url);
        JdbcSettings settings = JdbcSettings.parse(parsed, DepotOptions.defaults());
        DdlScript script = new DdlScript(settings);
        try (Depot recorder = BackendDepots.open(script, parsed, DepotOptions.defaults())) {
            for (Schema<?, ?> s : schemas) {
                recorder.records(Objects.requireNonNull(s, "schema"));
            }
        }
        return script.statements();
    }

    /**
     * Drops every table of the depot at {@code url}: the collection tables its registry lists and
     * Depot's own tables (registry, change feed, counter), and nothing else — a table is never picked
     * by its name starting with the prefix, so other depots and the application's own tables stay.
     * The URL must name the depot's {@code tablePrefix} explicitly (even the default {@code depot_}),
     * so that a drop always says what it drops. Close every depot on these tables first (a drop waits
     * for their locks, up to the statement timeout). Returns the tables dropped; none if there were none.
     * For tests on a shared database ({@code @DepotTest} uses it) and for retiring a depot.
     */
    public static List<String> drop(String url) {
        Objects.requireNonNull(url, "url");
        DepotUrl parsed = parse(url);
        String query = parsed.withoutCredentials();
        int q = query.indexOf('?');
        boolean named = q >= 0 && Arrays.stream(query.substring(q + 1).split("&")).anyMatch(p -> p.startsWith("tablePrefix="));
        if (!named) {
            throw new IllegalArgumentException("drop needs the depot's tablePrefix in the URL, even the default "
                    + "(?tablePrefix=depot_), so that it says which tables go: " + parsed);
        }
        JdbcSettings settings = JdbcSettings.parse(parsed, DepotOptions.defaults());
        try (Connections pool = new Connections.Owned(Pools.open(settings)); Connection c = pool.get()) {
            return PrefixDrop.drop(c, settings.dialect(), settings.tablePrefix());
        } catch (com.zaxxer.hikari.pool.HikariPool.PoolInitializationException e) {
            throw new dev.depot.BackendUnavailableException(settings.dialect().name() + " could not be reached to drop the depot ("
                    + settings.display() + ")", e.getCause() == null ? e : e.getCause());
        } catch (SQLException e) {
            throw new dev.depot.BackendUnavailableException("dropping the tables of " + settings.display() + " failed (SQLSTATE "
                    + e.getSQLState() + ")", e);
        }
    }

    /** The depot URL scheme for a JDBC product name. */
    static String scheme(String productName) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return "postgresql";
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return "mariadb";
        }
        if (p.equals("h2")) {
            return "h2";
        }
        if (p.contains("sqlite")) {
            return "sqlite";
        }
        throw new IllegalArgumentException("Depot does not support the database '" + productName
                + "' behind this DataSource (supported: PostgreSQL, MariaDB/MySQL, H2, SQLite)");
    }
}
