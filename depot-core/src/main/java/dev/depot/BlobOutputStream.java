package dev.depot;

import java.io.OutputStream;

/**
 * The stream of a {@link Blobs#write(String, WriteOptions) streamed write}. Nothing written to it is
 * visible until {@link #close()} publishes it atomically.
 *
 * <ul>
 *   <li>{@link #close()} publishes everything written so far, unless the stream was {@link #abort()
 *       aborted} or one of its own writes failed (then it discards and rethrows nothing new). It
 *       cannot know whether the code around it failed: try-with-resources closes, and so publishes,
 *       even when the body throws. Call {@link #abort()} in a {@code catch}, or use the callback form
 *       {@link Blobs#write(String, WriteOptions, BlobWriter)}, which publishes only if the callback
 *       returns normally.
 *   <li>{@link #abort()} discards what was written; the path keeps its previous blob (or none).
 *       Idempotent; {@code close()} after it does nothing.
 *   <li>A stream that is neither closed nor aborted publishes nothing; once unreachable its
 *       buffers or temporary storage are released by a cleaner.
 *   <li>A failed precondition or a path conflict is thrown by {@code close()}; nothing is published.
 * </ul>
 *
 * <p>Not thread-safe: one writer thread per stream.
 */
public abstract class BlobOutputStream extends OutputStream {

    /** Discards what was written; nothing is published. Idempotent. */
    public abstract void abort();

    /** The published blob; {@link IllegalStateException} before a successful {@link #close()}. */
    public abstract BlobInfo published();

    /**
     * Whether the publish replaced a blob at the path (false: it created the blob). Decided at the
     * publish, atomically with it, like a precondition: of writers racing to a new path exactly one
     * reports false, even across processes. {@link IllegalStateException} before a successful
     * {@link #close()}.
     */
    public abstract boolean replaced();

    /** Publishes what was written (unless aborted), atomically. */
    @Override
    public abstract void close();
}
