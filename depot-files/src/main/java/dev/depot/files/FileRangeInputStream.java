package dev.depot.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a range of an open content file. The channel stays on the file it opened, so a replace or
 * delete meanwhile (a rename onto the name, an unlink) does not change what this stream reads.
 */
final class FileRangeInputStream extends InputStream {
    private final FileChannel channel;
    private long pos;
    private final long end;

    FileRangeInputStream(FileChannel channel, long offset, long length) throws IOException {
        this.channel = channel;
        long size = channel.size();
        this.pos = Math.min(offset, size);
        this.end = length >= size - pos ? size : pos + length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos >= end) {
            return -1;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
        if (n < 0) {
            return -1; // the file was truncated by hand under us
        }
        pos += n;
        return n;
    }

    @Override
    public byte[] readAllBytes() throws IOException {
        long remaining = end - pos;
        if (remaining > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("blob range of " + remaining + " bytes does not fit in an array");
        }
        byte[] out = new byte[(int) remaining];
        int filled = 0;
        while (filled < out.length) {
            int n = read(out, filled, out.length - filled);
            if (n < 0) {
                return java.util.Arrays.copyOf(out, filled);
            }
            filled += n;
        }
        return out;
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
    public void close() throws IOException {
        channel.close();
    }
}
