package dev.depot.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Where the auto-configured depot lives, read through Spring's {@link Environment} so that every
 * property source counts: {@code depot.url}, {@code DEPOT_URL}, (the application's DataSource, decided
 * by {@link DepotAutoConfiguration}), {@code DATABASE_URL}, else {@code memory:} with one warning.
 */
final class DepotUrlResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DepotAutoConfiguration.class);
    static final String MEMORY = "memory:";

    private DepotUrlResolver() {}

    static String resolve(DepotProperties properties, Environment environment) {
        String url = explicit(properties, environment);
        if (url == null) {
            url = nonBlank(environment.getProperty("DATABASE_URL"));
        }
        if (url == null) {
            LOG.warn("None of depot.url, DEPOT_URL, a DataSource bean or DATABASE_URL is there: using memory:, whose data is lost when the application stops");
            url = MEMORY;
        }
        return url;
    }

    /** {@code depot.url} or {@code DEPOT_URL}: a URL named for Depot, which wins over a DataSource. */
    static String explicit(DepotProperties properties, Environment environment) {
        String url = nonBlank(properties.getUrl());
        return url != null ? url : nonBlank(environment.getProperty("DEPOT_URL"));
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
