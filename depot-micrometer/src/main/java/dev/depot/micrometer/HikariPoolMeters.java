package dev.depot.micrometer;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;

/**
 * HikariCP's own Micrometer meters ({@code hikaricp.connections}, {@code .active}, {@code .idle},
 * {@code .pending}, {@code .timeout}, {@code .acquire}, {@code .usage}, …, tagged {@code pool} with the
 * pool's name, e.g. {@code depot-postgresql-1}), switched on for a pool. Loaded only when HikariCP is on
 * the class path, so depot-micrometer works without it.
 */
final class HikariPoolMeters {
    static final boolean PRESENT = present();

    private HikariPoolMeters() {}

    /** Whether the meters were switched on: false if this is no Hikari pool or it already has a tracker. */
    static boolean bind(DataSource pool, MeterRegistry registry) {
        if (!(pool instanceof HikariDataSource hikari) || hikari.isClosed()) {
            return false;
        }
        if (hikari.getMetricsTrackerFactory() != null || hikari.getMetricRegistry() != null) {
            return false; // someone else instruments it (Hikari allows one tracker per pool)
        }
        // Hikari registers the meters on the running pool and removes them when the pool closes.
        hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        return true;
    }

    private static boolean present() {
        try {
            Class.forName("com.zaxxer.hikari.HikariDataSource", false, HikariPoolMeters.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
