package dev.depot.spring;

import dev.depot.Depot;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports {@link Depot#health()}: UP or DOWN with the backend's scheme, the ping's latency and, when
 * down, the depot's short reason (which never holds credentials).
 */
public class DepotHealthIndicator implements HealthIndicator {
    private final Depot depot;

    public DepotHealthIndicator(Depot depot) {
        this.depot = depot;
    }

    @Override
    public Health health() {
        dev.depot.Health h = depot.health();
        Health.Builder builder = h.up() ? Health.up() : Health.down();
        builder.withDetail("backend", h.backend()).withDetail("latencyMillis", h.latency().toMillis());
        if (!h.up() && h.detail() != null) {
            builder.withDetail("detail", h.detail());
        }
        return builder.build();
    }
}
