package dev.depot.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Schema;
import dev.depot.jdbc.JdbcDepots;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The meters of the HikariCP pool a SQL depot builds, published through {@link DepotMetrics#bindPool}. */
class PoolMetersTest {
    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();

    @Test
    void publishesTheDepotsPoolAndRemovesItsMetersOnClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DepotMetrics metrics = new DepotMetrics(registry);
        AtomicReference<DataSource> seen = new AtomicReference<>();
        try (Depot depot = JdbcDepots.open("h2:mem:", metrics.applyTo(DepotOptions.defaults().poolSize(3)), pool -> {
            seen.set(pool);
            assertThat(metrics.bindPool(pool)).as("a Hikari pool without a tracker is bound").isTrue();
        })) {
            for (int i = 0; i < 20; i++) {
                depot.records(NOTES).save(new Note("n" + i, "x"));
            }
            Gauge max = registry.find("hikaricp.connections.max").gauge();
            assertThat(max).as("hikaricp meters are registered").isNotNull();
            assertThat(max.value()).isEqualTo(3.0);
            assertThat(max.getId().getTag("pool")).startsWith("depot-h2-");
            Timer acquire = registry.find("hikaricp.connections.acquire").timer();
            assertThat(acquire).isNotNull();
            assertThat(acquire.count()).as("the depot's calls took connections from the pool").isGreaterThanOrEqualTo(20);
            assertThat(registry.getMeters()).map(m -> m.getId().getTags().toString())
                    .as("no value or key in any tag").noneMatch(t -> t.contains("n1") || t.contains("x]"));
            assertThat(metrics.bindPool(seen.get())).as("a pool is bound once").isFalse();
        }
        assertThat(registry.getMeters()).map(Meter::getId).map(Meter.Id::getName)
                .as("the pool's meters go with the pool").noneMatch(n -> n.startsWith("hikaricp"));
    }

    @Test
    void otherUrlsOpenAsDepotOpenDoesAndAreNotHandedOver() {
        AtomicReference<DataSource> seen = new AtomicReference<>();
        try (Depot depot = JdbcDepots.open("memory:", DepotOptions.defaults(), seen::set)) {
            assertThat(depot.toString()).isEqualTo("Depot[memory:]");
        }
        assertThat(seen.get()).isNull();
        assertThat(new DepotMetrics(new SimpleMeterRegistry()).bindPool(new org.h2.jdbcx.JdbcDataSource()))
                .as("not a Hikari pool: nothing to bind").isFalse();
    }
}
