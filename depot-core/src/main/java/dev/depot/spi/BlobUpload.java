package dev.depot.spi;

import dev.depot.BlobInfo;
import java.io.IOException;

/**
 * One blob being written (from {@link BlobStore#begin}). Used by one thread at a time. Exactly one of
 * {@link #publish} and {@link #abort} ends it; core calls {@code abort} also when the stream was
 * never closed and has become unreachable, possibly from a cleaner thread, so {@code abort} must not
 * need the writer's thread.
 */
public interface BlobUpload {

    /** Appends bytes to the unpublished content. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Publishes the content atomically as {@code publish} describes, after the path and precondition
     * checks of {@link BlobStore}. On any failure nothing is published and the upload is discarded.
     * Reports whether a blob was replaced, as seen when the precondition was decided.
     */
    BlobPublished publish(BlobPublish publish);

    /** Discards the upload and its storage. Idempotent, never throws. */
    void abort();
}
