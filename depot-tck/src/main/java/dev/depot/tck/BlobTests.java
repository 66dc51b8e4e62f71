package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.BucketStats;
import dev.depot.Depot;
import dev.depot.DirectoryNotEmptyException;
import dev.depot.ListOptions;
import dev.depot.NotFoundException;
import dev.depot.PathConflictException;
import dev.depot.PreconditionFailedException;
import dev.depot.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Writing, reading, conditions, copy/move, directories, clear/stats and a closed depot. */
abstract class BlobTests extends BlobFeatureTests {

    BlobTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @Test
    void putThenGetStatAndRead() {
        byte[] content = utf8("hello blobs");
        BlobInfo put = blobs().put("docs/hello.txt", content);

        assertThat(blobs().get("docs/hello.txt")).isEqualTo(content);
        assertThat(readAll(blobs().read("docs/hello.txt"))).isEqualTo(content);
        BlobInfo info = blobs().stat("docs/hello.txt").orElseThrow();
        assertThat(info).isEqualTo(put);
        assertThat(info.path()).isEqualTo("docs/hello.txt");
        assertThat(info.size()).isEqualTo(content.length);
        assertThat(info.contentType()).isEqualTo(WriteOptions.DEFAULT_CONTENT_TYPE);
        assertThat(info.metadata()).isEmpty();
        assertThat(info.created()).isEqualTo(DepotConformanceSuite.START);
        assertThat(info.modified()).isEqualTo(DepotConformanceSuite.START);
        assertThat(blobs().exists("docs/hello.txt")).isTrue();
        assertThat(blobs().exists("docs/other.txt")).isFalse();
        assertThat(blobs().stat("docs/other.txt")).isEmpty();
    }

    @Test
    void aStreamPublishesOnCloseAndNotBefore() throws IOException {
        BlobOutputStream out = blobs().write("stream.bin");
        out.write(bytes(1000, 1));
        out.write(7);

        assertThat(blobs().exists("stream.bin")).as("visible before close").isFalse();
        assertThatThrownBy(() -> blobs().read("stream.bin")).isInstanceOf(NotFoundException.class);
        out.close();

        byte[] expected = Arrays.copyOf(bytes(1000, 1), 1001);
        expected[1000] = 7;
        assertThat(blobs().get("stream.bin")).isEqualTo(expected);
        assertThat(out.published().size()).isEqualTo(1001);
        assertThatCode(out::close).as("closing again").doesNotThrowAnyException();
        assertThatThrownBy(() -> out.write(1)).as("writing after close").isInstanceOf(IOException.class);
    }

    @Test
    void theCallbackFormPublishesOnlyWhenTheCallbackReturns() {
        blobs().put("cb.txt", utf8("old"));

        assertThatThrownBy(() -> blobs().write("cb.txt", WriteOptions.defaults(), out -> {
            out.write(utf8("half of the new"));
            throw new IllegalStateException("body failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("body failed");
        assertThatThrownBy(() -> blobs().write("cb.txt", WriteOptions.defaults(), out -> {
            out.write(utf8("half"));
            throw new IOException("disk gone");
        })).isInstanceOf(UncheckedIOException.class).hasRootCauseMessage("disk gone");
        assertThat(blobs().get("cb.txt")).as("the old content stays").isEqualTo(utf8("old"));

        BlobInfo info = blobs().write("cb.txt", WriteOptions.contentType("text/plain"), out -> {
            out.write(utf8("new"));
            out.close(); // closing inside the callback must not publish early or twice
        });
        assertThat(blobs().get("cb.txt")).isEqualTo(utf8("new"));
        assertThat(info.contentType()).isEqualTo("text/plain");
    }

    @Test
    void anAbortedStreamPublishesNothing() throws IOException {
        blobs().put("ab.txt", utf8("keep"));
        BlobOutputStream out = blobs().write("ab.txt");
        out.write(utf8("discard me"));
        out.abort();
        out.close();
        out.abort();

        assertThat(blobs().get("ab.txt")).isEqualTo(utf8("keep"));
        assertThatThrownBy(out::published).isInstanceOf(IllegalStateException.class);
        BlobOutputStream fresh = blobs().write("never.txt");
        fresh.write(1);
        fresh.abort();
        assertThat(blobs().exists("never.txt")).isFalse();
    }

    /** Pinned: try-with-resources closes, and close() publishes, even when the body throws. */
    @Test
    void closeAfterAnExceptionInTheBodyPublishesWhatWasWritten() {
        assertThatThrownBy(() -> {
            try (OutputStream out = blobs().write("twr.txt")) {
                out.write(utf8("partial"));
                throw new IllegalStateException("body failed");
            }
        }).isInstanceOf(IllegalStateException.class);

        assertThat(blobs().get("twr.txt")).as("documented: use abort() or the callback form").isEqualTo(utf8("partial"));
    }

    @Test
    void aStreamNeverClosedLeavesNothing() throws IOException {
        OutputStream out = blobs().write("open.txt");
        out.write(bytes(100_000, 2));

        assertThat(blobs().exists("open.txt")).isFalse();
        assertThat(blobs().list(ListOptions.all()).items()).isEmpty();
        assertThat(depot().stats().blobs()).doesNotContainKey(BUCKET);
    }

    @Test
    void emptyAndMultiMebibyteBlobs() throws IOException {
        BlobInfo empty = blobs().put("empty", new byte[0]);
        assertThat(empty.size()).isZero();
        assertThat(blobs().get("empty")).isEmpty();
        assertThat(readAll(blobs().read("empty", 0, 10))).isEmpty();

        byte[] big = bytes(5 * MIB + 17, 3);
        try (BlobOutputStream out = blobs().write("big.bin")) {
            for (int i = 0; i < big.length; ) {
                int n = Math.min(big.length - i, 1 + (i % 70_001)); // odd piece sizes across chunk borders
                out.write(big, i, n);
                i += n;
            }
        }
        assertThat(blobs().stat("big.bin").orElseThrow().size()).isEqualTo(big.length);
        assertThat(blobs().get("big.bin")).isEqualTo(big);
        assertThat(readAll(blobs().read("big.bin"))).isEqualTo(big);
    }

    @Test
    void rangedReadsAtTheEdgesAndBeyondTheEnd() {
        byte[] big = bytes(3 * 65536 + 100, 4);
        blobs().put("r.bin", big);
        int n = big.length;

        assertThat(readAll(blobs().read("r.bin", 0, 0))).isEmpty();
        assertThat(readAll(blobs().read("r.bin", 0, 1))).isEqualTo(range(big, 0, 1));
        assertThat(readAll(blobs().read("r.bin", 65536 - 3, 10))).as("across a 64 KiB border").isEqualTo(range(big, 65533, 10));
        assertThat(readAll(blobs().read("r.bin", 100_000, 100_000))).isEqualTo(range(big, 100_000, 100_000));
        assertThat(readAll(blobs().read("r.bin", n - 1, 1))).isEqualTo(range(big, n - 1, 1));
        assertThat(readAll(blobs().read("r.bin", n - 1, 10))).as("a length past the end is cut").isEqualTo(range(big, n - 1, 1));
        assertThat(readAll(blobs().read("r.bin", 10, Long.MAX_VALUE))).isEqualTo(range(big, 10, n - 10));
        assertThat(readAll(blobs().read("r.bin", n, 5))).as("starting at the end").isEmpty();
        assertThat(readAll(blobs().read("r.bin", n + 1000, 5))).as("starting past the end").isEmpty();
        assertThatThrownBy(() -> blobs().read("r.bin", -1, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blobs().read("r.bin", 0, -5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blobs().read("missing.bin", 0, 5)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aClosedReadStreamFailsNamingBucketAndPath() throws IOException {
        blobs().put("c.bin", bytes(200_000, 5));
        for (InputStream in : List.of(blobs().read("c.bin"), blobs().read("c.bin", 10, 100_000))) {
            assertThat(in.read()).isNotNegative();
            in.close();
            in.close(); // twice is fine
            for (ThrowingCallable call : List.<ThrowingCallable>of(in::read, () -> in.read(new byte[10], 0, 10), in::readAllBytes,
                    () -> in.skip(1), in::available, () -> in.transferTo(java.io.OutputStream.nullOutputStream()))) {
                assertThatThrownBy(call).isInstanceOf(IOException.class)
                        .hasMessage("the read stream of bucket '" + blobs().bucket() + "' path 'c.bin' is closed");
            }
        }
        assertThat(blobs().get("c.bin")).isEqualTo(bytes(200_000, 5));
    }

    static byte[] range(byte[] b, int from, int length) {
        return Arrays.copyOfRange(b, from, Math.min(b.length, from + length));
    }

    @Test
    void contentTypeMetadataAndTimesRoundTrip() {
        blobs().put("m.pdf", utf8("v1"), WriteOptions.contentType("application/pdf").metadata("owner", "ann")
                .metadata("Team-Name", "blue team ü"));
        clock().advance(Duration.ofSeconds(5));
        BlobInfo replaced = blobs().put("m.pdf", utf8("v2"), WriteOptions.contentType("application/pdf").metadata("owner", "bob"));

        BlobInfo info = blobs().stat("m.pdf").orElseThrow();
        assertThat(info).isEqualTo(replaced);
        assertThat(info.metadata()).isEqualTo(Map.of("owner", "bob"));
        assertThat(info.created()).as("a replace keeps created").isEqualTo(DepotConformanceSuite.START);
        assertThat(info.modified()).isEqualTo(DepotConformanceSuite.START.plusSeconds(5));
        assertThatThrownBy(() -> WriteOptions.defaults().metadata("bad key", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteOptions.contentType("")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Metadata holds text any backend stores as UTF-8: characters beyond the BMP round-trip, and an
     * unpaired surrogate (not encodable, so SQL stored it as {@code ?}) is refused when the options
     * are built, as in paths.
     */
    @Test
    void metadataIsUtf8Text() {
        Map<String, String> text = Map.of("emoji", "\ud83d\ude00 x", "spaces", " a=b ");
        blobs().put("u.txt", utf8("u"), WriteOptions.defaults().metadata(text));
        assertThat(blobs().stat("u.txt").orElseThrow().metadata()).isEqualTo(text);

        assertThatThrownBy(() -> WriteOptions.defaults().metadata("s", "a\ud800b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteOptions.defaults().metadata("s", "\ude00")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteOptions.defaults().metadata("s", "x\ud83d")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void etagsFollowContentEvenWithAFrozenClockAndTheSameSize() {
        String first = blobs().put("e.txt", utf8("aaaa")).etag();
        String second = blobs().put("e.txt", utf8("aaab")).etag();
        String third = blobs().put("e.txt", utf8("aaaa")).etag();
        String elsewhere = blobs().put("other/e.txt", utf8("aaaa")).etag();

        assertThat(second).as("same size, same time, other content").isNotEqualTo(first);
        assertThat(third).as("content-derived").isEqualTo(first);
        assertThat(elsewhere).isEqualTo(first);
        assertThat(blobs().stat("e.txt").orElseThrow().etag()).isEqualTo(third);
        try (Depot memory = Depot.open("memory:")) {
            assertThat(memory.blobs("x").put("y", utf8("aaaa")).etag()).as("comparable across backends").isEqualTo(first);
        }
    }

    @Test
    void conditionalWrites() {
        BlobInfo created = blobs().put("c.txt", utf8("one"), WriteOptions.ifNoneMatch());

        assertThatThrownBy(() -> blobs().put("c.txt", utf8("two"), WriteOptions.ifNoneMatch()))
                .isInstanceOf(PreconditionFailedException.class).hasMessageContaining("c.txt");
        BlobInfo updated = blobs().put("c.txt", utf8("two"), WriteOptions.ifMatch(created.etag()));
        assertThatThrownBy(() -> blobs().put("c.txt", utf8("three"), WriteOptions.ifMatch(created.etag())))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> blobs().put("absent.txt", utf8("x"), WriteOptions.ifMatch(created.etag())))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(blobs().get("c.txt")).isEqualTo(utf8("two"));
        assertThat(blobs().stat("c.txt").orElseThrow()).isEqualTo(updated);
        assertThat(blobs().exists("absent.txt")).isFalse();
    }

    @Test
    void replaceOnlyWritesNeedABlobThereWhateverItsEtag() throws IOException {
        assertThatThrownBy(() -> blobs().put("r.txt", utf8("x"), WriteOptions.ifExists()))
                .isInstanceOf(PreconditionFailedException.class).hasMessageContaining("r.txt").hasMessageContaining("ifExists");
        assertThat(blobs().exists("r.txt")).as("nothing published").isFalse();

        blobs().put("r.txt", utf8("one"));
        BlobInfo replaced = blobs().put("r.txt", utf8("two"), WriteOptions.contentType("text/plain").withIfExists());
        assertThat(blobs().get("r.txt")).isEqualTo(utf8("two"));
        assertThat(blobs().stat("r.txt").orElseThrow()).isEqualTo(replaced);
        assertThat(replaced.contentType()).isEqualTo("text/plain");

        blobs().put("dir/inside", utf8("d"));
        assertThatThrownBy(() -> blobs().put("dir", utf8("x"), WriteOptions.ifExists())).isInstanceOf(PathConflictException.class);

        // Decided when the stream publishes, not when it opens.
        BlobOutputStream late = blobs().write("late.txt", WriteOptions.ifExists());
        late.write(utf8("late"));
        blobs().put("late.txt", utf8("there by publish time"));
        late.close();
        assertThat(blobs().get("late.txt")).isEqualTo(utf8("late"));
        BlobOutputStream gone = blobs().write("late.txt", WriteOptions.ifExists());
        gone.write(1);
        blobs().delete("late.txt");
        assertThatThrownBy(gone::close).isInstanceOf(PreconditionFailedException.class);
        assertThat(blobs().exists("late.txt")).isFalse();

        // One precondition at a time: each with… replaces the one before.
        assertThat(WriteOptions.ifMatch("e").withIfExists()).isEqualTo(WriteOptions.ifExists());
        assertThat(WriteOptions.ifExists().withIfNoneMatch()).isEqualTo(WriteOptions.ifNoneMatch());
        assertThatThrownBy(() -> new WriteOptions(WriteOptions.DEFAULT_CONTENT_TYPE, Map.of(), true, null, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one precondition");
        assertThatThrownBy(() -> new WriteOptions(WriteOptions.DEFAULT_CONTENT_TYPE, Map.of(), false, "e", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one precondition");
    }

    @Test
    void deleteIfMatchDeletesOnlyTheContentItNames() {
        BlobInfo first = blobs().put("d.txt", utf8("one"));
        BlobInfo second = blobs().put("d.txt", utf8("two"));

        assertThatThrownBy(() -> blobs().deleteIfMatch("d.txt", first.etag()))
                .isInstanceOf(PreconditionFailedException.class).hasMessageContaining(BUCKET).hasMessageContaining("d.txt");
        assertThat(blobs().get("d.txt")).as("a replaced blob is kept").isEqualTo(utf8("two"));
        assertThatThrownBy(() -> blobs().deleteIfMatch("d.txt", "\"" + second.etag() + "\""))
                .as("an HTTP-quoted etag is another etag").isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> blobs().deleteIfMatch("d.txt", "x".repeat(128))).isInstanceOf(PreconditionFailedException.class);

        blobs().deleteIfMatch("d.txt", second.etag());
        assertThat(blobs().exists("d.txt")).isFalse();
        assertThatThrownBy(() -> blobs().deleteIfMatch("d.txt", second.etag())).as("no blob, as WriteOptions.ifMatch")
                .isInstanceOf(PreconditionFailedException.class).hasMessageContaining("no blob");

        // Move and copy keep the etag: an etag read before a move deletes the moved blob.
        BlobInfo kept = blobs().put("m.txt", utf8("moving"));
        blobs().move("m.txt", "n/m.txt");
        blobs().copy("n/m.txt", "copy.txt");
        blobs().deleteIfMatch("n/m.txt", kept.etag());
        assertThat(blobs().get("copy.txt")).isEqualTo(utf8("moving"));

        assertThatThrownBy(() -> blobs().deleteIfMatch("n", kept.etag())).as("a directory")
                .isInstanceOf(PathConflictException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> blobs().deleteIfMatch("/bad", kept.etag())).isInstanceOf(dev.depot.InvalidPathException.class);
        assertThat(blobs().list(ListOptions.prefix("n/")).items()).isEmpty();
        blobs().rmdir("n"); // still there, empty: a delete leaves directories
    }

    @Test
    void aBadEtagForDeleteIfMatchIsRefusedAndDeletesNothing() {
        BlobInfo keep = blobs().put("keep.txt", utf8("k"));
        for (String bad : List.of("", "x".repeat(129), "a\nb", "tab\there", "caf\u00e9", "\u007f", "*")) {
            assertThatThrownBy(() -> blobs().deleteIfMatch("keep.txt", bad)).as("etag of length %d", bad.length())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("etag");
            assertThatThrownBy(() -> blobs().deleteIfMatch("missing.txt", bad)).as("checked before the blob is looked at")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> WriteOptions.ifMatch(bad)).as("the rule of WriteOptions.ifMatch")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("etag");
        }
        assertThatThrownBy(() -> blobs().deleteIfMatch("keep.txt", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("etag");
        assertThat(blobs().stat("keep.txt")).contains(keep);
    }

    @Test
    void createOnlyIsDecidedWhenTheStreamPublishes() throws IOException {
        BlobOutputStream first = blobs().write("once.txt", WriteOptions.ifNoneMatch());
        BlobOutputStream second = blobs().write("once.txt", WriteOptions.ifNoneMatch());
        first.write(utf8("first"));
        second.write(utf8("second"));

        second.close();
        assertThatThrownBy(first::close).isInstanceOf(PreconditionFailedException.class);
        assertThat(blobs().get("once.txt")).isEqualTo(utf8("second"));
        assertThatThrownBy(first::published).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void deleteStatExistsAndReadOnADirectory() {
        blobs().put("dir/inner.txt", utf8("x"));

        assertThat(blobs().delete("dir/inner.txt")).isTrue();
        assertThat(blobs().delete("dir/inner.txt")).as("missing").isFalse();
        assertThat(blobs().stat("dir")).as("a directory is no blob").isEmpty();
        assertThat(blobs().exists("dir")).isFalse();
        assertThatThrownBy(() -> blobs().delete("dir")).isInstanceOf(PathConflictException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> blobs().read("dir")).isInstanceOf(PathConflictException.class);
        assertThatThrownBy(() -> blobs().get("dir")).isInstanceOf(PathConflictException.class);
        assertThatThrownBy(() -> blobs().get("nothing")).isInstanceOf(NotFoundException.class).hasMessageContaining("nothing");
    }

    @Test
    void copyDuplicatesAndReplaces() {
        BlobInfo a = blobs().put("a.txt", utf8("A"), WriteOptions.contentType("text/plain").metadata("k", "v"));
        blobs().put("b.txt", utf8("old b"));
        clock().advance(Duration.ofSeconds(3));

        BlobInfo copied = blobs().copy("a.txt", "b.txt");
        BlobInfo fresh = blobs().copy("a.txt", "sub/c.txt");

        assertThat(blobs().get("b.txt")).isEqualTo(utf8("A"));
        assertThat(blobs().get("a.txt")).isEqualTo(utf8("A"));
        assertThat(copied.etag()).isEqualTo(a.etag());
        assertThat(copied.contentType()).isEqualTo("text/plain");
        assertThat(copied.metadata()).isEqualTo(Map.of("k", "v"));
        assertThat(copied.created()).as("the replaced blob's").isEqualTo(DepotConformanceSuite.START);
        assertThat(copied.modified()).isEqualTo(DepotConformanceSuite.START.plusSeconds(3));
        assertThat(fresh.created()).isEqualTo(DepotConformanceSuite.START.plusSeconds(3));
        assertThat(blobs().stat("b.txt").orElseThrow()).isEqualTo(copied);
        assertThat(blobs().copy("a.txt", "a.txt")).as("copy onto itself changes nothing").isEqualTo(a);
        assertThatThrownBy(() -> blobs().copy("missing", "x")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> blobs().copy("a.txt", "sub")).isInstanceOf(PathConflictException.class);
        assertThatThrownBy(() -> blobs().copy("sub", "y")).isInstanceOf(PathConflictException.class);
        assertThat(blobs().exists("x")).isFalse();
    }

    @Test
    void moveRenamesAtomicallyAndReplaces() {
        BlobInfo a = blobs().put("a.txt", utf8("A"), WriteOptions.contentType("text/plain"));
        blobs().put("b.txt", utf8("B"));
        clock().advance(Duration.ofSeconds(3));

        BlobInfo moved = blobs().move("a.txt", "b.txt");

        assertThat(blobs().exists("a.txt")).isFalse();
        assertThat(blobs().get("b.txt")).isEqualTo(utf8("A"));
        assertThat(moved).isEqualTo(a.withPath("b.txt"));
        assertThat(blobs().stat("b.txt").orElseThrow()).isEqualTo(moved);
        assertThat(blobs().move("b.txt", "b.txt")).as("move(a, a) is a no-op").isEqualTo(moved);
        assertThat(blobs().get("b.txt")).isEqualTo(utf8("A"));
        assertThat(blobs().move("b.txt", "deeper/down/b.txt").path()).isEqualTo("deeper/down/b.txt");
        assertThatThrownBy(() -> blobs().move("a.txt", "c.txt")).isInstanceOf(NotFoundException.class);
        blobs().put("x", utf8("x"));
        assertThatThrownBy(() -> blobs().move("x", "x/y")).as("under itself").isInstanceOf(PathConflictException.class);
        assertThatThrownBy(() -> blobs().move("x", "deeper")).as("onto a directory").isInstanceOf(PathConflictException.class);
        assertThat(blobs().get("x")).isEqualTo(utf8("x"));
    }

    @Test
    void aPathIsNeverBothABlobAndADirectory() {
        blobs().put("a", utf8("blob"));
        blobs().put("d/x", utf8("inside"));

        assertThatThrownBy(() -> blobs().put("a/b", utf8("under a blob"))).isInstanceOf(PathConflictException.class)
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> blobs().put("d", utf8("over a directory"))).isInstanceOf(PathConflictException.class);
        assertThatThrownBy(() -> blobs().write("d", WriteOptions.defaults(), out -> out.write(1)))
                .isInstanceOf(PathConflictException.class);
        assertThatThrownBy(() -> blobs().mkdir("a")).isInstanceOf(PathConflictException.class);
        assertThatThrownBy(() -> blobs().mkdir("a/b/c")).isInstanceOf(PathConflictException.class);
        assertThat(blobs().get("a")).isEqualTo(utf8("blob"));
        assertThat(blobs().exists("d")).isFalse();
        assertThat(paths(listAll(blobs(), ListOptions.all()))).containsExactly("a", "d/x");
    }

    @Test
    void directoriesAreMadeByWritesOrMkdirAndRemovedOnlyEmpty() {
        blobs().mkdir("x/y");
        blobs().mkdir("x/y");
        blobs().put("w/file", utf8("f"));
        blobs().delete("w/file");

        assertThat(paths(blobs().list(ListOptions.prefix("").delimiter("/")).items())).containsExactly("w/", "x/");
        assertThat(paths(blobs().list(ListOptions.prefix("x/").delimiter("/")).items())).containsExactly("x/y/");
        assertThatThrownBy(() -> blobs().rmdir("x")).isInstanceOf(DirectoryNotEmptyException.class).hasMessageContaining("x");
        blobs().rmdir("x/y");
        blobs().rmdir("x");
        blobs().rmdir("w");
        assertThat(blobs().list(ListOptions.prefix("").delimiter("/")).items()).isEmpty();
        assertThatThrownBy(() -> blobs().rmdir("x")).isInstanceOf(NotFoundException.class);
        blobs().put("f", utf8("f"));
        assertThatThrownBy(() -> blobs().rmdir("f")).isInstanceOf(PathConflictException.class);
        blobs().mkdir("q");
        blobs().put("q/blob", utf8("b"));
        assertThatThrownBy(() -> blobs().rmdir("q")).isInstanceOf(DirectoryNotEmptyException.class);
        assertThat(blobs().get("q/blob")).isEqualTo(utf8("b"));
    }

    @Test
    void bucketsAreSeparateAndNamedLikeCollections() {
        depot().blobs("one").put("p", utf8("1"));
        depot().blobs("two").put("p", utf8("2"));

        assertThat(depot().blobs("one").get("p")).isEqualTo(utf8("1"));
        assertThat(depot().blobs("two").get("p")).isEqualTo(utf8("2"));
        assertThat(depot().blobs("one").bucket()).isEqualTo("one");
        assertThatThrownBy(() -> depot().blobs("Bad-Name")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
        assertThatThrownBy(() -> depot().blobs("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statsCountBlobsAndClearEmptiesEveryBucket() {
        blobs().put("a", bytes(100, 1));
        blobs().put("b/c", bytes(50, 2));
        blobs().put("a", bytes(10, 3));
        depot().blobs("other").put("z", bytes(7, 4));
        blobs().mkdir("empty");

        assertThat(depot().stats().blobs()).containsEntry(BUCKET, new BucketStats(2, 60)).containsEntry("other", new BucketStats(1, 7));
        depot().clear();

        assertThat(depot().stats().blobs()).isEmpty();
        assertThat(blobs().exists("a")).isFalse();
        assertThat(blobs().list(ListOptions.prefix("").delimiter("/")).items()).as("directories too").isEmpty();
        assertThat(depot().blobs("other").exists("z")).isFalse();
    }

    @Test
    void errorMessagesNameBucketAndPathButNeverContent() {
        blobs().put("secret.txt", utf8("s3cr3t-content"));
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> blobs().put("secret.txt", utf8("s3cr3t-content"), WriteOptions.ifNoneMatch()));
        assertThat(t).hasMessageContaining(BUCKET).hasMessageContaining("secret.txt").hasMessageNotContaining("s3cr3t");
    }

    @Test
    void aClosedDepotRefusesEveryBlobCallAndStream() throws IOException {
        Depot second = fixture().open(clock());
        Blobs early = second.blobs(BUCKET);
        early.put("closing.txt", utf8("x"));
        BlobOutputStream writing = early.write("late.txt");
        writing.write(1);
        InputStream reading = early.read("closing.txt");

        second.close();

        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("blobs()", () -> second.blobs(BUCKET));
        calls.put("put", () -> early.put("p", utf8("p")));
        calls.put("write", () -> early.write("p"));
        calls.put("read", () -> early.read("closing.txt"));
        calls.put("get", () -> early.get("closing.txt"));
        calls.put("stat", () -> early.stat("closing.txt"));
        calls.put("exists", () -> early.exists("closing.txt"));
        calls.put("delete", () -> early.delete("closing.txt"));
        calls.put("deleteIfMatch", () -> early.deleteIfMatch("closing.txt", "etag"));
        calls.put("copy", () -> early.copy("closing.txt", "c"));
        calls.put("move", () -> early.move("closing.txt", "c"));
        calls.put("list", () -> early.list(ListOptions.all()));
        calls.put("mkdir", () -> early.mkdir("d"));
        calls.put("rmdir", () -> early.rmdir("d"));
        calls.put("stream write", () -> writing.write(2));
        calls.put("stream close", writing::close);
        calls.put("read stream", reading::read);
        calls.forEach((name, call) -> assertThatThrownBy(call).as(name).isInstanceOf(IllegalStateException.class));
        reading.close();
    }
}
