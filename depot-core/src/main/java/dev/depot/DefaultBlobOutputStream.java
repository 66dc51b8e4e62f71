package dev.depot;

import dev.depot.spi.BlobPublished;
import dev.depot.spi.BlobUpload;
import dev.depot.spi.ContentHash;
import java.io.IOException;
import java.lang.ref.Cleaner;

/**
 * A streamed write: buffers small writes, hashes the bytes for the etag as they pass, and publishes
 * on close. A cleaner aborts the upload of a stream that becomes unreachable unclosed, so an
 * abandoned stream holds no buffers or temporary storage for long.
 */
final class DefaultBlobOutputStream extends BlobOutputStream {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Writes smaller than this are gathered, so a byte-at-a-time writer does not cost a backend call per byte. */
    private static final int BUFFER = 8192;

    private enum State { OPEN, PUBLISHED, DISCARDED }

    private final DefaultBlobs blobs;
    private final String path;
    private final WriteOptions options;
    private final Abandon abandon;
    private final Cleaner.Cleanable cleanable;
    private final ContentHash hash = new ContentHash();
    private byte[] buffer;
    private int buffered;
    private State state = State.OPEN;
    private BlobPublished published;

    DefaultBlobOutputStream(DefaultBlobs blobs, String path, WriteOptions options, BlobUpload upload) {
        this.blobs = blobs;
        this.path = path;
        this.options = options;
        this.abandon = new Abandon(upload);
        this.cleanable = CLEANER.register(this, abandon);
    }

    /** The cleaning action: must not reach the stream, or the stream would never become unreachable. */
    private static final class Abandon implements Runnable {
        final BlobUpload upload;
        volatile boolean done;

        Abandon(BlobUpload upload) {
            this.upload = upload;
        }

        @Override
        public void run() {
            if (!done) {
                done = true;
                upload.abort();
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        checkWritable();
        if (buffer == null || buffered == buffer.length) {
            if (buffer == null) {
                buffer = new byte[BUFFER];
            } else {
                flushBuffer();
            }
        }
        buffer[buffered++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        checkWritable();
        if (len < BUFFER / 4) {
            if (buffer == null) {
                buffer = new byte[BUFFER];
            }
            if (buffered + len > buffer.length) {
                flushBuffer();
            }
            System.arraycopy(b, off, buffer, buffered, len);
            buffered += len;
            return;
        }
        flushBuffer();
        send(b, off, len);
    }

    private void checkWritable() throws IOException {
        blobs.checkOpen();
        if (state != State.OPEN) {
            throw new IOException("blob stream for " + blobs.where(path) + " is "
                    + (state == State.PUBLISHED ? "closed" : "aborted"));
        }
    }

    private void flushBuffer() throws IOException {
        if (buffered > 0) {
            int n = buffered;
            buffered = 0;
            send(buffer, 0, n);
        }
    }

    private void send(byte[] b, int off, int len) throws IOException {
        for (int at = 0; at < len; at += DefaultBlobs.SLICE) {
            int n = Math.min(DefaultBlobs.SLICE, len - at);
            try {
                abandon.upload.write(b, off + at, n);
            } catch (IOException | RuntimeException | Error e) {
                discard(); // a stream whose own write failed never publishes
                throw e;
            }
            hash.update(b, off + at, n); // while the slice is still in cache
        }
    }

    @Override
    public void flush() {
        // Nothing is visible before close; flushing changes nothing a reader can see.
    }

    @Override
    public void abort() {
        if (state == State.OPEN) {
            discard();
        }
    }

    private void discard() {
        state = State.DISCARDED;
        buffer = null;
        cleanable.clean();
    }

    @Override
    public void close() {
        if (state != State.OPEN) {
            return;
        }
        if (blobs.isClosed()) {
            discard();
            blobs.checkOpen();
        }
        try {
            flushBuffer();
        } catch (IOException e) {
            throw DefaultBlobs.unchecked("writing " + blobs.where(path), e);
        }
        if (state != State.OPEN) {
            return;
        }
        abandon.done = true; // publish discards on failure itself; the cleaner must not abort a published upload
        state = State.DISCARDED;
        buffer = null;
        try {
            published = blobs.publish(path, options, abandon.upload, hash.size(), hash.etag());
            state = State.PUBLISHED;
        } finally {
            cleanable.clean();
        }
    }

    @Override
    public BlobInfo published() {
        return outcome().info();
    }

    @Override
    public boolean replaced() {
        return outcome().replaced();
    }

    private BlobPublished outcome() {
        if (published == null) {
            throw new IllegalStateException("blob stream for " + blobs.where(path) + " has not published"
                    + (state == State.DISCARDED ? " (aborted or failed)" : " yet (close it)"));
        }
        return published;
    }
}
