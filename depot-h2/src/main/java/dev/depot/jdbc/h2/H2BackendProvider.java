package dev.depot.jdbc.h2;

import dev.depot.jdbc.JdbcBackendProvider;
import java.util.Set;

/**
 * Serves {@code h2:} depot URLs with Depot's SQL engine and the H2 driver. Found through
 * {@link java.util.ServiceLoader}; applications never name it.
 */
public final class H2BackendProvider extends JdbcBackendProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public H2BackendProvider() {
        super(Set.of("h2"));
    }
}
