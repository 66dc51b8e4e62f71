package dev.depot.spi;

import java.io.InputStream;
import java.util.Objects;

/**
 * Base of a backend's ranged blob stream: holds the one rule for ranges (CONTRACT §5a — an offset
 * at or past the end reads nothing, a length running past the end is cut) and the position
 * bookkeeping every such stream shares. A subclass only moves bytes, through {@link #fill}.
 */
public abstract class BlobRangeStream extends InputStream {
    /** Next byte to read, absolute in the blob. */
    protected long pos;
    /** End of the range, exclusive, absolute in the blob. */
    protected final long end;

    /** The range {@code [offset, offset + length)} of a blob of {@code size} bytes, cut to the blob. */
    protected BlobRangeStream(long size, long offset, long length) {
        this.pos = Math.min(offset, size);
        this.end = length >= size - pos ? size : pos + length;
    }

    /**
     * Copies up to {@code n} bytes (1 ≤ n ≤ what is left) at {@link #pos} into {@code b} at {@code
     * off} and advances {@link #pos}; returns the count, or -1 if the content ended early.
     */
    protected abstract int fill(byte[] b, int off, int n) throws java.io.IOException;

    @Override
    public int read() throws java.io.IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws java.io.IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos >= end) {
            return -1;
        }
        return fill(b, off, (int) Math.min(len, end - pos));
    }

    @Override
    public byte[] readAllBytes() throws java.io.IOException {
        long remaining = end - pos;
        if (remaining > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("blob range of " + remaining + " bytes does not fit in an array");
        }
        byte[] out = new byte[(int) remaining];
        int filled = 0;
        while (filled < out.length) {
            int n = fill(out, filled, out.length - filled);
            if (n < 0) {
                return java.util.Arrays.copyOf(out, filled);
            }
            filled += n;
        }
        return out;
    }

    @Override
    public final long skip(long n) {
        long step = Math.max(0, Math.min(n, end - pos));
        pos += step;
        return step;
    }

    @Override
    public final int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }
}
