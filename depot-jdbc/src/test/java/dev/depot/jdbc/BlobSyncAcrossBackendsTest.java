package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BlobEntry;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ListOptions;
import dev.depot.SyncOptions;
import dev.depot.SyncOptions.SyncProgress;
import dev.depot.SyncReport;
import dev.depot.WriteOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Blobs#sync} between each SQL database and the two other kinds of backend, memory and
 * {@code file:}, in each direction: a dry run that changes nothing, then a sync with an error in the
 * middle that copies the rest, then a second sync that finds everything equal (etags compare across
 * backends) and deletes the extraneous. (Memory to SQL and back is also in the kit, on every database.)
 */
class BlobSyncAcrossBackendsTest {
    private static final String PREFIX = "tcksync_";

    @TempDir
    Path files;

    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        Map<String, TestDatabases.UrlSource> databases = Map.of(
                "h2", TestDatabases::h2Mem,
                "sqlite", TestDatabases::sqlite,
                "postgresql", () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX),
                "mariadb", () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX));
        for (String db : List.of("h2", "sqlite", "postgresql", "mariadb")) {
            for (String other : List.of("memory", "file")) {
                out.add(Arguments.of(db + " -> " + other, databases.get(db), other, true));
                out.add(Arguments.of(other + " -> " + db, databases.get(db), other, false));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void dryRunThenAnErrorInTheMiddleThenInSync(String name, TestDatabases.UrlSource sql, String other, boolean sqlIsSource)
            throws IOException {
        String url = sql.url();
        String otherUrl = other.equals("memory") ? "memory:" : "file:" + Files.createDirectories(files.resolve("d")) + "?fsync=false";
        try (Depot database = Depot.open(url); Depot peer = Depot.open(otherUrl, DepotOptions.defaults())) {
            Blobs source = (sqlIsSource ? database : peer).blobs("sync");
            Blobs target = (sqlIsSource ? peer : database).blobs("sync");
            byte[] big = new byte[3 * (1 << 20) + 7]; // several SQL chunks
            new Random(7).nextBytes(big);
            source.put("a", utf8("a"), WriteOptions.contentType("text/plain").metadata("owner", "ann"));
            source.put("big/blob.bin", big);
            source.put("m", utf8("m is a blob here"));
            source.put("z", utf8("z"));
            target.put("m/inside", utf8("m is a directory there"));
            target.put("extra", utf8("only in the target"));

            SyncReport dry = Blobs.sync(source, target, SyncOptions.defaults().deletingExtraneous().asDryRun());
            assertThat(dry.dryRun()).isTrue();
            assertThat(dry.copied()).isEqualTo(4); // a dry run does not try the copy that would fail
            assertThat(paths(target)).as("a dry run changes nothing").containsExactly("extra", "m/inside");

            List<SyncProgress> progress = new ArrayList<>();
            SyncReport report = Blobs.sync(source, target, SyncOptions.defaults().onProgress(progress::add));
            assertThat(report.copied()).isEqualTo(3);
            assertThat(report.bytesCopied()).isEqualTo(1 + big.length + 1);
            assertThat(report.errors()).extracting(SyncReport.Error::path).containsExactly("m");
            assertThat(progress).extracting(SyncProgress::path).containsExactly("a", "big/blob.bin", "m", "z");
            assertThat(progress).extracting(SyncProgress::action).containsExactly(SyncReport.Action.COPIED,
                    SyncReport.Action.COPIED, SyncReport.Action.FAILED, SyncReport.Action.COPIED);
            assertThat(target.get("big/blob.bin")).isEqualTo(big);
            assertThat(target.stat("a").orElseThrow().metadata()).isEqualTo(Map.of("owner", "ann"));
            assertThat(target.stat("a").orElseThrow().contentType()).isEqualTo("text/plain");

            target.delete("m/inside");
            target.rmdir("m");
            SyncReport second = Blobs.sync(source, target, SyncOptions.defaults().deletingExtraneous());
            assertThat(second).isEqualTo(new SyncReport(1, 3, 1, 16, List.of(), false));
            assertThat(paths(target)).containsExactly("a", "big/blob.bin", "m", "z");
            for (String p : List.of("a", "big/blob.bin", "m", "z")) {
                assertThat(target.stat(p).orElseThrow().etag()).as(p).isEqualTo(source.stat(p).orElseThrow().etag());
            }
        } finally {
            if (url.contains("tablePrefix=")) {
                TestDatabases.release(url, PREFIX);
            }
        }
    }

    private static List<String> paths(Blobs blobs) {
        return blobs.list(ListOptions.all()).items().stream().map(BlobEntry::path).toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
