package dev.depot;

import dev.depot.spi.Backend;
import dev.depot.spi.DepotUrl;
import java.util.Objects;

/**
 * For backend modules that open a depot other than through a URL (e.g. depot-jdbc's
 * {@code JdbcDepots.open(DataSource, ...)}): wraps an already opened {@link Backend} in the same
 * {@link Depot} that {@link Depot#open(String)} returns, with every rule of core applied. Not for
 * applications, which open depots through {@link Depot#open} or a backend module's entry point.
 */
public final class BackendDepots {
    private BackendDepots() {}

    /**
     * The depot over {@code backend}; {@code url} names it in messages (it must not carry credentials)
     * and closing the depot closes the backend.
     */
    public static Depot open(Backend backend, DepotUrl url, DepotOptions options) {
        return new DefaultDepot(Objects.requireNonNull(backend, "backend"), Objects.requireNonNull(url, "url"),
                Objects.requireNonNull(options, "options"));
    }
}
