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

/**
 * The part every test proxy shares: listens on a loopback port, connects each client to a database
 * port on 127.0.0.1 and copies bytes both ways on virtual threads. A subclass sees every chunk
 * before it is forwarded ({@link #relay}) and decides what a connection's end looks like
 * ({@link #drop}).
 */
abstract class LoopbackRelay implements AutoCloseable {
    /** One proxied connection, for state a subclass keeps per connection. */
    static final class Conversation {
        /** Whether the server has answered since the client last sent. */
        volatile boolean serverSpoke = true;
    }

    private final ServerSocket server;
    private final int targetPort;
    private final int bufferSize;
    final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    volatile boolean closed;

    LoopbackRelay(int targetPort, int bufferSize, String name) throws IOException {
        this.targetPort = targetPort;
        this.bufferSize = bufferSize;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name(name).start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The depot URL {@code url} (a server URL on 127.0.0.1:{@code port}) redirected through the proxy. */
    String route(String url, int port) {
        return url.replace("127.0.0.1:" + port, "127.0.0.1:" + port());
    }

    /** Whether a new client is taken in; a refused one is dropped. */
    boolean admit(Socket client) {
        return true;
    }

    /** Runs before the proxy connects a client to the database (it may block or refuse). */
    void beforeConnect() throws IOException {}

    /**
     * Sees {@code bytes} bytes about to go one way on {@code conversation}; returns false to end
     * this direction (both sockets are then dropped) instead of forwarding them.
     */
    abstract boolean relay(Conversation conversation, boolean fromClient, int bytes) throws IOException;

    /** Ends a socket; a plain close unless the proxy simulates something harsher. */
    void drop(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (!admit(client)) {
                    drop(client);
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
            db.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            beforeConnect();
            db.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            Conversation conversation = new Conversation();
            Thread.ofVirtual().start(() -> pump(client, db, conversation, true));
            pump(db, client, conversation, false);
        } catch (IOException e) {
            drop(client);
            drop(db);
        }
    }

    private void pump(Socket from, Socket to, Conversation conversation, boolean fromClient) {
        byte[] buf = new byte[bufferSize];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!relay(conversation, fromClient, n)) {
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away, or the proxy cut it
        } finally {
            drop(from);
            drop(to);
        }
    }

    /** Stops accepting and drops every open connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // nothing more to stop
        }
        for (Socket s : sockets) {
            drop(s);
        }
    }
}
