package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** URL forms, parameters, and that a password never shows in text, messages or causes. */
class JdbcSettingsTest {
    private static final String SECRET = "hunter2-sekret";

    private static JdbcSettings parse(String url) {
        return JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
    }

    @Test
    void postgresUrlWithCredentialsAndParameters() {
        JdbcSettings s = parse("postgresql://app:" + SECRET + "%40x@db.example:6543/shop?poolSize=5&tablePrefix=app_&ssl=true");

        assertThat(s.dialect()).isInstanceOf(PostgresDialect.class);
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/shop?sslmode=require");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password()).isEqualTo(SECRET + "@x");
        assertThat(s.poolSize()).isEqualTo(5);
        assertThat(s.tablePrefix()).isEqualTo("app_");
        assertThat(s.durable()).isTrue();
        assertThat(s.toString()).doesNotContain(SECRET).contains("app:***@db.example");
    }

    @Test
    void defaultsPortsPoolAndPrefix() {
        JdbcSettings pg = parse("postgres://u@localhost/db");
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db");
        assertThat(pg.password()).isNull();
        assertThat(pg.poolSize()).isEqualTo(DepotOptions.defaults().poolSize());
        assertThat(pg.tablePrefix()).isEqualTo("depot_");

        assertThat(parse("mysql://root@127.0.0.1/test").jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/test");
        assertThat(parse("mariadb://root@[::1]:3307/test").jdbcUrl()).isEqualTo("jdbc:mariadb://[::1]:3307/test");
        assertThat(parse("mysql://root@127.0.0.1/test").dialect()).isInstanceOf(MariaDbDialect.class);
    }

    @Test
    void hostedDatabaseUrlsWithSslmodeWork() {
        assertThat(parse("postgres://u:" + SECRET + "@db.example:5432/d1?sslmode=verify-full").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example:5432/d1?sslmode=verify-full");
        assertThatThrownBy(() -> parse("postgres://u@h/d?sslmode=maybe")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("mariadb://u@h/d?sslmode=prefer")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void embeddedForms() {
        JdbcSettings mem = parse("h2:mem:shop?poolSize=2");
        assertThat(mem.jdbcUrl()).as("dropped when the last depot on it closes").startsWith("jdbc:h2:mem:shop;")
                .doesNotContain("DB_CLOSE_DELAY");
        assertThat(mem.durable()).isFalse();
        assertThat(mem.poolSize()).isEqualTo(2);
        assertThat(parse("h2:file:./data/app").jdbcUrl()).startsWith("jdbc:h2:file:./data/app;");
        assertThat(parse("h2:file:./data/app").durable()).isTrue();
        // H2's own write delay unless the URL sets one (CrashDurabilityProbeTest opts in to ;WRITE_DELAY=0)
        assertThat(parse("h2:file:./data/app").jdbcUrl()).doesNotContain("WRITE_DELAY");
        assertThat(parse("h2:file:./data/app;WRITE_DELAY=0").jdbcUrl()).startsWith("jdbc:h2:file:./data/app;WRITE_DELAY=0;");
        assertThat(parse("sqlite:/tmp/app.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/app.db");
        // sqlx's DATABASE_URL forms: relative after sqlite://, absolute after sqlite:///
        assertThat(parse("sqlite://./app.db").jdbcUrl()).isEqualTo("jdbc:sqlite:./app.db");
        assertThat(parse("sqlite://app.db").jdbcUrl()).isEqualTo("jdbc:sqlite:app.db");
        assertThat(parse("sqlite:///tmp/app.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/app.db");
        assertThatThrownBy(() -> parse("sqlite://")).isInstanceOf(IllegalArgumentException.class);
        assertThat(parse("h2:mem:").jdbcUrl()).as("a private database").startsWith("jdbc:h2:mem:depot-");
    }

    @Test
    void badUrlsAreRejectedWithoutThePassword() {
        assertThatThrownBy(() -> parse("postgresql://u:" + SECRET + "@h/db?poolsize=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolsize").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> parse("postgresql://u:" + SECRET + "@h/db?poolSize=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> parse("postgresql://u:" + SECRET + "@h/db?tablePrefix=Bad-"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> parse("postgresql://u:" + SECRET + "@h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> parse("h2:tcp://x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("sqlite:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("sqlite:/tmp/x.db?ssl=true")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void timeoutsHaveServiceDefaultsAndAreConfigurable() {
        Timeouts d = parse("postgresql://u@h/db").timeouts();
        assertThat(d).isEqualTo(new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(35), Duration.ofSeconds(30), Duration.ofSeconds(5)));

        JdbcSettings s = parse("postgresql://u@h/db?connectTimeout=2s&socketTimeout=1m&statementTimeout=1500ms&poolTimeout=3s");
        assertThat(s.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMillis(1500),
                Duration.ofSeconds(3)));
        assertThat(s.connectionProperties()).containsEntry("connectTimeout", "2").containsEntry("socketTimeout", "60")
                .containsEntry("options", "-c statement_timeout=1500").doesNotContainKey("password").doesNotContainKey("user");
        assertThat(parse("mariadb://u@h/db?statementTimeout=2s").timeouts().socket()).as("statement + 5 s").isEqualTo(Duration.ofSeconds(7));
        assertThat(parse("mariadb://u@h/db?socketTimeout=2500ms").connectionProperties()).containsEntry("socketTimeout", "2500");
        assertThat(parse("h2:mem:t?statementTimeout=2s").jdbcUrl()).contains(";LOCK_TIMEOUT=2000;QUERY_TIMEOUT=2000");
        assertThat(parse("sqlite:/tmp/x.db?statementTimeout=2s").connectionProperties()).containsEntry("busy_timeout", "2000");

        for (String bad : List.of("5", "0s", "-1s", "5h", "s", "1.5s")) {
            assertThatThrownBy(() -> parse("postgresql://u:" + SECRET + "@h/db?socketTimeout=" + bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socketTimeout").hasMessageNotContaining(SECRET);
        }
    }

    @Test
    void passwordsMayHoldAnyCharacterRawOrEncoded() {
        JdbcSettings raw = parse("postgresql://app:p/a@s?s#w:o%zz+ é@db.example:6543/shop?poolSize=2");
        assertThat(raw.user()).isEqualTo("app");
        assertThat(raw.password()).isEqualTo("p/a@s?s#w:o%zz+ é");
        assertThat(raw.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/shop");
        assertThat(raw.poolSize()).isEqualTo(2);
        assertThat(raw.toString()).isEqualTo("postgresql://app:***@db.example:6543/shop?poolSize=2");

        JdbcSettings encoded = parse("mariadb://a%40b:p%2Fa%40s%3F%2B%20%C3%A9@127.0.0.1/test");
        assertThat(encoded.user()).isEqualTo("a@b");
        assertThat(encoded.password()).isEqualTo("p/a@s?+ é");
        assertThat(encoded.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/test");
    }

    @Test
    void anUnreachableServerIsUnavailableAndNothingLeaksTheCredential() {
        // Port 1 refuses at once, on every machine.
        assertThatThrownBy(() -> Depot.open("postgresql://app:" + SECRET + "@127.0.0.1:1/db"))
                .isInstanceOf(BackendUnavailableException.class)
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(SECRET))
                .satisfies(e -> assertThat(e.getCause()).isNotNull());
        assertThatThrownBy(() -> Depot.open("mariadb://app:" + SECRET + "@127.0.0.1:1/db"))
                .isInstanceOf(BackendUnavailableException.class)
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(SECRET));
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
