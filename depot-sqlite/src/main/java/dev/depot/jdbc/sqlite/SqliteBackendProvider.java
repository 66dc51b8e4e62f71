package dev.depot.jdbc.sqlite;

import dev.depot.jdbc.JdbcBackendProvider;
import java.util.Set;

/**
 * Serves {@code sqlite:} depot URLs with Depot's SQL engine and the SQLite driver. Found through
 * {@link java.util.ServiceLoader}; applications never name it.
 */
public final class SqliteBackendProvider extends JdbcBackendProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public SqliteBackendProvider() {
        super(Set.of("sqlite"));
    }
}
