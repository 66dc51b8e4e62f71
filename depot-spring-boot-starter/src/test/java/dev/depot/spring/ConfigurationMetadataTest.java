package dev.depot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** IDEs complete depot.* only if the build really ran the configuration processor. */
class ConfigurationMetadataTest {
    @Test
    void theJarDescribesEveryDepotProperty() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("spring-configuration-metadata.json was generated").isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(json).contains("\"depot.url\"", "\"depot.pool-size\"", "\"depot.change-retention.max-age\"",
                "\"depot.change-retention.max-events\"", "\"depot.metrics.enabled\"", "\"depot.metrics.stats-refresh\"",
                "\"management.health.depot.enabled\"", "\"depot.table-prefix\"", "\"depot.ddl\"", "\"depot.origin\"", "\"depot.migrate\"");
    }
}
