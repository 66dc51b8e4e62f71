package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Schema;
import dev.depot.jdbc.JdbcDepots;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code depot schema --print}: the script is exactly {@link JdbcDepots#ddl}'s, and bad input is named. */
class SchemaCommandTest {
    record Player(UUID id, String name, String email, long score, Instant joined) {}

    /** What the spec line {@code players uuid name:string email:string:unique score:long joined:instant} declares in Java. */
    static final Schema<UUID, Player> PLAYERS = Schema.of("players", UUID.class, Player.class).key(Player::id)
            .index("name", String.class, Player::name)
            .uniqueIndex("email", String.class, Player::email)
            .index("score", Long.class, Player::score)
            .index("joined", Instant.class, Player::joined)
            .build();
    static final Schema<Long, Player> ORDERS = Schema.of("orders", Long.class, Player.class).key(p -> 1L).build();

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    int run(String... args) {
        CommandLine cmd = DepotCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** The statements of the script: its non-comment text split at the ';' ending each statement. */
    static List<String> statements(String script) {
        String body = script.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n");
        return List.of(body.split(";\n")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void printsWhatJdbcDepotsDdlReturnsForASpecFile() throws Exception {
        Path spec = Files.writeString(dir.resolve("collections.txt"), """
                # the shop's collections
                players uuid name:string email:string:unique score:long joined:instant

                orders long   # no index yet
                """);
        String url = "postgresql://app:s3cret@db:5432/shop?tablePrefix=shop_";
        assertThat(run("schema", "--print", url, "--collections-from", spec.toString())).as(err.toString()).isZero();
        assertThat(statements(out.toString())).isEqualTo(JdbcDepots.ddl(url, PLAYERS, ORDERS));
        assertThat(out.toString()).as("the password is never printed").doesNotContain("s3cret")
                .contains("shop_c_players").contains("shop_c_orders").contains("CREATE UNIQUE INDEX");
    }

    @Test
    void takesInlineLinesAndTheMariaDbDialect() {
        String url = "mariadb://root@db/shop";
        assertThat(run("schema", "--print", url, "--collection", "orders long")).isZero();
        assertThat(statements(out.toString())).isEqualTo(JdbcDepots.ddl(url, ORDERS));
        assertThat(out.toString()).contains("depot_c_orders").contains("ENGINE");
    }

    @Test
    void refusesBadInputNamingWhatWasWrong() throws Exception {
        Path spec = Files.writeString(dir.resolve("bad.txt"), "players uuid\nscores uuid score:int\n");
        assertThat(run("schema", "--print", "postgresql://db/app", "--collections-from", spec.toString())).isNotZero();
        assertThat(err.toString()).contains("bad.txt line 2").contains("index 'score' has type 'int'").contains("long");
        assertThat(out.toString()).isEmpty();

        err.getBuffer().setLength(0);
        assertThat(run("schema", "--print", "postgresql://db/app", "--collection", "players text")).isNotZero();
        assertThat(err.toString()).contains("--collection #1").contains("key type 'text'");

        err.getBuffer().setLength(0);
        assertThat(run("schema", "--print", "postgresql://db/app", "--collection", "players uuid", "--collection", "players long"))
                .isNotZero();
        assertThat(err.toString()).contains("collection 'players' is given twice");

        err.getBuffer().setLength(0);
        assertThat(run("schema", "--print", "postgresql://db/app", "--collection", "Players uuid")).isNotZero();
        assertThat(err.toString()).contains("invalid collection name 'Players'");

        err.getBuffer().setLength(0);
        assertThat(run("schema", "--print", "postgresql://db/app")).isNotZero();
        assertThat(err.toString()).contains("no collections");

        err.getBuffer().setLength(0);
        assertThat(run("schema", "--print", "postgresql://u:pw@db/app", "--collections-from", dir.resolve("none.txt").toString()))
                .isNotZero();
        assertThat(err.toString()).contains("no file").doesNotContain("pw@");

        err.getBuffer().setLength(0);
        assertThat(run("schema", "--print", "memory:", "--collection", "players uuid")).isNotZero();
        assertThat(err.toString()).containsIgnoringCase("memory");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void printIsRequired() {
        assertThat(run("schema", "postgresql://db/app", "--collection", "players uuid")).isNotZero();
        assertThat(err.toString()).contains("--print");
    }
}
