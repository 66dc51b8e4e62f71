package dev.depot.spring;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Migration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A {@link Depot} bean, closed with the context, opened with the {@code depot.*} settings and every
 * {@link DepotOptionsCustomizer}. Where it lives: {@code depot.url} (or {@code DEPOT_URL}); else,
 * when the application has one {@link DataSource} bean and depot-jdbc is on the class path, that
 * DataSource ({@code JdbcDepots.open(dataSource, …)}, with {@code depot.table-prefix} and
 * {@code depot.ddl}; the pool stays the application's and outlives the depot); else
 * {@code DATABASE_URL}; else {@code memory:} with a warning. The pool Depot builds for a SQL URL goes
 * through every {@link DepotPoolCustomizer}. Every {@link Migration} bean is applied to it, in id
 * order, before any other bean gets it ({@code depot.migrate=false} turns that off). An application
 * that defines its own {@code Depot} bean gets none of this, and migrates its depot itself.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(Depot.class)
@EnableConfigurationProperties(DepotProperties.class)
public class DepotAutoConfiguration {

    /** Registered before the URL bean below (member classes come first), which then backs off. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.depot.jdbc.JdbcDepots")
    @ConditionalOnSingleCandidate(DataSource.class)
    static class OnDataSource {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        Depot depot(DepotProperties properties, Environment environment, DataSource dataSource,
                ObjectProvider<DepotOptionsCustomizer> customizers, ObjectProvider<DepotPoolCustomizer> pools,
                ObjectProvider<Migration> migrations) {
            DepotOptions options = options(properties, customizers);
            String url = DepotUrlResolver.explicit(properties, environment);
            if (url != null) {
                return StartupMigrations.apply(open(url, properties, options, pools), properties, migrations);
            }
            // The DataSource is a parameter, so Spring closes the depot before the pool.
            return StartupMigrations.apply(SqlDepots.open(dataSource, properties.dataSourceParameters(), options),
                    properties, migrations);
        }
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Depot depot(DepotProperties properties, Environment environment,
            ObjectProvider<DepotOptionsCustomizer> customizers, ObjectProvider<DepotPoolCustomizer> pools,
            ObjectProvider<Migration> migrations) {
        Depot depot = open(DepotUrlResolver.resolve(properties, environment), properties, options(properties, customizers), pools);
        return StartupMigrations.apply(depot, properties, migrations);
    }

    static Depot open(String url, DepotProperties properties, DepotOptions options, ObjectProvider<DepotPoolCustomizer> pools) {
        if (!properties.dataSourceParameters().isEmpty()) {
            // Silently ignoring them would put the tables somewhere the application did not ask for.
            throw new IllegalStateException("depot.table-prefix and depot.ddl apply to a depot on the application's DataSource;"
                    + " the depot is opened from a URL here, so put tablePrefix= and ddl= in depot.url instead");
        }
        List<DepotPoolCustomizer> each = pools.orderedStream().toList();
        return each.isEmpty() || !SqlDepots.PRESENT ? Depot.open(url, options) : SqlDepots.open(url, options, each);
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
