package dev.depot.jdbc;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting TCP proxy for tests, on loopback only: a depot connects to {@link #port()} and the
 * proxy forwards to a database on 127.0.0.1. Modes: {@link #up()}; {@link #down()}, an outage (open
 * connections are reset, new ones reset at once); {@link #stall()}, a partition (connections stay
 * open but no byte moves either way, and new ones are accepted and then hang); {@link #cut()}, every
 * open connection reset mid-stream; {@link #cutAfter}, a cut armed to fire once the clients have sent
 * that many more bytes (to land inside a batch).
 */
final class FaultProxy extends LoopbackRelay {
    private enum Mode { UP, DOWN, STALL }

    private final AtomicLong cutBudget = new AtomicLong(Long.MAX_VALUE);
    private final Object gate = new Object();
    private volatile Mode mode = Mode.UP;

    FaultProxy(int targetPort) throws IOException {
        super(targetPort, 8192, "fault-proxy-accept");
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
            drop(s);
        }
    }

    /** Resets every open connection once clients have sent {@code bytes} more bytes. */
    void cutAfter(long bytes) {
        cutBudget.set(bytes);
    }

    /** What {@link #cutAfter} has left: {@code Long.MAX_VALUE} less the bytes clients sent since, when no cut is set. */
    long budgetLeft() {
        return cutBudget.get();
    }

    @Override
    boolean admit(Socket client) {
        return mode != Mode.DOWN;
    }

    @Override
    void beforeConnect() throws IOException {
        awaitFlowing();
    }

    @Override
    boolean relay(Conversation conversation, boolean fromClient, int bytes) throws IOException {
        awaitFlowing();
        if (fromClient && cutBudget.addAndGet(-bytes) < 0) {
            cutBudget.set(Long.MAX_VALUE);
            cut();
            return false;
        }
        return true;
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

    /** A reset (RST), as a dropped network path or a killed server looks, not a polite close. */
    @Override
    void drop(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // closing anyway
        }
        super.drop(s);
    }

    @Override
    public void close() {
        closed = true;
        up();
        super.close();
    }
}
