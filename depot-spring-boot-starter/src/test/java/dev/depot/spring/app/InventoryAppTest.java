package dev.depot.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.micrometer.DepotMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.SpringBootTest;

/** The whole application boots with the starter: depot, health and meters, as a user would get them. */
@SpringBootTest(properties = "depot.url=memory:inventory-app")
class InventoryAppTest {
    @Autowired
    Depot depot;

    @Autowired
    ItemService service;

    @Autowired
    HealthContributorRegistry health;

    @Autowired
    MeterRegistry meters;

    @Test
    void injectsTheConfiguredDepotWritesReadsReportsHealthAndMeters() {
        assertThat(depot.toString()).isEqualTo("Depot[memory:inventory-app]");

        service.add("sku-1", "bolt", 3);
        service.add("sku-2", "nut", 50);
        service.take("sku-1", 1);
        assertThat(service.find("sku-1")).hasValueSatisfying(i -> assertThat(i.stock()).isEqualTo(2));
        assertThat(service.lowStock(10)).extracting(Item::sku).containsExactly("sku-1");

        Health h = ((HealthIndicator) health.getContributor("depot")).health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("backend", "memory");

        assertThat(meters.get(DepotMetrics.OPERATIONS).tags("collection", "items", "kind", "write", "outcome", "ok")
                .timer().count()).as("two inserts and the update in take()").isEqualTo(3);
        assertThat(meters.get(DepotMetrics.OPERATIONS).tags("collection", DepotMetrics.NO_COLLECTION, "kind", "commit")
                .timer().count()).isEqualTo(1);
        assertThat(meters.get(DepotMetrics.RECORDS).tag("collection", "items").gauge().value()).isEqualTo(2);
    }
}
