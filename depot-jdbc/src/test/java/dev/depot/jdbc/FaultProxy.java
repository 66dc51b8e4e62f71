package dev.depot.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting TCP proxy for tests, on loopback only: a depot connects to {@link #port()} and the
 * proxy forwards to a database on 127.0.0.1. Modes: {@link #up()}; {@link #down()}, an outage (open
 * connections are reset, new ones reset at once); {@link #stall()}, a partition (connections stay
 * open but no byte moves either way, and new ones are accepted and then hang); {@link #cut()}, every
 * open connection reset mid-stream; {@link #cutAfter}, a cut armed to fire once the clients have sent
 * that many more bytes (to land inside a batch).
 */
final class FaultProxy implements AutoCloseable {
    private enum Mode { UP, DOWN, STALL }

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong cutBudget = new AtomicLong(Long.MAX_VALUE);
    private final Object gate = new Object();
    private volatile Mode mode = Mode.UP;
    private volatile boolean closed;

    FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fault-proxy-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The depot URL {@code url} (a server URL on 127.0.0.1) redirected through the proxy. */
    String route(String url, int port) {
        return url.replace("127.0.0.1:" + port, "127.0.0.1:" + port());
    }

    void up() {
        synchronized (gate) {
            mode = Mode.UP;
            gate.notifyAll();
        }
    }

    void down() {
        mode = Mode.DOWN;
        cut();
    }

    void stall() {
        mode = Mode.STALL;
    }

    /** Resets every open connection now. */
    void cut() {
        for (Socket s : sockets) {
            reset(s);
        }
    }

    /** Resets every open connection once clients have sent {@code bytes} more bytes. */
    void cutAfter(long bytes) {
        cutBudget.set(bytes);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (mode == Mode.DOWN) {
                    reset(client);
                    continue;
                }
                Socket db = new Socket();
                sockets.add(client);
                sockets.add(db);
                Thread.ofVirtual().start(() -> connect(client, db));
            } catch (IOException e) {
                // closed, or one failed accept: go on until closed
            }
        }
    }

    private void connect(Socket client, Socket db) {
        try {
            awaitFlowing();
            db.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            Thread.ofVirtual().start(() -> pump(client, db, true));
            pump(db, client, false);
        } catch (IOException e) {
            reset(client);
            reset(db);
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                awaitFlowing();
                if (fromClient && cutBudget.addAndGet(-n) < 0) {
                    cutBudget.set(Long.MAX_VALUE);
                    cut();
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away, or we cut it
        } finally {
            reset(from);
            reset(to);
        }
    }

    /** Holds bytes while partitioned; a down proxy drops them. */
    private void awaitFlowing() throws IOException {
        synchronized (gate) {
            while (mode == Mode.STALL && !closed) {
                try {
                    gate.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
        if (mode == Mode.DOWN || closed) {
            throw new IOException("down");
        }
    }

    private void reset(Socket s) {
        sockets.remove(s);
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0); // RST, as a dropped network path or a killed server looks
            }
        } catch (IOException e) {
            // closing anyway
        }
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        up();
        try {
            server.close();
        } catch (IOException e) {
            // nothing more to stop
        }
        cut();
    }
}
