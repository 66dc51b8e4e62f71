package dev.depot.testing;

import java.util.Optional;

/**
 * Where a {@link DepotTest} depot lives: the annotation's {@code url} when set, else the system
 * property {@value #PROPERTY}, else the environment variable {@value #ENV}, else {@code memory:}.
 * So one suite runs in memory on a laptop and against PostgreSQL in CI by setting one variable.
 */
final class TestUrl {
    static final String PROPERTY = "depot.test.url";
    static final String ENV = "DEPOT_TEST_URL";
    static final String DEFAULT = "memory:";

    private TestUrl() {}

    static String resolve(Optional<String> annotated) {
        return annotated.filter(u -> !u.isBlank())
                .or(() -> nonBlank(System.getProperty(PROPERTY)))
                .or(() -> nonBlank(System.getenv(ENV)))
                .orElse(DEFAULT);
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }
}
