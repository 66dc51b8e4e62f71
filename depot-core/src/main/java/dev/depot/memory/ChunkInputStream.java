package dev.depot.memory;

import dev.depot.spi.BlobRangeStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Reads a range of a chunked blob, touching only the chunks the range covers and copying only into
 * the caller's buffer. It holds the {@link MemoryBlobContent} it reads (counted in by the store when
 * opened) until {@link #close}, which lets go of it once; reading after that is an {@link IOException},
 * since the chunks may already hold another blob's bytes. Not thread-safe, like any stream: a close
 * racing a read on another thread is the caller's bug.
 */
final class ChunkInputStream extends BlobRangeStream {
    private static final int TRANSFER_BUFFER = 16 * 1024;

    private final MemoryBlobContent content;
    /** The content's chunks while open, null once closed. */
    private byte[][] chunks;
    private long mark;

    /** A stream over {@code content}, which the caller has already retained for it. */
    ChunkInputStream(MemoryBlobContent content, long size, long offset, long length) {
        super(size, offset, length);
        this.content = content;
        this.chunks = content.chunks;
        this.mark = pos;
    }

    private byte[][] chunks() throws IOException {
        byte[][] c = chunks;
        if (c == null) {
            throw new IOException("blob stream closed");
        }
        return c;
    }

    @Override
    public int read() throws IOException {
        byte[][] c = chunks();
        if (pos >= end) {
            return -1;
        }
        byte b = c[(int) (pos / MemoryBlobs.CHUNK)][(int) (pos % MemoryBlobs.CHUNK)];
        pos++;
        return b & 0xff;
    }

    /**
     * The rest of the range in one new array, allocated by copying from the first chunk: the JIT
     * then zeroes only the part the other chunks overwrite next, not the part the first chunk fills
     * (a blob within one chunk is one copy and no zeroing at all).
     */
    @Override
    public byte[] readAllBytes() throws IOException {
        byte[][] cs = chunks();
        long remaining = end - pos;
        if (remaining > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("blob range of " + remaining + " bytes does not fit in an array");
        }
        if (remaining == 0) {
            return new byte[0];
        }
        int n = (int) remaining;
        int within = (int) (pos % MemoryBlobs.CHUNK);
        byte[] out = Arrays.copyOfRange(cs[(int) (pos / MemoryBlobs.CHUNK)], within, within + n);
        int first = Math.min(n, MemoryBlobs.CHUNK - within);
        pos += first;
        if (first < n) {
            fill(out, first, n - first);
        }
        return out;
    }

    @Override
    protected int fill(byte[] b, int off, int n) throws IOException {
        byte[][] cs = chunks();
        int left = n;
        while (left > 0) {
            int c = (int) (pos / MemoryBlobs.CHUNK);
            int within = (int) (pos % MemoryBlobs.CHUNK);
            int step = Math.min(left, MemoryBlobs.CHUNK - within);
            System.arraycopy(cs[c], within, b, off, step);
            pos += step;
            off += step;
            left -= step;
        }
        return n;
    }

    /**
     * Hands chunks straight to the JDK streams known to copy what they are given; any other stream
     * gets copies through a small buffer, because a stream that kept or changed the array it was
     * given would see another blob's bytes once the chunk is reused, or change this blob.
     */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        byte[][] cs = chunks();
        boolean direct = out.getClass() == ByteArrayOutputStream.class || out.getClass() == FileOutputStream.class;
        byte[] buffer = direct ? null : new byte[(int) Math.min(TRANSFER_BUFFER, Math.max(1, end - pos))];
        long total = 0;
        while (pos < end) {
            int c = (int) (pos / MemoryBlobs.CHUNK);
            int within = (int) (pos % MemoryBlobs.CHUNK);
            int step = (int) Math.min(end - pos, MemoryBlobs.CHUNK - within);
            if (direct) {
                out.write(cs[c], within, step);
            } else {
                step = Math.min(step, buffer.length);
                System.arraycopy(cs[c], within, buffer, 0, step);
                out.write(buffer, 0, step);
            }
            pos += step;
            total += step;
        }
        return total;
    }

    @Override
    public void close() {
        if (chunks != null) {
            chunks = null;
            content.release();
        }
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readLimit) {
        mark = pos;
    }

    @Override
    public synchronized void reset() {
        pos = mark;
    }
}
