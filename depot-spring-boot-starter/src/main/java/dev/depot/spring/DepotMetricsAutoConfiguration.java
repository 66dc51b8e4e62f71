package dev.depot.spring;

import dev.depot.Depot;
import dev.depot.micrometer.DepotMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Depot's Micrometer meters ({@link DepotMetrics}), when {@code depot-micrometer} is on the class
 * path and the application has a {@link MeterRegistry}; {@code depot.metrics.enabled=false} turns
 * them off. The auto-configured depot reports to them; a depot the application defines itself gets
 * the gauges, and the timers too if it was opened with {@code DepotMetrics} as its observer.
 */
@AutoConfiguration(
        before = DepotAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
        })
@ConditionalOnClass({Depot.class, DepotMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "depot.metrics", name = "enabled", matchIfMissing = true)
public class DepotMetricsAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DepotMetrics depotMetrics(MeterRegistry registry, DepotProperties properties) {
        return new DepotMetrics(registry, properties.getMetrics().getStatsRefresh());
    }

    @Bean
    public DepotOptionsCustomizer depotMetricsObserver(DepotMetrics metrics) {
        return metrics::applyTo;
    }

    /** HikariCP's pool meters for the pool Depot builds for a SQL URL (not for the application's DataSource). */
    @Bean
    public DepotPoolCustomizer depotPoolMeters(DepotMetrics metrics) {
        return metrics::bindPool;
    }

    /** Binds the gauges once every singleton, the depot included, exists. */
    @Bean
    public SmartInitializingSingleton depotMetricsBinding(DepotMetrics metrics, ObjectProvider<Depot> depot) {
        return () -> depot.ifUnique(metrics::bindTo);
    }
}
