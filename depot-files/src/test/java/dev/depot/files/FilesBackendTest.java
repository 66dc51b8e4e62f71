package dev.depot.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.ListOptions;
import dev.depot.NotFoundException;
import dev.depot.PathConflictException;
import dev.depot.WriteOptions;
import dev.depot.spi.ContentHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only {@code file:} promises: real files, readable sidecars, temp files, links, recovery. */
class FilesBackendTest {
    private final Path dir = TempDirs.create("backend");

    @AfterEach
    void cleanUp() {
        TempDirs.delete(dir);
    }

    private Depot open() {
        return Depot.open("file:" + dir);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void blobsAreRealFilesWithAReadableSidecar() throws IOException {
        try (Depot depot = open()) {
            BlobInfo info = depot.blobs("uploads").put("reports/q3 ü.txt", utf8("quarter"),
                    WriteOptions.contentType("text/plain").metadata("owner", "ann"));

            assertThat(Files.readString(dir.resolve("blobs/uploads/reports/q3 ü.txt"))).isEqualTo("quarter");
            String sidecar = Files.readString(dir.resolve("meta/uploads/reports/q3 ü.txt"));
            assertThat(sidecar).contains("\"etag\" : \"" + info.etag() + "\"", "\"contentType\" : \"text/plain\"",
                    "\"owner\" : \"ann\"", "\"size\" : 7");
            assertThat(info.etag()).isEqualTo(ContentHash.of(utf8("quarter")));
        }
        try (Depot again = open()) {
            assertThat(again.blobs("uploads").get("reports/q3 ü.txt")).as("durable").isEqualTo(utf8("quarter"));
            assertThat(again.stats().blobs()).containsKey("uploads");
        }
    }

    @Test
    void migrationsNeedRecordsWhichThisBackendLacks() {
        try (Depot depot = open()) {
            assertThatThrownBy(() -> depot.migrate(dev.depot.Migration.of("001-a", tx -> {})))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(depot::migrations).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aFilePutThereByHandIsABlobWithAComputedEtag() throws IOException {
        try (Depot depot = open()) {
            Files.createDirectories(dir.resolve("blobs/hand/in"));
            Files.writeString(dir.resolve("blobs/hand/in/note.txt"), "by hand");

            BlobInfo info = depot.blobs("hand").stat("in/note.txt").orElseThrow();
            assertThat(info.etag()).isEqualTo(ContentHash.of(utf8("by hand")));
            assertThat(info.contentType()).isEqualTo(WriteOptions.DEFAULT_CONTENT_TYPE);
            assertThat(depot.blobs("hand").get("in/note.txt")).isEqualTo(utf8("by hand"));
        }
    }

    @Test
    void symbolicLinksAreNeverFollowed() throws IOException {
        Path outside = TempDirs.create("outside");
        try (Depot depot = open()) {
            Files.writeString(outside.resolve("secret.txt"), "outside the root");
            Blobs blobs = depot.blobs("links");
            blobs.put("keep", utf8("k"));
            Files.createSymbolicLink(dir.resolve("blobs/links/escape"), outside);
            Files.createSymbolicLink(dir.resolve("blobs/links/file-link"), outside.resolve("secret.txt"));

            assertThatThrownBy(() -> blobs.get("escape/secret.txt")).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> blobs.get("file-link")).isInstanceOf(NotFoundException.class);
            assertThat(blobs.stat("file-link")).isEmpty();
            assertThatThrownBy(() -> blobs.put("escape/new.txt", utf8("x"))).isInstanceOf(PathConflictException.class);
            assertThatThrownBy(() -> blobs.put("file-link", utf8("x"))).isInstanceOf(PathConflictException.class);
            assertThat(blobs.list(ListOptions.prefix("").delimiter("/")).items()).extracting(e -> e.path()).containsExactly("keep");
            assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("outside the root");
            try (Stream<Path> s = Files.list(outside)) {
                assertThat(s.toList()).hasSize(1);
            }
        } finally {
            TempDirs.delete(outside);
        }
    }

    @Test
    void tempFilesAreNeverListedAndAreDeletedAtOpen() throws IOException {
        try (Depot depot = open()) {
            BlobOutputStream out = depot.blobs("t").write("pending");
            out.write(new byte[100_000]);
            try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
                assertThat(s.toList()).as("the upload streams into tmp/").hasSize(1);
            }
            assertThat(depot.blobs("t").list(ListOptions.all()).items()).isEmpty();
            Files.writeString(dir.resolve("tmp/stray.data"), "left by a crash");
            out.abort();
        }
        try (Depot depot = open()) {
            try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
                assertThat(s.toList()).isEmpty();
            }
        }
    }

    @Test
    void anAbandonedStreamIsCleanedUpWhenUnreachable() throws Exception {
        try (Depot depot = open()) {
            abandon(depot.blobs("t"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // hang guard only
            while (tempFiles() > 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(tempFiles()).as("the cleaner deleted the abandoned upload's temp file").isZero();
            assertThat(depot.blobs("t").exists("abandoned")).isFalse();
        }
    }

    private static void abandon(Blobs blobs) throws IOException {
        BlobOutputStream out = blobs.write("abandoned");
        out.write(new byte[10_000]);
    }

    private long tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            return s.count();
        }
    }

    @Test
    void aCommitRecordLeftByACrashIsRolledForwardAtOpen() throws IOException {
        try (Depot depot = open()) {
            depot.blobs("r").put("a/old", utf8("old"));
        }
        // The state a crash leaves right after the commit point: temp content and sidecar, and the record.
        byte[] content = utf8("new content");
        BlobInfo info = new BlobInfo("a/new", content.length, ContentHash.of(content), "text/plain", Map.of("k", "v"),
                java.time.Instant.parse("2030-01-01T00:00:00Z"), java.time.Instant.parse("2030-01-01T00:00:00Z"));
        Files.write(dir.resolve("tmp/x.data"), content);
        Files.write(dir.resolve("tmp/x.meta"), Sidecar.encode(info));
        Files.writeString(dir.resolve("tmp/x.commit"),
                "[[\"tmp/x.data\",\"blobs/r/a/new\"],[\"tmp/x.meta\",\"meta/r/a/new\"]]");
        // And one a crash left before its commit point: must vanish.
        Files.write(dir.resolve("tmp/y.data"), utf8("never published"));

        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("r");
            assertThat(blobs.get("a/new")).isEqualTo(content);
            assertThat(blobs.stat("a/new").orElseThrow()).isEqualTo(info);
            assertThat(blobs.get("a/old")).isEqualTo(utf8("old"));
            assertThat(blobs.list(ListOptions.all()).items()).hasSize(2);
        }
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void urlsAreCheckedAndTheDirectoryIsCreated() {
        assertThatThrownBy(() -> Depot.open("file:")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> Depot.open("file:" + dir + "?sync=maybe")).isInstanceOf(IllegalArgumentException.class);
        try (Depot depot = Depot.open("file://" + dir.resolve("nested/new") + "?fsync=false")) {
            depot.blobs("b").put("x", utf8("x"));
            assertThat(Files.exists(dir.resolve("nested/new/blobs/b/x"))).isTrue();
            assertThat(depot.health().up()).isTrue();
            assertThat(depot.toString()).contains("file:");
        }
    }

    @Test
    void twoDepotsOfOneJvmShareTheDirectory() {
        try (Depot a = open(); Depot b = open()) {
            a.blobs("s").put("p", utf8("from a"));
            assertThat(b.blobs("s").get("p")).isEqualTo(utf8("from a"));
        }
    }

    /**
     * {@code file:} has no queues (the kit's queue tests are skipped here, as it has no records
     * either): opening, listing and dropping one are refused naming the capability, a bad name first.
     */
    @Test
    void queuesAreRefusedNamingTheCapability() {
        try (Depot depot = open()) {
            assertThatThrownBy(() -> depot.queue("jobs")).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("QUEUES");
            assertThatThrownBy(depot::queues).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("QUEUES");
            assertThatThrownBy(() -> depot.dropQueue("jobs")).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("QUEUES");
            assertThatThrownBy(() -> depot.dropQueue("Bad")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'Bad'");
        }
    }
}
