package dev.depot.files;

import dev.depot.spi.BlobRangeStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a range of an open content file. The channel stays on the file it opened, so a replace or
 * delete meanwhile (a rename onto the name, an unlink) does not change what this stream reads.
 */
final class FileRangeInputStream extends BlobRangeStream {
    private final FileChannel channel;

    FileRangeInputStream(FileChannel channel, long offset, long length) throws IOException {
        super(channel.size(), offset, length);
        this.channel = channel;
    }

    @Override
    protected int fill(byte[] b, int off, int n) throws IOException {
        int read = channel.read(ByteBuffer.wrap(b, off, n), pos);
        if (read < 0) {
            return -1; // the file was truncated by hand under us
        }
        pos += read;
        return read;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
