package dev.depot.memory;

import dev.depot.spi.BlobRangeStream;
import java.io.IOException;
import java.io.OutputStream;

/** Reads a range of a chunked blob, touching only the chunks the range covers and copying only into the caller's buffer. */
final class ChunkInputStream extends BlobRangeStream {
    private final byte[][] chunks;
    private long mark;

    ChunkInputStream(byte[][] chunks, long size, long offset, long length) {
        super(size, offset, length);
        this.chunks = chunks;
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
    protected int fill(byte[] b, int off, int n) {
        int left = n;
        while (left > 0) {
            int c = (int) (pos / MemoryBlobs.CHUNK);
            int within = (int) (pos % MemoryBlobs.CHUNK);
            int step = Math.min(left, MemoryBlobs.CHUNK - within);
            System.arraycopy(chunks[c], within, b, off, step);
            pos += step;
            off += step;
            left -= step;
        }
        return n;
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
