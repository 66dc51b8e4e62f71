package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.io.PrintWriter;
import java.io.StringWriter;
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
        assertThatThrownBy(() -> parse("mariadb://u@h/d?sslmode=require")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void embeddedForms() {
        JdbcSettings mem = parse("h2:mem:shop?poolSize=2");
        assertThat(mem.jdbcUrl()).startsWith("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1");
        assertThat(mem.durable()).isFalse();
        assertThat(mem.poolSize()).isEqualTo(2);
        assertThat(parse("h2:file:./data/app").jdbcUrl()).startsWith("jdbc:h2:file:./data/app;");
        assertThat(parse("h2:file:./data/app").durable()).isTrue();
        assertThat(parse("sqlite:/tmp/app.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/app.db");
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
