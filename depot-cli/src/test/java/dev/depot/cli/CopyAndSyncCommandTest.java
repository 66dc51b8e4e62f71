package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Schema;
import dev.depot.server.DepotServer;
import dev.depot.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** {@code depot copy} and {@code depot blobs sync}, on real depots (memory, SQLite, H2, files). */
class CopyAndSyncCommandTest {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cmd = DepotCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** Declares and fills a collection through a real server, as a user of depot serve would. */
    static void populate(Depot depot, int records) throws Exception {
        try (DepotServer server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(100)))) {
            HttpClient c = HttpClient.newHttpClient();
            c.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/collections/players")).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"key\": \"/id\", \"indexes\": [{\"name\": \"score\", \"type\": \"long\", \"pointer\": \"/score\"}]}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            for (int i = 0; i < records; i++) {
                HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/collections/players/records/p" + i))
                        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"id\": \"p" + i + "\", \"score\": " + i + "}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
            }
        }
    }

    @Test
    void copyCarriesDeclarationsRecordsAndBlobsAndIsSafeToRepeat() throws Exception {
        try (Depot source = Depot.open("memory:"); Depot target = Depot.open("memory:")) {
            populate(source, 2500);
            source.blobs("docs").put("a/one.txt", "one".getBytes(StandardCharsets.UTF_8));
            source.blobs("docs").put("two.txt", "two".getBytes(StandardCharsets.UTF_8));
            source.blobs("img").put("x.png", new byte[5000]);

            CopyCommand.Summary s = CopyCommand.copy(source, target, new Progress(new PrintWriter(out), false));
            assertThat(s.collections).isEqualTo(2); // the catalog and players
            assertThat(s.records).isEqualTo(2501);
            assertThat(s.sync.copied()).isEqualTo(3);
            assertThat(out.toString()).isEmpty(); // no bar off a terminal

            List<Schema<String, JsonNode>> schemas = DepotServer.declaredSchemas(target);
            assertThat(schemas).extracting(Schema::name).contains("players");
            Schema<String, JsonNode> players = schemas.stream().filter(x -> x.name().equals("players")).findFirst().orElseThrow();
            assertThat(target.records(players).count()).isEqualTo(2500);
            assertThat(target.records(players).query().where(dev.depot.Q.field("score").ge(2400L)).count()).isEqualTo(100);
            assertThat(target.blobs("docs").get("a/one.txt")).isEqualTo("one".getBytes(StandardCharsets.UTF_8));

            CopyCommand.Summary again = CopyCommand.copy(source, target, new Progress(new PrintWriter(out), false));
            assertThat(again.records).isEqualTo(2501);
            assertThat(again.sync.copied()).isZero();
            assertThat(again.sync.skipped()).isEqualTo(3);
            assertThat(target.records(players).count()).isEqualTo(2500);
        }
    }

    @Test
    void copyFromSqliteToH2ThroughTheCommandLine(@TempDir Path dir) throws Exception {
        String from = "sqlite:" + dir.resolve("src.db");
        String to = "h2:file:" + dir.resolve("dst");
        try (Depot source = Depot.open(from)) {
            populate(source, 50);
        }
        assertThat(run("copy", from, to)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("2 collection(s), 51 record(s)");
        try (Depot target = Depot.open(to)) {
            Schema<String, JsonNode> players = DepotServer.declaredSchemas(target).stream()
                    .filter(x -> x.name().equals("players")).findFirst().orElseThrow();
            assertThat(target.records(players).get("p49").orElseThrow().get("score").asInt()).isEqualTo(49);
        }
        out.getBuffer().setLength(0);
        assertThat(run("copy", from, "file:" + dir.resolve("files"))).as(err.toString()).isZero(); // as JSON Lines files
        assertThat(out.toString()).contains("2 collection(s), 51 record(s)");
        assertThat(dir.resolve("files").resolve("blobs").resolve(ExportBucket.BUCKET).resolve("collections/players.jsonl")).exists();
    }

    @Test
    void blobsSyncDryRunChangesNothingThenSyncsAndDeletes(@TempDir Path dir) {
        String a = "file:" + dir.resolve("a");
        String b = "file:" + dir.resolve("b");
        try (Depot da = Depot.open(a); Depot db = Depot.open(b)) {
            da.blobs("docs").put("keep.txt", "k".getBytes(StandardCharsets.UTF_8));
            da.blobs("docs").put("new.txt", "n".getBytes(StandardCharsets.UTF_8));
            db.blobs("docs").put("keep.txt", "k".getBytes(StandardCharsets.UTF_8));
            db.blobs("docs").put("stale.txt", "s".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(run("blobs", "sync", a, b, "--dry-run", "--delete")).isZero();
        assertThat(out.toString()).contains("docs: would copy 1").contains("would delete 1").contains("1 unchanged");
        try (Depot db = Depot.open(b)) {
            assertThat(db.blobs("docs").exists("new.txt")).isFalse();
            assertThat(db.blobs("docs").exists("stale.txt")).isTrue();
        }
        assertThat(run("blobs", "sync", a, b, "--delete")).isZero();
        try (Depot db = Depot.open(b)) {
            assertThat(db.blobs("docs").get("new.txt")).isEqualTo("n".getBytes(StandardCharsets.UTF_8));
            assertThat(db.blobs("docs").exists("stale.txt")).isFalse();
        }
    }

    @Test
    void progressDrawsOnATerminalOnly() {
        StringWriter bar = new StringWriter();
        Progress p = new Progress(new PrintWriter(bar), true);
        p.show("docs", 5, 10, null);
        p.end();
        assertThat(bar.toString()).contains("[###############               ] 5/10");
        StringWriter none = new StringWriter();
        Progress off = new Progress(new PrintWriter(none), false);
        off.show("docs", 5, 10, null);
        off.end();
        assertThat(none.toString()).isEmpty();
    }
}
