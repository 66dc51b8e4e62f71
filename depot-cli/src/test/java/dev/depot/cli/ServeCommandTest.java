package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code depot serve} argument handling, with a fake starter: no port is bound, no database opened. */
class ServeCommandTest {
    record Started(String url, ServerConfig config) {}

    final List<Started> started = new ArrayList<>();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(Map<String, String> env, String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == ServeCommand.class) {
                    return cls.cast(new ServeCommand(env, (url, config) -> {
                        started.add(new Started(url, config));
                        return new ServeCommand.Running() {
                            @Override
                            public String url() {
                                return "http://" + config.host() + ":" + (config.port() == 0 ? 41234 : config.port());
                            }

                            @Override
                            public void close() {}
                        };
                    }, false));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cmd = new CommandLine(new DepotCommand(), factory);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void memoryByDefaultPrintsTheUrlAndOneEphemeralLine() {
        assertThat(run(Map.of(), "serve")).isZero();
        assertThat(started).containsExactly(new Started("memory:", ServerConfig.of("127.0.0.1", 8080)));
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("http://127.0.0.1:8080");
        assertThat(lines.get(1)).contains("memory").contains("lost");
    }

    @Test
    void urlComesFromTheOptionThenDepotUrlThenDatabaseUrl() {
        Map<String, String> env = Map.of("DEPOT_URL", "sqlite:/tmp/x.db", "DATABASE_URL", "postgresql://u:secret@h/db");
        run(env, "serve", "--url", "h2:mem:a", "--port", "0", "--host", "0.0.0.0");
        run(env, "serve");
        run(Map.of("DATABASE_URL", "postgresql://u:secret@h/db"), "serve");
        run(Map.of("DEPOT_URL", "  ", "DATABASE_URL", ""), "serve");
        assertThat(started).extracting(Started::url)
                .containsExactly("h2:mem:a", "sqlite:/tmp/x.db", "postgresql://u:secret@h/db", "memory:");
        assertThat(started.get(0).config().port()).isZero();
        assertThat(started.get(0).config().host()).isEqualTo("0.0.0.0");
        assertThat(out.toString()).doesNotContain("secret").containsOnlyOnce("lost");
    }

    @Test
    void badArgumentsAreUsageErrorsAndStartNothing() {
        assertThat(run(Map.of(), "serve", "--port", "eighty")).isEqualTo(2);
        assertThat(run(Map.of(), "serve", "--port", "70000")).isEqualTo(2);
        assertThat(run(Map.of(), "serve", "--colour")).isEqualTo(2);
        assertThat(started).isEmpty();
        assertThat(err.toString()).contains("--port").contains("--colour");
    }

    @Test
    void apiKeysComeFromTheOptionOrDepotApiKeysAndAreNeverPrinted() {
        String key = "a-very-secret-key-123";
        assertThat(run(Map.of("DEPOT_API_KEYS", key + " admin *"), "serve")).isZero();
        assertThat(started.getFirst().config().apiKeys().enabled()).isTrue();
        assertThat(out.toString()).contains("1 key(s)").doesNotContain(key);
        assertThat(run(Map.of(), "serve", "--api-keys", key + " owner *")).isEqualTo(2);
        assertThat(err.toString()).contains("role").doesNotContain(key);
        assertThat(started).hasSize(1);
        assertThat(run(Map.of(), "serve", "--max-blob", "0")).isEqualTo(2);
    }

    @Test
    void helpEverywhereAndVersion() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString()).contains("serve").contains("version").contains("copy").contains("blobs").contains("bench");
        assertThat(run(Map.of(), "blobs", "sync", "--help")).isZero();
        assertThat(out.toString()).contains("--dry-run").contains("--delete");
        assertThat(run(Map.of(), "copy", "--help")).isZero();
        assertThat(run(Map.of(), "bench", "--help")).isZero();
        assertThat(run(Map.of(), "serve", "--help")).isZero();
        assertThat(out.toString()).contains("--url").contains("DEPOT_URL");
        assertThat(run(Map.of(), "version", "--help")).isZero();
        out.getBuffer().setLength(0);
        assertThat(run(Map.of(), "version")).isZero();
        assertThat(out.toString()).startsWith("depot 0.1.0-SNAPSHOT");
        assertThat(started).isEmpty();
    }
}
