package dev.depot.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BlobEntry;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.ListOptions;
import dev.depot.spi.ContentHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile root: symbolic links planted in Depot's own areas ({@code meta/}, {@code tmp/}) that point
 * outside the root, foreign files, files changed behind Depot's back, paths differing only by case or
 * Unicode normalisation. Nothing outside the root may ever be read, written or deleted.
 */
class FileHostileRootProbeTest {
    private Path dir;
    private Path outside;

    @BeforeEach
    void createDirectories() {
        // Here, not in field initialisers: a disabled test's instance is made too, and its @AfterEach does not run.
        dir = TempDirs.create("hostile");
        outside = TempDirs.create("hostile-outside");
    }

    @AfterEach
    void cleanUp() throws IOException {
        TempDirs.delete(dir);
        TempDirs.delete(outside);
    }

    private Depot open() {
        return Depot.open("file:" + dir + "?fsync=false");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every file under {@code outside} with its content: must not change. */
    private Map<String, String> outsideTree() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(outside)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p)) {
                    out.put(outside.relativize(p).toString(), Files.readString(p));
                }
            }
        }
        return out;
    }

    /** Replaces the real directory {@code meta/<bucket>/<sub>} by a link to {@code outside}. */
    private void linkMeta(String bucketAndSub) throws IOException {
        Path m = dir.resolve("meta").resolve(bucketAndSub);
        TempDirs.delete(m);
        Files.createDirectories(m.getParent());
        Files.createSymbolicLink(m, outside);
    }

    @Test
    void deletingABlobNeverDeletesAFileOutsideTheRootThroughALinkInMeta() throws IOException {
        Files.writeString(outside.resolve("victim"), "precious");
        Map<String, String> before = outsideTree();
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            blobs.put("esc/victim", utf8("blob"));
            linkMeta("b/esc");
            assertThat(blobs.delete("esc/victim")).isTrue();
            assertThat(blobs.exists("esc/victim")).isFalse();
        }
        assertThat(outsideTree()).as("files outside the root").isEqualTo(before);
    }

    @Test
    void writingABlobNeverPutsASidecarOutsideTheRootThroughALinkInMeta() throws IOException {
        Map<String, String> before = outsideTree();
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            blobs.mkdir("esc");
            linkMeta("b/esc");
            try {
                blobs.put("esc/new", utf8("new blob"));
            } catch (RuntimeException refused) {
                // refusing is fine; writing outside is not
            }
            try {
                blobs.put("esc/other", utf8("x"));
                blobs.move("esc/other", "esc/moved");
            } catch (RuntimeException refused) {
                // idem
            }
        }
        assertThat(outsideTree()).as("files outside the root").isEqualTo(before);
    }

    @Test
    void writingABlobNeverPutsASidecarOutsideTheRootThroughALinkedBucketInMeta() throws IOException {
        Map<String, String> before = outsideTree();
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            linkMeta("b");
            try {
                blobs.put("new", utf8("new blob"));
            } catch (RuntimeException refused) {
                // refusing is fine; writing outside is not
            }
        }
        assertThat(outsideTree()).as("files outside the root").isEqualTo(before);
    }

    @Test
    void removingADirectoryNeverDeletesATreeOutsideTheRootThroughALinkInMeta() throws IOException {
        Files.createDirectories(outside.resolve("y"));
        Files.writeString(outside.resolve("y/keep1"), "one");
        Files.writeString(outside.resolve("y/keep2"), "two");
        Map<String, String> before = outsideTree();
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            blobs.put("x/y/z", utf8("z")); // makes meta/b/x
            blobs.delete("x/y/z");
            linkMeta("b/x");
            blobs.rmdir("x/y");
            assertThat(blobs.list(ListOptions.prefix("x/").delimiter("/")).items()).isEmpty();
        }
        assertThat(outsideTree()).as("files outside the root").isEqualTo(before);
    }

    @Test
    void aLinkedSidecarIsNotReadFromOutsideTheRoot() throws IOException {
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            blobs.put("esc/f", utf8("content"));
            Path real = dir.resolve("meta/b/esc/f");
            Files.copy(real, outside.resolve("f"));
            Files.writeString(outside.resolve("f"),
                    Files.readString(outside.resolve("f")).replace("application/octet-stream", "text/evil"));
            linkMeta("b/esc");
            assertThat(blobs.stat("esc/f").orElseThrow().contentType()).as("metadata read through a link out of the root")
                    .isEqualTo("application/octet-stream");
            // The sidecar file itself a link to the crafted one outside: not read either.
            blobs.put("g", utf8("content"));
            Files.delete(dir.resolve("meta/b/g"));
            Files.writeString(outside.resolve("g"), Files.readString(outside.resolve("f")).replace("esc/f", "g"));
            Files.createSymbolicLink(dir.resolve("meta/b/g"), outside.resolve("g"));
            assertThat(blobs.stat("g").orElseThrow().contentType()).as("a sidecar that is a link out of the root")
                    .isEqualTo("application/octet-stream");
            assertThat(blobs.list(ListOptions.all()).items()).extracting(BlobEntry::path).contains("g");
        }
    }

    @Test
    void openingNeverEmptiesADirectoryOutsideTheRootThatTmpLinksTo() throws IOException {
        Files.writeString(outside.resolve("document.txt"), "someone's work");
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("tmp"), outside);
        Map<String, String> before = outsideTree();
        try (Depot depot = open()) {
            depot.blobs("b").put("a", utf8("a"));
        } catch (RuntimeException refused) {
            // refusing to open such a root is fine
        }
        assertThat(outsideTree()).as("files outside the root").isEqualTo(before);
    }

    @Test
    void foreignFilesInTheRootAreLeftAloneAndNotBlobs() throws IOException {
        Files.createDirectories(dir.resolve("blobs"));
        Files.writeString(dir.resolve("README.txt"), "mine");
        Files.writeString(dir.resolve("blobs/stray-file"), "not a bucket");
        Files.createDirectories(dir.resolve("blobs/Not_A_Bucket"));
        Files.writeString(dir.resolve("blobs/Not_A_Bucket/x"), "foreign");
        Files.createDirectories(dir.resolve("meta/b/ghost"));
        Files.writeString(dir.resolve("meta/b/ghost/sidecar"), "{not json");
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            blobs.put("ghost/sidecar", utf8("real")); // a garbage sidecar is replaced
            assertThat(blobs.stat("ghost/sidecar").orElseThrow().etag()).isEqualTo(ContentHash.of(utf8("real")));
            assertThat(depot.stats().blobs()).containsOnlyKeys("b");
            depot.clear();
            assertThat(blobs.list(ListOptions.all()).items()).isEmpty();
        }
        assertThat(Files.readString(dir.resolve("README.txt"))).isEqualTo("mine");
        assertThat(Files.readString(dir.resolve("blobs/stray-file"))).isEqualTo("not a bucket");
        assertThat(Files.readString(dir.resolve("blobs/Not_A_Bucket/x"))).isEqualTo("foreign");
    }

    /**
     * The state a kill leaves between delete's two steps (content gone, sidecar not yet): the orphaned
     * sidecar {@code meta/b/a} must not stop a later blob under {@code a/}, nor one at {@code a} whose
     * sidecar directory holds orphans.
     */
    @Test
    void aSidecarOrphanedByACrashedDeleteDoesNotBlockWritingBelowIt() throws IOException {
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            blobs.put("a", utf8("old"));
            blobs.put("c/d", utf8("old"));
        }
        Files.delete(dir.resolve("blobs/b/a")); // killed after deleting the content
        Files.delete(dir.resolve("blobs/b/c/d"));
        Files.delete(dir.resolve("blobs/b/c")); // and the directory removed by hand
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            assertThat(blobs.exists("a")).isFalse();
            blobs.put("a/b", utf8("new"));
            assertThat(blobs.get("a/b")).isEqualTo(utf8("new"));
            blobs.put("c", utf8("new c"));
            blobs.move("c", "a/c");
            assertThat(blobs.get("a/c")).isEqualTo(utf8("new c"));
            assertThat(blobs.list(ListOptions.all()).items()).extracting(BlobEntry::path).containsExactly("a/b", "a/c");
        }
    }

    /** {@code chattr +i} / {@code -i}: an immutable directory refuses renames into it, even to root; false if unsupported. */
    private static boolean immutable(Path p, boolean on) {
        try {
            Process c = new ProcessBuilder("chattr", on ? "+i" : "-i", p.toString()).redirectErrorStream(true).start();
            c.getInputStream().readAllBytes();
            return c.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A replace (and a move) whose rename fails after its commit record landed (here: the target
     * directory refuses renames; in life EACCES, EPERM, ENOSPC, EIO) must change nothing: not then,
     * and not at the next open, where a commit record left behind would be rolled forward over what
     * was written meanwhile (a stale sidecar on newer content, or a newer blob moved away).
     */
    @Test
    void aReplaceOrMoveThatFailsAtItsRenameChangesNothingNowOrAtTheNextOpen() throws IOException {
        Path bucketDir = dir.resolve("blobs/b/d");
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            blobs.put("d/doc", utf8("AAAA"), dev.depot.WriteOptions.contentType("text/a"));
            blobs.put("d/src", utf8("source"));
            org.junit.jupiter.api.Assumptions.assumeTrue(immutable(bucketDir, true), "chattr +i is not available here");
            try {
                try {
                    blobs.put("d/doc", utf8("CCCC"), dev.depot.WriteOptions.contentType("text/c"));
                } catch (RuntimeException expected) {
                    // the rename was refused
                }
                try {
                    blobs.move("d/src", "d/moved");
                } catch (RuntimeException expected) {
                    // idem
                }
            } finally {
                immutable(bucketDir, false);
            }
            assertThat(blobs.get("d/doc")).isEqualTo(utf8("AAAA"));
            assertThat(blobs.stat("d/doc").orElseThrow().contentType()).isEqualTo("text/a");
            blobs.put("d/doc", utf8("BBBB"), dev.depot.WriteOptions.contentType("text/b"));
            blobs.put("d/src", utf8("newer source"));
        }
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            assertThat(blobs.get("d/doc")).isEqualTo(utf8("BBBB"));
            assertThat(blobs.stat("d/doc").orElseThrow().contentType()).as("sidecar of the last write").isEqualTo("text/b");
            assertThat(blobs.stat("d/doc").orElseThrow().etag()).isEqualTo(ContentHash.of(utf8("BBBB")));
            assertThat(blobs.get("d/src")).as("the newer blob stays where it was written").isEqualTo(utf8("newer source"));
            assertThat(blobs.exists("d/moved")).isFalse();
        }
    }

    @Test
    void aHardLinkToAFileOutsideIsReplacedNotWrittenThrough() throws IOException {
        Files.writeString(outside.resolve("shared"), "outside content");
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            blobs.put("h", utf8("x"));
            Files.delete(dir.resolve("blobs/b/h"));
            Files.createLink(dir.resolve("blobs/b/h"), outside.resolve("shared"));
            blobs.put("h", utf8("replaced"));
            blobs.delete("h");
        }
        assertThat(Files.readString(outside.resolve("shared"))).isEqualTo("outside content");
    }

    @Test
    void pathsDifferingByCaseOrNormalisationAreDistinctBlobs() {
        String nfc = Normalizer.normalize("caf\u00e9", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize("caf\u00e9", Normalizer.Form.NFD);
        List<String> paths = List.of("Dir/A", "dir/a", "dir/A", nfc + "/x", nfd + "/x", "a".repeat(255) + "/" + "b".repeat(255));
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("b");
            for (String p : paths) {
                blobs.put(p, utf8("content of " + p));
            }
            for (String p : paths) {
                assertThat(blobs.get(p)).as(p).isEqualTo(utf8("content of " + p));
                assertThat(blobs.stat(p).orElseThrow().path()).isEqualTo(p);
            }
            assertThat(blobs.list(ListOptions.all()).items()).extracting(BlobEntry::path).containsExactlyInAnyOrderElementsOf(paths);
            blobs.delete(nfd + "/x");
            assertThat(blobs.exists(nfc + "/x")).isTrue();
        }
    }
}
