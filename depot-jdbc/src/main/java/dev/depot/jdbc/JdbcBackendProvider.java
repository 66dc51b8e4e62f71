package dev.depot.jdbc;

import dev.depot.DepotOptions;
import dev.depot.spi.Backend;
import dev.depot.spi.BackendProvider;
import dev.depot.spi.DepotUrl;
import java.util.Set;

/**
 * The shared SQL engine behind a database module's URL schemes. Each database module
 * ({@code depot-postgresql}, {@code depot-mariadb}, {@code depot-h2}, {@code depot-sqlite}) brings
 * its JDBC driver and registers a subclass naming its schemes, so an application that depends on
 * one module gets that database only. The dialects themselves live in this module: they use no
 * driver classes at run time except where their own driver is present.
 */
public abstract class JdbcBackendProvider implements BackendProvider {
    private final Set<String> schemes;

    /** For the database modules: {@code schemes} are the URL schemes this module serves. */
    protected JdbcBackendProvider(Set<String> schemes) {
        this.schemes = Set.copyOf(schemes);
    }

    @Override
    public final Set<String> schemes() {
        return schemes;
    }

    @Override
    public final Backend open(DepotUrl url, DepotOptions options) {
        if (!schemes.contains(url.scheme())) {
            throw new IllegalArgumentException("scheme '" + url.scheme() + "' is not served by " + getClass().getSimpleName());
        }
        return JdbcBackend.open(JdbcSettings.parse(url, options), options);
    }
}
