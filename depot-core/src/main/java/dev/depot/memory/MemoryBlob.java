package dev.depot.memory;

import dev.depot.BlobInfo;

/**
 * One published blob: its info and its content as immutable chunks, all {@link MemoryBlobs#CHUNK}
 * bytes but the last, so that a byte offset finds its chunk by division. A {@code null} info marks a
 * directory entry. Never changed after publishing, so readers need no lock and a copy shares chunks.
 */
record MemoryBlob(BlobInfo info, byte[][] chunks) {
    static final MemoryBlob DIRECTORY = new MemoryBlob(null, null);

    boolean isDirectory() {
        return info == null;
    }
}
