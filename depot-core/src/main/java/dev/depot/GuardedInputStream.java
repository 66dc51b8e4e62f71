package dev.depot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A backend's read stream that refuses to go on once its depot is closed. */
final class GuardedInputStream extends InputStream {
    private final InputStream in;
    private final DefaultDepot depot;

    GuardedInputStream(InputStream in, DefaultDepot depot) {
        this.in = in;
        this.depot = depot;
    }

    @Override
    public int read() throws IOException {
        depot.checkOpen();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        depot.checkOpen();
        return in.read(b, off, len);
    }

    @Override
    public byte[] readAllBytes() throws IOException {
        depot.checkOpen();
        return in.readAllBytes();
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        depot.checkOpen();
        return in.transferTo(out);
    }

    @Override
    public long skip(long n) throws IOException {
        depot.checkOpen();
        return in.skip(n);
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
