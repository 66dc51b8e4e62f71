package dev.depot.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.ListOptions;
import dev.depot.PreconditionFailedException;
import dev.depot.SyncOptions;
import dev.depot.SyncReport;
import dev.depot.WriteOptions;
import dev.depot.spi.ContentHash;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code file:}-only probes: a blob's content file edited in place behind Depot's back keeps the size
 * its sidecar records, yet its etag must follow the new content (preconditions, listings and sync
 * rely on it).
 */
class FileBlobProbeTest {
    private final Path dir = TempDirs.create("blobprobe");

    @AfterEach
    void cleanUp() {
        TempDirs.delete(dir);
    }

    private Depot open() {
        return Depot.open("file:" + dir + "?fsync=false");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Overwrites the file's bytes in place (same inode, same size), as an editor or {@code dd
     * conv=notrunc} would, and gives it a modification time one second after the one it had: the
     * kernel's clock, coarse on some file systems, might otherwise give the edit the time of Depot's
     * own write.
     */
    private static void editInPlace(Path file, String content) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(0);
            f.write(utf8(content));
        }
        Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(1)));
    }

    @Test
    void aBlobEditedInPlaceToTheSameSizeGetsTheEtagOfItsNewContent() throws IOException {
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("edits");
            BlobInfo original = blobs.put("docs/a.txt", utf8("version 1"), WriteOptions.contentType("text/plain"));
            editInPlace(dir.resolve("blobs/edits/docs/a.txt"), "version 2");

            String fresh = ContentHash.of(utf8("version 2"));
            assertThat(blobs.stat("docs/a.txt").orElseThrow().etag()).isEqualTo(fresh).isNotEqualTo(original.etag());
            assertThat(blobs.list(ListOptions.prefix("docs/")).items()).extracting(e -> e.blob().etag()).containsExactly(fresh);
            assertThatThrownBy(() -> blobs.put("docs/a.txt", utf8("version 3"), WriteOptions.ifMatch(original.etag())))
                    .isInstanceOf(PreconditionFailedException.class);
            assertThat(blobs.get("docs/a.txt")).isEqualTo(utf8("version 2"));

            // A sync compares size and etag: the edited blob is copied, not skipped as equal.
            try (Depot memory = Depot.open("memory:")) {
                Blobs target = memory.blobs("copy");
                target.put("docs/a.txt", utf8("version 1"));
                SyncReport report = Blobs.sync(blobs, target, SyncOptions.defaults());
                assertThat(report.copied()).isEqualTo(1);
                assertThat(target.get("docs/a.txt")).isEqualTo(utf8("version 2"));
            }

            BlobInfo replaced = blobs.put("docs/a.txt", utf8("version 3"), WriteOptions.ifMatch(fresh));
            assertThat(blobs.stat("docs/a.txt").orElseThrow()).as("Depot's own write is trusted again").isEqualTo(replaced);
        }
    }

    /** deleteIfMatch decides on the etag stat shows: an edit behind Depot's back is another version. */
    @Test
    void aConditionalDeleteSeesAnEditBehindDepotsBack() throws IOException {
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("edits");
            BlobInfo original = blobs.put("docs/a.txt", utf8("version 1"));
            editInPlace(dir.resolve("blobs/edits/docs/a.txt"), "version 2");

            assertThatThrownBy(() -> blobs.deleteIfMatch("docs/a.txt", original.etag()))
                    .isInstanceOf(PreconditionFailedException.class);
            assertThat(blobs.get("docs/a.txt")).isEqualTo(utf8("version 2"));
            blobs.deleteIfMatch("docs/a.txt", ContentHash.of(utf8("version 2")));
            assertThat(blobs.exists("docs/a.txt")).isFalse();
            assertThat(dir.resolve("meta/edits/docs/a.txt")).as("its sidecar went too").doesNotExist();

            Files.writeString(dir.resolve("blobs/edits/docs/by-hand.txt"), "placed by hand");
            assertThatThrownBy(() -> blobs.deleteIfMatch("docs/by-hand.txt", original.etag()))
                    .isInstanceOf(PreconditionFailedException.class);
            blobs.deleteIfMatch("docs/by-hand.txt", ContentHash.of(utf8("placed by hand")));
            assertThat(dir.resolve("blobs/edits/docs/by-hand.txt")).doesNotExist();
        }
    }

    @Test
    void copiesAndMovesKeepDetectingEditsBehindDepotsBack() throws IOException {
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("edits");
            BlobInfo a = blobs.put("a", utf8("aaaa"), WriteOptions.contentType("text/x-a").metadata("k", "v"));
            BlobInfo copied = blobs.copy("a", "b");
            BlobInfo moved = blobs.move("b", "dir/c");
            assertThat(blobs.stat("dir/c").orElseThrow()).as("a move keeps everything").isEqualTo(moved);
            assertThat(moved.etag()).isEqualTo(copied.etag()).isEqualTo(a.etag());

            editInPlace(dir.resolve("blobs/edits/dir/c"), "cccc");
            assertThat(blobs.stat("dir/c").orElseThrow().etag()).isEqualTo(ContentHash.of(utf8("cccc")));
            assertThat(blobs.stat("a")).as("the source is untouched").contains(a);

            editInPlace(dir.resolve("blobs/edits/a"), "AAAA");
            BlobInfo movedEdited = blobs.move("a", "e");
            assertThat(movedEdited.etag()).isEqualTo(ContentHash.of(utf8("AAAA")));
            assertThat(blobs.stat("e").orElseThrow()).isEqualTo(movedEdited);
            editInPlace(dir.resolve("blobs/edits/e"), "eeee");
            assertThat(blobs.stat("e").orElseThrow().etag()).isEqualTo(ContentHash.of(utf8("eeee")));
            assertThat(blobs.list(ListOptions.all()).items()).extracting(BlobEntry::path).containsExactly("dir/c", "e");
        }
    }

    /**
     * A directory copied without its times ({@code cp -r}, a checkout) or a blob merely touched: the
     * content is still the one the sidecar describes, so type, metadata and times stay.
     */
    @Test
    void aBlobWhoseTimeAloneChangedKeepsItsSidecar() throws IOException {
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("touched");
            BlobInfo info = blobs.put("t.txt", utf8("same"), WriteOptions.contentType("text/plain").metadata("k", "v"));
            Files.setLastModifiedTime(dir.resolve("blobs/touched/t.txt"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
            assertThat(blobs.stat("t.txt")).contains(info);
            assertThat(blobs.list(ListOptions.all()).items()).extracting(BlobEntry::blob).containsExactly(info);
            BlobInfo next = blobs.put("t.txt", utf8("next"), WriteOptions.ifMatch(info.etag()));
            assertThat(blobs.stat("t.txt")).contains(next);
        }
    }

    @Test
    void aSidecarOfTheEarlierLayoutIsStillTrustedOnItsSize() throws IOException {
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("old");
            BlobInfo info = blobs.put("x", utf8("old layout"), WriteOptions.contentType("text/x-old").metadata("k", "v"));
            // What an earlier Depot wrote: no fileModified.
            Files.write(dir.resolve("meta/old/x"), Sidecar.encode(info));
            Files.setLastModifiedTime(dir.resolve("blobs/old/x"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
            assertThat(blobs.stat("x")).contains(info);
            assertThat(new String(Files.readAllBytes(dir.resolve("meta/old/x")), StandardCharsets.UTF_8)).doesNotContain("fileModified");
            assertThat(Sidecar.read(Sidecar.encode(info, Instant.parse("2030-01-01T00:00:00.123456789Z"))))
                    .isEqualTo(new Sidecar.Entry(info, Instant.parse("2030-01-01T00:00:00.123456789Z")));
            assertThat(info.metadata()).isEqualTo(Map.of("k", "v"));
        }
    }
    /**
     * Files put under {@code blobs/} by hand whose names no blob path can take (a control character,
     * bytes that are not UTF-8, a path beyond 1,024 bytes) cannot be read, stat'ed or deleted through
     * the API: they are no blobs, so listings, stats and sync must not show them (like links).
     */
    @Test
    void handPlacedFilesNoPathCanNameAreNotListed() throws Exception {
        try (Depot depot = open()) {
            Blobs blobs = depot.blobs("hand");
            blobs.put("ok", utf8("ok"));
            Path base = dir.resolve("blobs/hand");
            Files.writeString(base.resolve("bad\nname"), "control");
            Files.createDirectories(base.resolve("dir\u0001"));
            Files.writeString(base.resolve("dir\u0001/inside"), "under a bad directory");
            Path deep = base;
            for (int i = 0; i < 5; i++) {
                deep = deep.resolve("d".repeat(250));
            }
            Files.createDirectories(deep);
            Files.writeString(deep.resolve("too-long"), "beyond 1024 bytes");
            Process p = new ProcessBuilder("sh", "-c", "printf latin1 > \"$(printf 'x\\377y')\"").directory(base.toFile()).start();
            assertThat(p.waitFor()).isZero();

            List<String> listed = new java.util.ArrayList<>();
            for (BlobEntry e : blobs.list(ListOptions.all()).items()) {
                listed.add(e.path());
                assertThat(blobs.stat(e.path())).as("a listed blob can be stat'ed: %s", e.path()).isPresent();
            }
            assertThat(listed).containsExactly("ok");
            List<String> folded = blobs.list(ListOptions.prefix("").delimiter("/")).items().stream().map(BlobEntry::path).toList();
            assertThat(folded).containsExactly("d".repeat(250) + "/", "ok");
            assertThat(depot.stats().blobs().get("hand").blobs()).isEqualTo(1);
            try (Depot memory = Depot.open("memory:")) {
                SyncReport r = Blobs.sync(blobs, memory.blobs("copy"), SyncOptions.defaults());
                assertThat(r.errors()).isEmpty();
                assertThat(r.copied()).isEqualTo(1);
            }
        }
    }
}
