package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BlobOutputStream;
import dev.depot.Depot;
import dev.depot.WriteOptions;
import dev.depot.spi.BlobPublish;
import dev.depot.spi.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What only memory promises about blobs: chunked storage, and ranged reads that touch only their chunks. */
class MemoryBlobsTest {

    @Test
    void contentIsStoredInChunksOfAtMost64KiBAllFullButTheLast() {
        MemoryBlobs store = new MemoryBlobs();
        byte[] content = new byte[(1 << 20) + 12_345];
        new Random(1).nextBytes(content);
        MemoryBlobUpload upload = new MemoryBlobUpload(store, "b", "big");
        for (int at = 0; at < content.length; at += 1000) {
            upload.write(content, at, Math.min(1000, content.length - at));
        }
        upload.publish(new BlobPublish(WriteOptions.defaults(), content.length, ContentHash.of(content), Instant.EPOCH));

        byte[][] chunks = store.storedChunks("b", "big");
        assertThat(chunks.length).isEqualTo(17);
        for (int i = 0; i < chunks.length - 1; i++) {
            assertThat(chunks[i]).as("chunk %d", i).hasSize(MemoryBlobs.CHUNK);
        }
        assertThat(chunks[16]).as("the last is trimmed").hasSize(12_345);
    }

    @Test
    void mixedWriteSizesKeepEveryChunkButTheLastFull() throws IOException {
        MemoryBlobs store = new MemoryBlobs();
        byte[] content = new byte[100 + 200_000 + 5];
        new Random(2).nextBytes(content);
        MemoryBlobUpload upload = new MemoryBlobUpload(store, "b", "mixed");
        upload.write(content, 0, 100);            // a small first chunk that must grow
        upload.write(content, 100, 200_000);      // whole chunks copied straight from the caller
        upload.write(content, 200_100, 5);
        upload.publish(new BlobPublish(WriteOptions.defaults(), content.length, ContentHash.of(content), Instant.EPOCH));

        byte[][] chunks = store.storedChunks("b", "mixed");
        assertThat(chunks.length).isEqualTo(4);
        for (int i = 0; i < 3; i++) {
            assertThat(chunks[i]).as("chunk %d", i).hasSize(MemoryBlobs.CHUNK);
        }
        try (InputStream in = store.open("b", "mixed", 0, Long.MAX_VALUE).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void aSmallBlobHoldsNoWholeChunk() {
        MemoryBlobs store = new MemoryBlobs();
        MemoryBlobUpload upload = new MemoryBlobUpload(store, "b", "small");
        upload.write(new byte[100], 0, 100);
        upload.publish(new BlobPublish(WriteOptions.defaults(), 100, ContentHash.of(new byte[100]), Instant.EPOCH));

        assertThat(store.storedChunks("b", "small")).hasDimensions(1, 100);
    }

    @Test
    void aRangedReadTouchesOnlyTheChunksOfItsRange() throws IOException {
        int chunk = MemoryBlobs.CHUNK;
        byte[][] chunks = new byte[10][];
        chunks[4] = filled(chunk, 4);
        chunks[5] = filled(chunk, 5); // every other chunk is null: touching one would throw
        try (InputStream in = new ChunkInputStream(new MemoryBlobContent(chunks, null, new java.util.concurrent.locks.ReentrantLock()), 10L * chunk, 5L * chunk - 10, 20)) {
            byte[] got = in.readAllBytes();
            byte[] expected = new byte[20];
            Arrays.fill(expected, 0, 10, (byte) 4);
            Arrays.fill(expected, 10, 20, (byte) 5);
            assertThat(got).isEqualTo(expected);
        }
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void anAbandonedStreamIsReleased() throws Exception {
        try (Depot depot = Depot.open("memory:")) {
            java.lang.ref.WeakReference<BlobOutputStream> ref = abandon(depot);
            long deadline = System.nanoTime() + 30_000_000_000L; // hang guard only
            while (ref.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(ref.get()).as("nothing keeps an abandoned stream (and its chunks) alive").isNull();
            assertThat(depot.blobs("b").exists("abandoned")).isFalse();
        }
    }

    private static java.lang.ref.WeakReference<BlobOutputStream> abandon(Depot depot) throws IOException {
        BlobOutputStream out = depot.blobs("b").write("abandoned");
        out.write(new byte[200_000]);
        return new java.lang.ref.WeakReference<>(out);
    }
}
