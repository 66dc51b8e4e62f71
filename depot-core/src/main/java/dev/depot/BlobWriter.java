package dev.depot;

import java.io.IOException;
import java.io.OutputStream;

/** The body of {@link Blobs#write(String, WriteOptions, BlobWriter)}: writes a blob's content. */
@FunctionalInterface
public interface BlobWriter {
    /** Writes the content to {@code out}; do not close it. Throwing publishes nothing. */
    void write(OutputStream out) throws IOException;
}
