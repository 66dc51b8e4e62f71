package dev.depot.jdbc;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy for tests that counts round trips: a round trip starts whenever a client sends
 * bytes after the server last answered on that connection (or first sends). What a driver pipelines
 * into one exchange, e.g. several statements in one execute, counts once; what it sends and waits for
 * (a statement, a COMMIT, a {@code set autocommit}) counts each time, whatever the driver. Summed over
 * every connection through the proxy.
 */
final class RoundTripProxy extends LoopbackRelay {
    private final AtomicLong trips = new AtomicLong();

    RoundTripProxy(int targetPort) throws IOException {
        super(targetPort, 65536, "round-trip-proxy-accept");
    }

    /** Round trips since the last call (or since the proxy started). */
    long take() {
        return trips.getAndSet(0);
    }

    @Override
    boolean relay(Conversation conversation, boolean fromClient, int bytes) {
        if (!fromClient) {
            conversation.serverSpoke = true; // before the client can see the answer and send again
        } else if (conversation.serverSpoke) {
            conversation.serverSpoke = false;
            trips.incrementAndGet();
        }
        return true;
    }
}
