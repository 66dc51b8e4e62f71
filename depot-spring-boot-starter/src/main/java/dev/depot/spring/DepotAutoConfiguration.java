package dev.depot.spring;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link Depot} bean, opened from {@code depot.url} (else {@code DEPOT_URL}, {@code
 * DATABASE_URL}, else {@code memory:} with a warning) with the {@code depot.*} settings and every
 * {@link DepotOptionsCustomizer}, and closed with the context. An application that defines its own
 * {@code Depot} bean gets none.
 */
@AutoConfiguration
@ConditionalOnClass(Depot.class)
@EnableConfigurationProperties(DepotProperties.class)
public class DepotAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Depot depot(DepotProperties properties, Environment environment,
            ObjectProvider<DepotOptionsCustomizer> customizers) {
        return Depot.open(DepotUrlResolver.resolve(properties, environment), options(properties, customizers));
    }

    /** The options every way of opening the depot shares: properties, then customizers in order. */
    static DepotOptions options(DepotProperties properties, ObjectProvider<DepotOptionsCustomizer> customizers) {
        DepotOptions options = properties.toOptions();
        for (DepotOptionsCustomizer c : customizers.orderedStream().toList()) {
            options = c.customize(options);
        }
        return options;
    }
}
