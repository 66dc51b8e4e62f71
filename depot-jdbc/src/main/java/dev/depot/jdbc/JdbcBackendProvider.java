package dev.depot.jdbc;

import dev.depot.DepotOptions;
import dev.depot.spi.Backend;
import dev.depot.spi.BackendProvider;
import dev.depot.spi.DepotUrl;
import java.util.Set;

/**
 * Serves {@code postgresql:}, {@code postgres:}, {@code mariadb:}, {@code mysql:}, {@code h2:} and
 * {@code sqlite:} depot URLs with one shared JDBC backend and a dialect per database.
 */
public final class JdbcBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("postgresql", "postgres", "mariadb", "mysql", "h2", "sqlite");
    }

    @Override
    public Backend open(DepotUrl url, DepotOptions options) {
        return JdbcBackend.open(JdbcSettings.parse(url, options), options);
    }
}
