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
 * A loopback TCP proxy for tests that counts round trips: a round trip starts whenever a client sends
 * bytes after the server last answered on that connection (or first sends). What a driver pipelines
 * into one exchange, e.g. several statements in one execute, counts once; what it sends and waits for
 * (a statement, a COMMIT, a {@code set autocommit}) counts each time, whatever the driver. Summed over
 * every connection through the proxy.
 */
final class RoundTripProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong trips = new AtomicLong();
    private volatile boolean closed;

    RoundTripProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("round-trip-proxy-accept").start(this::accept);
    }

    /** The depot URL {@code url} (a server URL on 127.0.0.1:{@code port}) redirected through the proxy. */
    String route(String url, int port) {
        return url.replace("127.0.0.1:" + port, "127.0.0.1:" + server.getLocalPort());
    }

    /** Round trips since the last call (or since the proxy started). */
    long take() {
        return trips.getAndSet(0);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket db = new Socket();
                sockets.add(client);
                sockets.add(db);
                Thread.ofVirtual().start(() -> connect(client, db));
            } catch (IOException e) {
                // closed
            }
        }
    }

    /** Whether the server has answered since the client last sent, per connection. */
    private static final class Turn {
        volatile boolean serverSpoke = true;
    }

    private void connect(Socket client, Socket db) {
        try {
            db.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            db.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            Turn turn = new Turn();
            Thread.ofVirtual().start(() -> pump(client, db, turn, true));
            pump(db, client, turn, false);
        } catch (IOException e) {
            close(client);
            close(db);
        }
    }

    private void pump(Socket from, Socket to, Turn turn, boolean fromClient) {
        byte[] buf = new byte[65536];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (fromClient) {
                    if (turn.serverSpoke) {
                        turn.serverSpoke = false;
                        trips.incrementAndGet();
                    }
                } else {
                    turn.serverSpoke = true; // before the client can see the answer and send again
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // nothing more to stop
        }
        for (Socket s : sockets) {
            close(s);
        }
    }
}
