package dev.depot.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Schema;
import dev.depot.micrometer.DepotMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

class DepotAutoConfigurationTest {
    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DepotAutoConfiguration.class, DepotHealthAutoConfiguration.class,
                    DepotMetricsAutoConfiguration.class));

    @Test
    void opensAPrivateMemoryDepotWhenNothingNamesOne() {
        assumeTrue(System.getenv("DEPOT_URL") == null && System.getenv("DATABASE_URL") == null,
                "DEPOT_URL or DATABASE_URL is set in this environment");
        runner.run(context -> {
            assertThat(context).hasSingleBean(Depot.class);
            assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:]");
        });
    }

    @Test
    void depotUrlWinsOverDepotUrlVariableWhichWinsOverDatabaseUrl() {
        runner.withPropertyValues("depot.url=memory:from-property", "DEPOT_URL=memory:from-env",
                "DATABASE_URL=memory:from-database-url").run(context ->
                assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:from-property]"));
        runner.withPropertyValues("DEPOT_URL=memory:from-env", "DATABASE_URL=memory:from-database-url").run(context ->
                assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:from-env]"));
        runner.withPropertyValues("DATABASE_URL=memory:from-database-url", "depot.url= ").run(context ->
                assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:from-database-url]"));
    }

    @Test
    void bindsPropertiesIntoTheOptionsThenAppliesCustomizersInOrder() {
        runner.withPropertyValues("depot.pool-size=3", "depot.change-retention.max-age=2h",
                        "depot.change-retention.max-events=500", "depot.origin=orders-1")
                .withUserConfiguration(RecordingCustomizers.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(Depot.class);
                    List<DepotOptions> seen = context.getBean(RecordingCustomizers.class).seen;
                    assertThat(seen).hasSize(2);
                    DepotOptions first = seen.get(0);
                    assertThat(first.poolSize()).isEqualTo(3);
                    assertThat(first.changeRetentionAge()).isEqualTo(Duration.ofHours(2));
                    assertThat(first.changeRetentionEvents()).isEqualTo(500);
                    assertThat(first.origin()).isEqualTo("orders-1");
                    assertThat(context.getBean(Depot.class).origin()).isEqualTo("orders-1");
                    assertThat(seen.get(1).poolSize()).as("the first customizer ran before the second").isEqualTo(4);
                });
    }

    @Test
    void anInvalidOriginFailsStartupNamingIt() {
        runner.withPropertyValues("depot.origin=two words").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("origin must be");
        });
    }

    @Test
    void anInvalidSettingFailsStartupNamingIt() {
        runner.withPropertyValues("depot.pool-size=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("poolSize must be >= 1");
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnDepot() {
        runner.withUserConfiguration(OwnDepot.class).run(context -> {
            assertThat(context).hasSingleBean(Depot.class);
            assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:own]");
        });
    }

    @Test
    void closesTheDepotWithTheContext() {
        List<Depot> opened = new ArrayList<>();
        runner.run(context -> opened.add(context.getBean(Depot.class)));
        assertThat(opened.getFirst().health().up()).isFalse();
        assertThat(opened.getFirst().health().detail()).isEqualTo("closed");
    }

    @Test
    void healthIndicatorReportsTheDepot() {
        runner.run(context -> {
            HealthIndicator indicator = context.getBean("depotHealthIndicator", HealthIndicator.class);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            assertThat(indicator.health().getDetails()).containsEntry("backend", "memory").containsKey("latencyMillis");
            context.getBean(Depot.class).close();
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(indicator.health().getDetails()).containsEntry("detail", "closed");
        });
    }

    @Test
    void healthIndicatorCanBeTurnedOffOrIsAbsentWithoutBootHealth() {
        runner.withPropertyValues("management.health.depot.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("depotHealthIndicator"));
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health."))
                .run(context -> {
                    assertThat(context).hasSingleBean(Depot.class);
                    assertThat(context).doesNotHaveBean("depotHealthIndicator");
                });
    }

    @Test
    void metersAppearWhenTheApplicationHasARegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(DepotMetrics.class);
            context.getBean(Depot.class).records(NOTES).insert(new Note("n1", "hello"));
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(DepotMetrics.OPERATIONS).tags("collection", "notes", "kind", "write", "outcome", "ok")
                    .timer().count()).isEqualTo(1);
            assertThat(registry.get(DepotMetrics.RECORDS).tag("collection", "notes").gauge().value()).isEqualTo(1);
        });
    }

    @Test
    void noMetersWithoutARegistryOrWhenTurnedOffOrWithoutDepotMicrometer() {
        runner.run(context -> assertThat(context).doesNotHaveBean(DepotMetrics.class));
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("depot.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DepotMetrics.class));
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withClassLoader(new FilteredClassLoader("dev.depot.micrometer."))
                .run(context -> {
                    assertThat(context).hasSingleBean(Depot.class);
                    assertThat(context).doesNotHaveBean(DepotMetrics.class);
                });
    }

    @Test
    void anOwnDepotStillGetsTheGauges() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withUserConfiguration(OwnDepot.class).run(context -> {
            context.getBean(Depot.class).records(NOTES).insert(new Note("n1", "hello"));
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(DepotMetrics.RECORDS).tag("collection", "notes").gauge().value()).isEqualTo(1);
        });
    }

    @Test
    void appliesMigrationBeansInIdOrderBeforeTheDepotIsHandedOut() {
        runner.withUserConfiguration(Migrations.class).run(context -> {
            Depot depot = context.getBean(Depot.class);
            assertThat(depot.migrations()).extracting(dev.depot.AppliedMigration::id)
                    .containsExactly("001-greet", "002-amend");
            assertThat(depot.records(NOTES).get("n1")).contains(new Note("n1", "hello, amended"));
        });
    }

    @Test
    void depotMigrateFalseLeavesMigrationsToTheApplication() {
        runner.withUserConfiguration(Migrations.class).withPropertyValues("depot.migrate=false").run(context -> {
            assertThat(context.getBean(Depot.class).migrations()).isEmpty();
            assertThat(context.getBean(Depot.class).records(NOTES).count()).isZero();
        });
    }

    @Test
    void aFailingMigrationFailsStartupNamingIt() {
        List<Depot> opened = new ArrayList<>();
        runner.withUserConfiguration(Migrations.class)
                .withBean("broken", dev.depot.Migration.class, () -> dev.depot.Migration.of("003-broken", tx -> {
                    opened.add(null);
                    throw new IllegalStateException("broken on purpose");
                }))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessage("broken on purpose");
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("migration '003-broken'");
                });
        assertThat(opened).as("the broken step ran once").hasSize(1);
    }

    /** Declared out of order on purpose: the starter applies them by id. */
    @Configuration(proxyBeanMethods = false)
    static class Migrations {
        @Bean
        dev.depot.Migration amend() {
            return dev.depot.Migration.of("002-amend", tx -> {
                var notes = tx.records(NOTES);
                Note n = notes.get("n1").orElseThrow();
                notes.save(new Note(n.id(), n.text() + ", amended"));
            });
        }

        @Bean
        dev.depot.Migration greet() {
            return dev.depot.Migration.of("001-greet", tx -> tx.records(NOTES).insert(new Note("n1", "hello")));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDepot {
        @Bean(destroyMethod = "close")
        Depot myDepot() {
            Depot depot = Depot.open("memory:own");
            depot.records(NOTES);
            return depot;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordingCustomizers {
        final List<DepotOptions> seen = new ArrayList<>();

        @Bean
        @Order(2)
        DepotOptionsCustomizer second() {
            return options -> {
                seen.add(options);
                return options;
            };
        }

        @Bean
        @Order(1)
        DepotOptionsCustomizer first() {
            return options -> {
                seen.add(options);
                return options.poolSize(4);
            };
        }
    }
}
