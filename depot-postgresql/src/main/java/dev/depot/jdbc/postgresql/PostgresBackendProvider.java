package dev.depot.jdbc.postgresql;

import dev.depot.jdbc.JdbcBackendProvider;
import java.util.Set;

/**
 * Serves {@code postgresql:}, {@code postgres:} depot URLs with Depot's SQL engine and the PostgreSQL driver. Found through
 * {@link java.util.ServiceLoader}; applications never name it.
 */
public final class PostgresBackendProvider extends JdbcBackendProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public PostgresBackendProvider() {
        super(Set.of("postgresql", "postgres"));
    }
}
