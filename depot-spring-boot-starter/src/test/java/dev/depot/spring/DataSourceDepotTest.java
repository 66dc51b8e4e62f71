package dev.depot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Schema;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter's depot on the application's own DataSource (an H2 one here), and pool meters for a SQL URL. */
class DataSourceDepotTest {
    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DepotAutoConfiguration.class, DepotHealthAutoConfiguration.class,
                    DepotMetricsAutoConfiguration.class));

    /** An H2 database that lives until the JVM ends, so the test can look at it after the context closed. */
    private static JdbcDataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:spring-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    private static boolean tableExists(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, table.toUpperCase(), null)) {
            return rs.next();
        }
    }

    @Test
    void opensTheDepotOnTheApplicationsDataSourceWithPrefixFromProperties() {
        JdbcDataSource ds = h2();
        runner.withBean(DataSource.class, () -> ds).withPropertyValues("depot.table-prefix=shop_").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Depot.class);
            Depot depot = context.getBean(Depot.class);
            assertThat(depot.toString()).contains("DataSource");
            depot.records(NOTES).save(new Note("n1", "hello"));
            assertThat(tableExists(ds, "shop_c_notes")).as("the depot's table is in the application's database").isTrue();
            assertThat(context.getBean(org.springframework.boot.health.contributor.HealthIndicator.class).health().getStatus().getCode())
                    .isEqualTo("UP");
        });
        assertThat(ds).as("the DataSource is the application's: it still serves after the context closed")
                .satisfies(d -> assertThat(tableExists(d, "shop_c_notes")).isTrue());
    }

    @Test
    void ddlValidateOnTheDataSourceFailsStartupNamingWhatIsMissing() {
        runner.withBean(DataSource.class, DataSourceDepotTest::h2).withPropertyValues("depot.ddl=validate").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("ddl=validate")
                    .hasMessageContaining("depot_meta");
        });
        runner.withBean(DataSource.class, DataSourceDepotTest::h2).withPropertyValues("depot.ddl=sometimes").run(context ->
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("ddl must be create, validate or none"));
    }

    @Test
    void depotUrlWinsOverTheDataSource() {
        runner.withBean(DataSource.class, DataSourceDepotTest::h2).withPropertyValues("depot.url=memory:named").run(context ->
                assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:named]"));
        runner.withBean(DataSource.class, DataSourceDepotTest::h2).withPropertyValues("DEPOT_URL=memory:env").run(context ->
                assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:env]"));
        runner.withBean(DataSource.class, DataSourceDepotTest::h2).withPropertyValues("DATABASE_URL=memory:heroku").run(context ->
                assertThat(context.getBean(Depot.class).toString()).as("the DataSource wins over DATABASE_URL")
                        .contains("DataSource"));
    }

    @Test
    void dataSourceSettingsBesideAUrlFailStartupInsteadOfBeingIgnored() {
        runner.withPropertyValues("depot.url=memory:", "depot.table-prefix=shop_").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("depot.table-prefix")
                    .hasMessageContaining("tablePrefix= and ddl= in depot.url");
        });
        runner.withBean(DataSource.class, DataSourceDepotTest::h2).withPropertyValues("depot.url=memory:", "depot.ddl=validate")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void withoutDepotJdbcTheDataSourceIsNotUsed() {
        runner.withClassLoader(new FilteredClassLoader(dev.depot.jdbc.JdbcDepots.class)).withBean(DataSource.class, DataSourceDepotTest::h2)
                .withPropertyValues("depot.url=memory:plain").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:plain]");
                });
    }

    @Test
    void twoDataSourcesWithoutAPrimaryLeaveTheChoiceToDepotUrl() {
        runner.withBean("one", DataSource.class, DataSourceDepotTest::h2).withBean("two", DataSource.class, DataSourceDepotTest::h2)
                .withPropertyValues("DATABASE_URL=memory:fallback").run(context ->
                        assertThat(context.getBean(Depot.class).toString()).isEqualTo("Depot[memory:fallback]"));
    }

    @Test
    void thePoolDepotBuildsForASqlUrlPublishesHikariMeters() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("depot.url=h2:mem:", "depot.pool-size=4")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(Depot.class).records(NOTES).save(new Note("n", "x"));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("hikaricp.connections.max").gauge()).isNotNull()
                            .satisfies(g -> assertThat(g.value()).isEqualTo(4.0));
                    assertThat(registry.find("depot.operations").timers()).isNotEmpty();
                });
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(DataSource.class, DataSourceDepotTest::h2)
                .run(context -> assertThat(context.getBean(MeterRegistry.class).find("hikaricp.connections.max").gauge())
                        .as("the application's own pool is the application's to instrument").isNull());
    }
}
