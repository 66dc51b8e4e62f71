package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.PreconditionFailedException;
import dev.depot.WriteOptions;
import dev.depot.spi.BlobPublish;
import dev.depot.spi.ContentHash;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chunk reuse ({@link MemoryBlobPool}, {@link MemoryBlobContent}): the chunks of a replaced blob
 * serve the next upload only once no blob shows them and no stream reads them.
 */
class MemoryBlobReuseTest {
    private static final int TWO_CHUNKS = 2 * MemoryBlobs.CHUNK;

    private final MemoryBlobs store = new MemoryBlobs();

    private void put(String path, byte value) {
        put(path, value, WriteOptions.defaults());
    }

    private void put(String path, byte value, WriteOptions options) {
        byte[] content = filled(TWO_CHUNKS, value);
        MemoryBlobUpload upload = new MemoryBlobUpload(store, "b", path);
        upload.write(content, 0, content.length);
        upload.publish(new BlobPublish(options, content.length, ContentHash.of(content), Instant.EPOCH));
    }

    private byte[] get(String path) throws IOException {
        try (InputStream in = store.open("b", path, 0, Long.MAX_VALUE).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    private static byte[] filled(int n, byte value) {
        byte[] b = new byte[n];
        Arrays.fill(b, value);
        return b;
    }

    private static List<byte[]> identities(byte[][] chunks) {
        return new ArrayList<>(Arrays.asList(chunks));
    }

    private static boolean sharesAChunk(byte[][] a, byte[][] b) {
        for (byte[] x : a) {
            for (byte[] y : b) {
                if (x == y) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aReplacedBlobsChunksServeTheNextUpload() throws IOException {
        put("a", (byte) 1);
        byte[][] first = store.storedChunks("b", "a");
        put("a", (byte) 2);

        assertThat(store.pool.bytes()).as("the replaced chunks wait in the pool").isEqualTo(TWO_CHUNKS);
        put("c", (byte) 3);
        byte[][] third = store.storedChunks("b", "c");
        assertThat(identities(third)).containsExactlyInAnyOrderElementsOf(identities(first));
        assertThat(get("a")).isEqualTo(filled(TWO_CHUNKS, (byte) 2));
        assertThat(get("c")).isEqualTo(filled(TWO_CHUNKS, (byte) 3));
    }

    @Test
    void anOpenStreamKeepsItsContentUntilClosed() throws IOException {
        put("a", (byte) 1);
        byte[][] first = store.storedChunks("b", "a");
        InputStream reading = store.open("b", "a", 0, Long.MAX_VALUE).orElseThrow();
        assertThat(reading.read()).isEqualTo(1);

        put("a", (byte) 2);
        store.delete("b", "a", null);
        put("c", (byte) 3); // would take the first chunks if they had been let go
        assertThat(sharesAChunk(store.storedChunks("b", "c"), first)).isFalse();

        byte[] rest = reading.readAllBytes();
        assertThat(rest).hasSize(TWO_CHUNKS - 1).containsOnly(1);
        reading.close();
        reading.close(); // idempotent: lets go once
        assertThat(store.pool.bytes()).as("the first content, once closed (c took the second's chunks)").isEqualTo(TWO_CHUNKS);
    }

    @Test
    void aClosedStreamReadsNothingMore() throws IOException {
        put("a", (byte) 1);
        InputStream closed = store.open("b", "a", 0, Long.MAX_VALUE).orElseThrow();
        closed.close();
        assertThatThrownBy(closed::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> closed.read(new byte[10], 0, 10)).isInstanceOf(IOException.class);
        assertThatThrownBy(closed::readAllBytes).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> closed.transferTo(OutputStream.nullOutputStream())).isInstanceOf(IOException.class);
    }

    @Test
    void aCopySharesContentThatOutlivesTheOriginal() throws IOException {
        put("a", (byte) 1);
        store.copy("b", "a", "copy", Instant.EPOCH);
        put("a", (byte) 2);
        assertThat(store.pool.bytes()).as("still shown by the copy").isZero();
        put("c", (byte) 3);

        assertThat(get("copy")).isEqualTo(filled(TWO_CHUNKS, (byte) 1));
        store.delete("b", "copy", null);
        assertThat(store.pool.bytes()).as("the last holder let go").isEqualTo(TWO_CHUNKS);
    }

    @Test
    void aMoveKeepsTheHoldAndReleasesTheBlobItReplaces() throws IOException {
        put("a", (byte) 1);
        store.copy("b", "a", "b", Instant.EPOCH);
        store.move("b", "a", "b"); // b showed the same content: one hold less, still held by the moved blob
        assertThat(store.pool.bytes()).isZero();
        put("c", (byte) 3);
        assertThat(get("b")).isEqualTo(filled(TWO_CHUNKS, (byte) 1));

        put("d", (byte) 4);
        store.move("b", "d", "b"); // replaces b's content, its last holder
        assertThat(store.pool.bytes()).isEqualTo(TWO_CHUNKS);
        assertThat(get("b")).isEqualTo(filled(TWO_CHUNKS, (byte) 4));
    }

    @Test
    void aRefusedPublishGivesItsChunksBack() {
        put("a", (byte) 1);
        assertThatThrownBy(() -> put("a", (byte) 2, WriteOptions.defaults().ifNoneMatch()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.pool.bytes()).isEqualTo(TWO_CHUNKS);
    }

    @Test
    void reusedChunksNeverShowStaleBytesPastWhatWasWritten() throws IOException {
        put("a", (byte) 1);
        store.delete("b", "a", null);
        byte[] shorter = filled(MemoryBlobs.CHUNK + 10, (byte) 2);
        MemoryBlobUpload upload = new MemoryBlobUpload(store, "b", "short");
        upload.write(shorter, 0, 5); // a small first chunk, then chunks from the pool
        upload.write(shorter, 5, shorter.length - 5);
        upload.publish(new BlobPublish(WriteOptions.defaults(), shorter.length, ContentHash.of(shorter), Instant.EPOCH));

        assertThat(get("short")).isEqualTo(shorter);
        assertThat(store.storedChunks("b", "short")[1]).as("the last chunk is trimmed to what was written").hasSize(10);
    }

    @Test
    void theReuseIsBounded() {
        for (int i = 0; i < MemoryBlobPool.MAX; i++) {
            put("p" + i, (byte) i);
        }
        for (int i = 0; i < MemoryBlobPool.MAX; i++) {
            store.delete("b", "p" + i, null);
        }
        assertThat(store.pool.bytes()).isEqualTo((long) MemoryBlobPool.MAX * MemoryBlobs.CHUNK);
        assertThat(store.heapBytes()).as("the pool counts in the heap estimate").isEqualTo(store.pool.bytes());
    }

    @Test
    void transferToHandsOtherStreamsCopiesNotChunks() throws IOException {
        put("a", (byte) 1);
        byte[][] chunks = store.storedChunks("b", "a");
        List<byte[]> seen = new ArrayList<>();
        OutputStream keeping = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("single bytes");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                seen.add(b);
                Arrays.fill(b, off, off + len, (byte) 9); // a hostile stream changing what it was given
            }
        };
        try (InputStream in = store.open("b", "a", 0, Long.MAX_VALUE).orElseThrow()) {
            assertThat(in.transferTo(keeping)).isEqualTo(TWO_CHUNKS);
        }
        for (byte[] b : seen) {
            assertThat(sharesAChunk(chunks, new byte[][] {b})).isFalse();
        }
        assertThat(get("a")).containsOnly(1);

        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (InputStream in = store.open("b", "a", 5, 100_000).orElseThrow()) {
            in.transferTo(plain);
        }
        assertThat(plain.toByteArray()).hasSize(100_000).containsOnly(1);
    }
}
