package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BackendUnavailableException;
import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.sql.Statement;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The server enforces statementTimeout: a long statement is cancelled, reported as unavailable, and the depot goes on. */
class StatementTimeoutTest {

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, "SELECT pg_sleep(5)"),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, "SELECT COUNT(*) FROM information_schema.columns a, information_schema.columns b, information_schema.columns c"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aStatementOverItsTimeoutIsCancelledByTheServer(String name, Supplier<String> server, String slow) {
        String url = TestDatabases.fresh(server.get(), "stt_") + "&statementTimeout=1s";
        JdbcBackend backend = JdbcBackend.open(JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults()), DepotOptions.defaults());
        try {
            assertThatThrownBy(() -> backend.read("running a slow statement", c -> {
                try (Statement s = c.createStatement()) {
                    return s.execute(slow);
                }
            })).isInstanceOf(BackendUnavailableException.class).hasMessageContaining("did not answer in time");
            assertThat(backend.health().up()).isTrue();
        } finally {
            backend.close();
            TestDatabases.dropTables(server.get(), "stt_");
        }
    }
}
