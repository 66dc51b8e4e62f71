package dev.depot.spi;

import dev.depot.DepotOptions;
import java.util.Set;

/**
 * Registers a backend for URL schemes, found through {@link java.util.ServiceLoader}. A module that
 * ships a backend lists its provider in {@code META-INF/services/dev.depot.spi.BackendProvider}.
 */
public interface BackendProvider {

    /** URL schemes served, e.g. {@code memory} or {@code postgresql}. */
    Set<String> schemes();

    /** Opens a backend; {@code url} was parsed by core and knows how to print itself safely. */
    Backend open(DepotUrl url, DepotOptions options);
}
