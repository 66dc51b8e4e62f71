package dev.depot.spring;

import dev.depot.DepotOptions;

/**
 * Adjusts the options the auto-configured depot opens with, after {@code depot.*} properties were
 * applied: a clock for tests, an observer for tracing. Customizer beans run in their {@code @Order}.
 */
@FunctionalInterface
public interface DepotOptionsCustomizer {
    DepotOptions customize(DepotOptions options);
}
