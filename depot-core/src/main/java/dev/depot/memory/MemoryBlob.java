package dev.depot.memory;

import dev.depot.BlobInfo;

/**
 * One published blob: its info and its content as immutable chunks, all {@link MemoryBlobs#CHUNK}
 * bytes but the last, so that a byte offset finds its chunk by division. A {@code null} info marks a
 * directory entry. Never changed while it can be reached: readers count themselves into the {@link
 * MemoryBlobContent} and then copy without a lock, and a copy shares the content.
 */
record MemoryBlob(BlobInfo info, MemoryBlobContent content) {
    static final MemoryBlob DIRECTORY = new MemoryBlob(null, null);

    boolean isDirectory() {
        return info == null;
    }

    byte[][] chunks() {
        return content.chunks;
    }
}
