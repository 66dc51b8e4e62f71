package dev.depot;

import dev.depot.spi.ChangeLog;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The change feed over a backend's {@link ChangeLog}; subscriptions run on virtual threads. */
final class DefaultChangeFeed implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int BATCH = 512;
    private static final Duration WAIT = Duration.ofMillis(500);

    private final ChangeLog log;
    private final DefaultDepot depot;
    private final Set<Sub> subscriptions = ConcurrentHashMap.newKeySet();

    DefaultChangeFeed(ChangeLog log, DefaultDepot depot) {
        this.log = log;
        this.depot = depot;
    }

    @Override
    public List<ChangeEvent> since(long afterSequence, int limit) {
        depot.checkOpen();
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return log.since(Math.max(0, afterSequence), limit);
    }

    @Override
    public long lastSequence() {
        depot.checkOpen();
        return log.lastSequence();
    }

    @Override
    public Subscription subscribe(long afterSequence, ChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        depot.checkOpen();
        Sub sub = new Sub(Math.max(0, afterSequence), listener);
        subscriptions.add(sub);
        sub.thread = Thread.ofVirtual().name("depot-subscription").start(sub::run);
        return sub;
    }

    void closeAll() {
        for (Sub s : subscriptions) {
            s.close();
        }
    }

    private final class Sub implements Subscription {
        private final ChangeListener listener;
        private volatile long position;
        private volatile boolean closed;
        private volatile Thread thread;

        Sub(long position, ChangeListener listener) {
            this.position = position;
            this.listener = listener;
        }

        void run() {
            try {
                while (!closed && !depot.isClosed()) {
                    if (!pollOnce()) {
                        log.awaitAfter(position, WAIT);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                subscriptions.remove(this);
            }
        }

        /** Delivers one batch; false when there was nothing to deliver (or the backend is down). */
        private boolean pollOnce() throws InterruptedException {
            List<ChangeEvent> batch;
            try {
                batch = log.since(position, BATCH);
            } catch (RuntimeException e) {
                if (closed || depot.isClosed()) {
                    return true; // the loop ends
                }
                // A backend that is down recovers by itself; keep the position and try again shortly.
                LOG.warn("change subscription paused after sequence {}: {}", position, e.getClass().getSimpleName());
                Thread.sleep(WAIT.toMillis());
                return true;
            }
            for (ChangeEvent e : batch) {
                if (closed) {
                    return true;
                }
                deliver(e);
                position = e.sequence();
            }
            return !batch.isEmpty();
        }

        private void deliver(ChangeEvent e) {
            try {
                listener.onChange(e);
            } catch (RuntimeException ex) {
                LOG.warn("change listener failed on event {} of collection {}; continuing with the next event: {}",
                        e.sequence(), e.collection(), ex.getClass().getName());
            }
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void close() {
            closed = true;
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }
}
