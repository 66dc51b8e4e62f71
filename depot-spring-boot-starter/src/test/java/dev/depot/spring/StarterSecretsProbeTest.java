package dev.depot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The starter never shows a password: not in a failed start's exception chain and stack trace (what
 * Spring prints as "APPLICATION FAILED TO START"), not in the log, not in the depot bean's
 * {@code toString()}, not in the health details.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterSecretsProbeTest {
    private static final String SECRET = "S3cr3tPw";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DepotAutoConfiguration.class, DepotHealthAutoConfiguration.class,
                    DepotMetricsAutoConfiguration.class));

    @Test
    void failedStartsShowNoPassword(CapturedOutput output) {
        for (String url : List.of(
                "postgresql://u:" + SECRET + "@127.0.0.1:1/x?connectTimeout=1s",
                "mariadb://127.0.0.1/x?user=u&password=" + SECRET,
                "postgresq://u:" + SECRET + "@h/x",
                "h2:mem:starter;PASSWORD=" + SECRET + "?bogus=1",
                "h2:mem:starter?password=" + SECRET,
                "postgresql:u:" + SECRET + "@h/x")) {
            for (String property : List.of("depot.url=" + url, "DEPOT_URL=" + url, "DATABASE_URL=" + url)) {
                runner.withPropertyValues(property).run(context -> {
                    assertThat(context).as(url.replace(SECRET, "***")).hasFailed();
                    StringWriter trace = new StringWriter();
                    context.getStartupFailure().printStackTrace(new PrintWriter(trace));
                    assertThat(trace.toString()).as(url.replace(SECRET, "***")).doesNotContain(SECRET);
                });
            }
        }
        assertThat(output.getAll()).doesNotContain(SECRET);
    }

    @Test
    void aRunningDepotShowsNoPassword(CapturedOutput output) {
        runner.withPropertyValues("depot.url=h2:mem:starter-ok;PASSWORD=" + SECRET).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Depot.class).toString()).doesNotContain(SECRET);
            HealthIndicator health = context.getBean(HealthIndicator.class);
            assertThat(String.valueOf(health.health())).doesNotContain(SECRET);
        });
        assertThat(output.getAll()).doesNotContain(SECRET);
    }
}
