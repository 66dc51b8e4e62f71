package dev.depot.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reads a range of a chunked blob, touching only the chunks the range covers and copying only into the caller's buffer. */
final class ChunkInputStream extends InputStream {
    private final byte[][] chunks;
    private final long end;
    private long pos;
    private long mark;

    ChunkInputStream(byte[][] chunks, long size, long offset, long length) {
        this.chunks = chunks;
        this.pos = Math.min(offset, size);
        this.end = length >= size - pos ? size : pos + length;
        this.mark = pos;
    }

    @Override
    public int read() {
        if (pos >= end) {
            return -1;
        }
        byte b = chunks[(int) (pos / MemoryBlobs.CHUNK)][(int) (pos % MemoryBlobs.CHUNK)];
        pos++;
        return b & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos >= end) {
            return -1;
        }
        int n = (int) Math.min(len, end - pos);
        copy(b, off, n);
        return n;
    }

    private void copy(byte[] b, int off, int n) {
        while (n > 0) {
            int c = (int) (pos / MemoryBlobs.CHUNK);
            int within = (int) (pos % MemoryBlobs.CHUNK);
            int step = Math.min(n, MemoryBlobs.CHUNK - within);
            System.arraycopy(chunks[c], within, b, off, step);
            pos += step;
            off += step;
            n -= step;
        }
    }

    @Override
    public byte[] readAllBytes() {
        long remaining = end - pos;
        if (remaining > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("blob range of " + remaining + " bytes does not fit in an array");
        }
        byte[] out = new byte[(int) remaining];
        copy(out, 0, out.length);
        return out;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        long total = 0;
        while (pos < end) {
            int c = (int) (pos / MemoryBlobs.CHUNK);
            int within = (int) (pos % MemoryBlobs.CHUNK);
            int step = (int) Math.min(end - pos, MemoryBlobs.CHUNK - within);
            out.write(chunks[c], within, step); // straight from the chunk, no intermediate buffer
            pos += step;
            total += step;
        }
        return total;
    }

    @Override
    public long skip(long n) {
        long step = Math.max(0, Math.min(n, end - pos));
        pos += step;
        return step;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - pos);
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
