package dev.depot.spring;

import dev.depot.Depot;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code depot} health indicator, when Spring Boot's health support ({@code spring-boot-health},
 * brought by the actuator) is present; {@code management.health.depot.enabled=false} turns it off.
 */
@AutoConfiguration(after = DepotAutoConfiguration.class)
@ConditionalOnClass({Depot.class, HealthIndicator.class})
@ConditionalOnSingleCandidate(Depot.class)
public class DepotHealthAutoConfiguration {

    // On the method, not the class: its condition class lives in spring-boot-health, so it may only
    // be read once @ConditionalOnClass has seen that module is there.
    @Bean
    @ConditionalOnEnabledHealthIndicator("depot")
    @ConditionalOnMissingBean(name = "depotHealthIndicator")
    public DepotHealthIndicator depotHealthIndicator(Depot depot) {
        return new DepotHealthIndicator(depot);
    }
}
