package dev.depot.memory;

import dev.depot.BlobInfo;
import dev.depot.spi.BlobPublish;
import dev.depot.spi.BlobPublished;
import dev.depot.spi.BlobUpload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An unpublished memory blob: bytes are copied into chunks as they come (the caller keeps its
 * arrays). The first chunk grows by doubling up to {@link MemoryBlobs#CHUNK} so a small blob does not
 * hold a whole chunk; the last chunk is trimmed at publish. Full chunks come from the store's {@link
 * MemoryBlobPool} when it has some: they hold stale bytes, so only what was written here is ever
 * published (full chunks are written whole, the last one is trimmed to what was written).
 */
final class MemoryBlobUpload implements BlobUpload {
    private static final int FIRST = 256;

    private final MemoryBlobs store;
    private final String bucket;
    private final String path;
    private List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used;

    MemoryBlobUpload(MemoryBlobs store, String bucket, String path) {
        this.store = store;
        this.bucket = bucket;
        this.path = path;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (chunks == null) {
            throw new IllegalStateException("upload already ended");
        }
        while (length > 0) {
            if (length >= MemoryBlobs.CHUNK && (current == null || (used == current.length && current.length == MemoryBlobs.CHUNK))) {
                // A whole chunk straight from the caller.
                if (current != null) {
                    chunks.add(current);
                    current = null;
                    used = 0;
                }
                byte[] c = store.pool.take();
                if (c == null) {
                    c = Arrays.copyOfRange(bytes, offset, offset + MemoryBlobs.CHUNK); // skips zeroing the new array
                } else {
                    System.arraycopy(bytes, offset, c, 0, MemoryBlobs.CHUNK);
                }
                chunks.add(c);
                offset += MemoryBlobs.CHUNK;
                length -= MemoryBlobs.CHUNK;
                continue;
            }
            if (current == null || used == current.length) {
                grow(length);
            }
            int n = Math.min(length, current.length - used);
            System.arraycopy(bytes, offset, current, used, n);
            used += n;
            offset += n;
            length -= n;
        }
    }

    private void grow(int wanted) {
        if (current != null && current.length < MemoryBlobs.CHUNK) {
            // Still the first chunk: grow it in place of a second one, keeping every chunk but the last full.
            current = Arrays.copyOf(current, (int) Math.min(MemoryBlobs.CHUNK, Math.max(2L * current.length, used + (long) wanted)));
            return;
        }
        if (current != null) {
            chunks.add(current);
        }
        int size = chunks.isEmpty() && current == null ? Math.min(MemoryBlobs.CHUNK, Math.max(FIRST, wanted)) : MemoryBlobs.CHUNK;
        current = size == MemoryBlobs.CHUNK ? store.pool.takeOrAllocate() : new byte[size];
        used = 0;
    }

    @Override
    public BlobPublished publish(BlobPublish publish) {
        if (chunks == null) {
            throw new IllegalStateException("upload already ended");
        }
        if (current != null && used > 0) {
            if (used == current.length) {
                chunks.add(current);
            } else {
                chunks.add(Arrays.copyOf(current, used));
                store.pool.recycle(current); // only the trimmed copy is published
            }
        }
        MemoryBlobContent content = store.content(bucket, chunks.toArray(new byte[0][]));
        chunks = null;
        current = null;
        return store.publish(bucket, path, content, publish);
    }

    @Override
    public void abort() {
        chunks = null;
        current = null;
    }
}
