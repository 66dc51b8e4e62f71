package dev.depot.memory;

import dev.depot.BlobInfo;
import dev.depot.spi.BlobPublish;
import dev.depot.spi.BlobUpload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An unpublished memory blob: bytes are copied into chunks as they come (the caller keeps its
 * arrays). The first chunk grows by doubling up to {@link MemoryBlobs#CHUNK} so a small blob does not
 * hold a whole chunk; the last chunk is trimmed at publish.
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
                // A whole chunk straight from the caller: copyOfRange skips zeroing the new array.
                if (current != null) {
                    chunks.add(current);
                    current = null;
                    used = 0;
                }
                chunks.add(Arrays.copyOfRange(bytes, offset, offset + MemoryBlobs.CHUNK));
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
        current = new byte[chunks.isEmpty() && current == null ? Math.min(MemoryBlobs.CHUNK, Math.max(FIRST, wanted)) : MemoryBlobs.CHUNK];
        used = 0;
    }

    @Override
    public BlobInfo publish(BlobPublish publish) {
        if (chunks == null) {
            throw new IllegalStateException("upload already ended");
        }
        if (current != null && used > 0) {
            chunks.add(used == current.length ? current : Arrays.copyOf(current, used));
        }
        byte[][] content = chunks.toArray(new byte[0][]);
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
