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
