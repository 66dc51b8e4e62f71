package dev.depot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A backend's read stream that refuses to go on once its depot is closed, and once it is closed
 * itself: every backend then fails alike, with an {@link IOException} naming bucket and path (the
 * backends' own streams said "blob stream closed", named the path, or threw a bare
 * {@code ClosedChannelException}).
 */
final class GuardedInputStream extends InputStream {
    private final InputStream in;
    private final DefaultDepot depot;
    private final String where;
    private volatile boolean closed;

    GuardedInputStream(InputStream in, DefaultDepot depot, String where) {
        this.in = in;
        this.depot = depot;
        this.where = where;
    }

    private void check() throws IOException {
        depot.checkOpen();
        if (closed) {
            throw new IOException("the read stream of " + where + " is closed");
        }
    }

    @Override
    public int read() throws IOException {
        check();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        return in.read(b, off, len);
    }

    @Override
    public byte[] readAllBytes() throws IOException {
        check();
        return in.readAllBytes();
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        check();
        return in.transferTo(out);
    }

    @Override
    public long skip(long n) throws IOException {
        check();
        return in.skip(n);
    }

    @Override
    public int available() throws IOException {
        if (closed) {
            throw new IOException("the read stream of " + where + " is closed");
        }
        return in.available();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        in.close();
    }
}
