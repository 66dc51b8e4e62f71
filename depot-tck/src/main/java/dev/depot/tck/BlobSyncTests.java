package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ListOptions;
import dev.depot.SyncOptions;
import dev.depot.SyncOptions.SyncProgress;
import dev.depot.SyncReport;
import dev.depot.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@link Blobs#sync} between the backend under test and a memory depot, in both directions: the
 * backend under test is once the source, once the target.
 */
abstract class BlobSyncTests extends BlobFeatureTests {

    BlobSyncTests(DepotConformanceSuite suite) {
        super(suite);
    }

    /** Runs {@code test(source, target)} both ways between this backend and memory. */
    private void bothWays(BiConsumer<Blobs, Blobs> test) {
        try (Depot memory = Depot.open("memory:", DepotOptions.defaults().clock(clock()))) {
            test.accept(blobs(), memory.blobs("mirror"));
            depot().clear();
            memory.clear();
            test.accept(memory.blobs("mirror"), blobs());
        }
    }

    @Test
    void syncCopiesNewAndChangedBlobsAndSkipsEqualOnes() {
        bothWays((source, target) -> {
            source.put("a", bytes(10, 1), WriteOptions.contentType("text/plain").metadata("owner", "ann"));
            source.put("dir/b", bytes(3 * MIB + 5, 2));
            source.put("dir/empty", new byte[0]);
            target.put("dir/b", bytes(3 * MIB + 5, 3)); // same size, other content

            SyncReport first = Blobs.sync(source, target, SyncOptions.defaults());
            SyncReport second = Blobs.sync(source, target, SyncOptions.defaults());

            assertThat(first).isEqualTo(new SyncReport(3, 0, 0, 10 + 3 * MIB + 5, List.of(), false));
            assertThat(second).isEqualTo(new SyncReport(0, 3, 0, 0, List.of(), false));
            for (String p : List.of("a", "dir/b", "dir/empty")) {
                assertThat(target.get(p)).as(p).isEqualTo(source.get(p));
                assertThat(target.stat(p).orElseThrow().etag()).isEqualTo(source.stat(p).orElseThrow().etag());
            }
            assertThat(target.stat("a").orElseThrow().contentType()).isEqualTo("text/plain");
            assertThat(target.stat("a").orElseThrow().metadata()).isEqualTo(Map.of("owner", "ann"));
        });
    }

    @Test
    void aDryRunReportsAndChangesNothingThenDeleteExtraneous() {
        bothWays((source, target) -> {
            source.put("keep", utf8("k"));
            source.put("p/new", utf8("n"));
            target.put("keep", utf8("k"));
            target.put("p/extra", utf8("e"));
            target.put("outside", utf8("o"));

            SyncReport dry = Blobs.sync(source, target, SyncOptions.defaults().deletingExtraneous().asDryRun());
            assertThat(dry).isEqualTo(new SyncReport(1, 1, 2, 1, List.of(), true));
            assertThat(paths(listAll(target, ListOptions.all()))).containsExactly("keep", "outside", "p/extra");

            SyncReport scoped = Blobs.sync(source, target, SyncOptions.defaults().withPrefix("p/").deletingExtraneous());
            assertThat(scoped).isEqualTo(new SyncReport(1, 0, 1, 1, List.of(), false));
            assertThat(paths(listAll(target, ListOptions.all()))).containsExactly("keep", "outside", "p/new");
        });
    }

    /**
     * A source blob where the target has a directory (with blobs, deeper directories, or empty), and a
     * target blob where the source has a directory: with deletingExtraneous one run makes the target
     * equal to the source, and the next finds nothing to do. Before, the target's blobs under the
     * directory went but the directory stayed, so every run failed on the blob again.
     */
    @Test
    void withDeletingExtraneousADirectoryInTheWayGoesAndOneRunConverges() {
        bothWays((source, target) -> {
            source.put("a/b", utf8("a blob here"));
            source.put("a/b-x", utf8("sorts between a/b and a/b/"));
            source.put("k/x", utf8("k is a directory here"));
            source.put("m", utf8("m is an empty directory there"));
            target.put("a/b/c", utf8("c"));
            target.put("a/b/deep/d", utf8("d"));
            target.mkdir("a/b/empty");
            target.put("a/b-x/y", utf8("y"));
            target.put("k", utf8("k is a blob there"));
            target.mkdir("m");
            long bytes = listAll(source, ListOptions.all()).stream().mapToLong(e -> e.blob().size()).sum();
            List<SyncProgress> progress = new ArrayList<>();

            SyncReport dry = Blobs.sync(source, target, SyncOptions.defaults().deletingExtraneous().asDryRun());
            assertThat(dry).isEqualTo(new SyncReport(4, 0, 4, bytes, List.of(), true));
            assertThat(paths(listAll(target, ListOptions.all()))).as("a dry run changes nothing")
                    .containsExactly("a/b-x/y", "a/b/c", "a/b/deep/d", "k");

            SyncReport first = Blobs.sync(source, target, SyncOptions.defaults().deletingExtraneous().onProgress(progress::add));
            assertThat(first).isEqualTo(new SyncReport(4, 0, 4, bytes, List.of(), false));
            assertThat(paths(listAll(target, ListOptions.all()))).containsExactly("a/b", "a/b-x", "k/x", "m");
            assertThat(paths(listAll(target, ListOptions.all().delimiter("/")))).as("no directory left where a blob is")
                    .containsExactly("a/", "k/", "m");
            for (String p : List.of("a/b", "a/b-x", "k/x", "m")) {
                assertThat(target.get(p)).as(p).isEqualTo(source.get(p));
            }
            assertThat(progress).extracting(SyncProgress::path).containsExactly(
                    "a/b/c", "a/b/deep/d", "a/b", "a/b-x/y", "a/b-x", "k", "k/x", "m");
            assertThat(Blobs.sync(source, target, SyncOptions.defaults().deletingExtraneous()))
                    .isEqualTo(new SyncReport(0, 4, 0, 0, List.of(), false));
        });
    }

    /** Without deletingExtraneous the same conflicts are one clear failure each, the same in a dry run, run after run. */
    @Test
    void withoutDeletingExtraneousAPathInTheWayIsOneClearFailureEachRun() {
        bothWays((source, target) -> {
            source.put("a/b", utf8("a blob here"));
            source.put("k/x", utf8("k is a directory here"));
            source.put("m", utf8("m is an empty directory there"));
            source.put("z", utf8("z"));
            target.put("a/b/c", utf8("c"));
            target.put("k", utf8("k is a blob there"));
            target.mkdir("m");

            List<SyncOptions> runs = List.of(SyncOptions.defaults().asDryRun(), SyncOptions.defaults(), SyncOptions.defaults());
            for (int run = 0; run < runs.size(); run++) {
                SyncReport report = Blobs.sync(source, target, runs.get(run));
                assertThat(report.copied()).as("z copied, run %d", run).isEqualTo(run < 2 ? 1 : 0);
                assertThat(report.deleted()).isZero();
                assertThat(report.errors()).extracting(SyncReport.Error::path).containsExactly("a/b", "k/x", "m");
                assertThat(report.errors().get(0).message()).contains("PathConflictException", "'a/b'", "is a directory",
                        "deletingExtraneous");
                assertThat(report.errors().get(1).message()).contains("PathConflictException", "'k'", "is a blob");
                assertThat(report.errors().get(2).message()).contains("PathConflictException", "'m'", "is a directory");
            }
            assertThat(paths(listAll(target, ListOptions.all()))).containsExactly("a/b/c", "k", "z");
        });
    }

    @Test
    void anErrorInTheMiddleIsReportedAndTheRestIsSynced() {
        bothWays((source, target) -> {
            source.put("a", utf8("a"));
            source.put("m", utf8("m is a blob here"));
            source.put("z", utf8("z"));
            target.put("m/inside", utf8("m is a directory there"));
            List<SyncProgress> progress = new ArrayList<>();

            SyncReport report = Blobs.sync(source, target, SyncOptions.defaults().onProgress(progress::add));

            assertThat(report.copied()).isEqualTo(2);
            assertThat(report.errors()).hasSize(1);
            assertThat(report.errors().get(0).path()).isEqualTo("m");
            assertThat(report.errors().get(0).message()).contains("PathConflictException").doesNotContain("m is a blob");
            assertThat(report.ok()).isFalse();
            assertThat(target.get("a")).isEqualTo(utf8("a"));
            assertThat(target.get("z")).isEqualTo(utf8("z"));
            assertThat(progress).extracting(SyncProgress::path).containsExactly("a", "m", "z");
            assertThat(progress).extracting(SyncProgress::action)
                    .containsExactly(SyncReport.Action.COPIED, SyncReport.Action.FAILED, SyncReport.Action.COPIED);
            assertThat(progress).extracting(SyncProgress::blobsSeen).containsExactly(1L, 2L, 3L);
        });
    }
}
