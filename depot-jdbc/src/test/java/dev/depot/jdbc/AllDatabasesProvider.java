package dev.depot.jdbc;

import java.util.Set;

/**
 * The engine's own tests run every database from one module, with all four drivers on the test
 * class path; applications get one scheme family per database module instead.
 */
public final class AllDatabasesProvider extends JdbcBackendProvider {
    public AllDatabasesProvider() {
        super(Set.of("postgresql", "postgres", "mariadb", "mysql", "h2", "sqlite"));
    }
}
