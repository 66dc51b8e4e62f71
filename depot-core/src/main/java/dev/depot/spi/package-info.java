/**
 * Depot's service provider interface: what a storage backend implements, and the rules every
 * backend shares.
 *
 * <p>This package is a published SPI, versioned with the API: a backend in its own module
 * implements {@link dev.depot.spi.BackendProvider} and {@link dev.depot.spi.Backend}, lists the
 * provider in {@code META-INF/services/dev.depot.spi.BackendProvider} (or a {@code provides}
 * clause in a {@code module-info}), and runs the conformance kit ({@code dev.depot:depot-tck}) in
 * its tests. Application code never needs these types; it uses {@link dev.depot.Depot}.
 *
 * <p>Core hands a backend already validated and normalised input — keys, encoded documents, index
 * values coerced by {@link dev.depot.spi.IndexType}, query plans checked against the declared
 * indexes — and decides error wording itself. The shared rules a backend applies when it merges its
 * own rows ({@link dev.depot.spi.Write} preconditions and versions, {@link dev.depot.spi.QueryPlan}
 * order and matching) live here once so that backends cannot drift apart.
 *
 * <p>In the module system the SPI is part of the {@code dev.depot} module (the
 * {@code Automatic-Module-Name} of {@code depot-core}).
 */
package dev.depot.spi;
