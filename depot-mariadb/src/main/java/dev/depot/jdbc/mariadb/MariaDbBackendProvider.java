package dev.depot.jdbc.mariadb;

import dev.depot.jdbc.JdbcBackendProvider;
import java.util.Set;

/**
 * Serves {@code mariadb:}, {@code mysql:} depot URLs with Depot's SQL engine and the MariaDB / MySQL driver. Found through
 * {@link java.util.ServiceLoader}; applications never name it.
 */
public final class MariaDbBackendProvider extends JdbcBackendProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public MariaDbBackendProvider() {
        super(Set.of("mariadb", "mysql"));
    }
}
