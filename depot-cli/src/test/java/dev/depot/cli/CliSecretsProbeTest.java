package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command never prints a password or an API key, also when the command line is wrong: a URL given
 * without {@code --url}, a misspelt option carrying a URL, a URL the backend refuses, a copy or sync
 * from an unreachable database, a schema print with a bad parameter.
 */
class CliSecretsProbeTest {
    private static final String SECRET = "S3cr3tPw";

    private static CommandLineRun run(String... args) {
        CommandLineRun r = new CommandLineRun();
        r.execute(args);
        return r;
    }

    private static void clean(CommandLineRun r, String what) {
        assertThat(r.out.toString()).as(what + " (stdout)").doesNotContain(SECRET);
        assertThat(r.err.toString()).as(what + " (stderr)").doesNotContain(SECRET);
    }

    @Test
    void aUrlGivenWithoutUrlOrUnderAMisspeltOptionIsNotEchoed() {
        String url = "postgresql://u:" + SECRET + "@127.0.0.1:5432/x";
        for (List<String> args : List.of(
                List.of("serve", url),
                List.of("serve", "--urll=" + url),
                List.of("serve", "--URL", url),
                List.of("serve", "--port", "0", "--url", "memory:", url),
                List.of("copy", url, "memory:", url),
                List.of("blobs", "sync", url, "memory:", "--bukket=" + url),
                List.of("schema", "--print", url, "--collection", "x string", url),
                List.of(url))) {
            CommandLineRun r = new CommandLineRun();
            assertThat(r.execute(args.toArray(String[]::new))).as(args.toString().replace(SECRET, "***")).isEqualTo(2);
            clean(r, args.getFirst());
        }
        CommandLineRun typo = run("serve", "--urll=" + url);
        assertThat(typo.err.toString()).as("still says what is wrong").contains("--urll").contains("--url");
    }

    @Test
    void anApiKeyUnderAMisspeltOptionIsNotEchoed() {
        CommandLineRun r = run("serve", "--api-key", SECRET + " admin *");
        clean(r, "--api-key");
        CommandLineRun eq = run("serve", "--apikeys=" + SECRET + " admin *");
        clean(eq, "--apikeys=");
    }

    @Test
    void failingOpensAndBadParametersDoNotShowThePassword() {
        clean(run("serve", "--port", "0", "--url", "postgresql://u:" + SECRET + "@127.0.0.1:1/x?connectTimeout=1s&poolTimeout=1s"),
                "serve on a refused port");
        clean(run("serve", "--port", "0", "--url", "postgres://u:" + SECRET + "@127.0.0.1/x?poolsize=3"), "unknown parameter");
        clean(run("serve", "--port", "0", "--url", "postgresq://u:" + SECRET + "@127.0.0.1/x"), "unknown scheme");
        clean(run("serve", "--port", "0", "--url", "postgresql:u:" + SECRET + "@127.0.0.1/x"), "no //");
        clean(run("copy", "postgresql://127.0.0.1:1/x?user=u&password=" + SECRET + "&connectTimeout=1s&poolTimeout=1s", "memory:"),
                "copy from a refused port");
        clean(run("blobs", "sync", "mariadb://u:" + SECRET + "@127.0.0.1:1/x?connectTimeout=1s&poolTimeout=1s", "memory:"),
                "sync from a refused port");
        clean(run("schema", "--print", "postgresql://u:" + SECRET + "@h/x?bogus=1", "--collection", "x string"), "schema");
        clean(run("serve", "--help"), "serve --help");
    }
}
