package dev.depot.spring;

import dev.depot.Depot;
import dev.depot.Migration;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The application's {@link Migration} beans, applied to the auto-configured depot before any bean
 * receives it — as Flyway's auto-configuration migrates before the DataSource is used. Applied in id
 * order (bean order depends on how configurations are found; ids are the one order a reader sees),
 * unless {@code depot.migrate=false}. A failure closes the depot and fails startup.
 */
final class StartupMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(DepotAutoConfiguration.class);

    private StartupMigrations() {}

    static Depot apply(Depot depot, DepotProperties properties, ObjectProvider<Migration> beans) {
        List<Migration> steps = beans.stream().sorted(Comparator.comparing(Migration::id)).toList();
        if (steps.isEmpty() || !properties.isMigrate()) {
            return depot;
        }
        try {
            List<String> applied = depot.migrate(steps);
            LOG.info("Depot migrations: {} of {} applied now {}", applied.size(), steps.size(), applied);
            return depot;
        } catch (RuntimeException e) {
            try {
                depot.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }
}
