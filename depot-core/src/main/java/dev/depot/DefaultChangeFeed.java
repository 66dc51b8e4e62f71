package dev.depot;

import dev.depot.spi.ChangeLog;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed over a backend's {@link ChangeLog}; subscriptions run on virtual threads.
 *
 * <p>A subscription's loop catches every failure of the backend, wherever it happens (reading,
 * waiting), keeps its position and retries with back-off, so an outage of any length only delays it;
 * it ends only when closed (quietly) or when its listener fails under {@link SubscribeOptions.OnError#STOP}.
 */
final class DefaultChangeFeed implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int BATCH = 512;
    private static final Duration WAIT = Duration.ofMillis(500);
    /** Retries against an unreachable backend back off at most this long, so recovery is noticed soon. */
    private static final Duration MAX_OUTAGE_BACKOFF = Duration.ofSeconds(2);
    /** Longest pause after repeated early wake-ups that found nothing to read. */
    private static final long MAX_IDLE_PAUSE_MILLIS = 50;

    private final ChangeLog log;
    private final Runnable checkOpen;
    private final BooleanSupplier depotClosed;
    /** This depot's origin: what {@link SubscribeOptions#withoutOwnWrites()} leaves out. */
    private final String origin;
    private final Set<Sub> subscriptions = ConcurrentHashMap.newKeySet();

    /** {@code checkOpen} throws once the depot is closed; {@code depotClosed} tells without throwing. */
    DefaultChangeFeed(ChangeLog log, Runnable checkOpen, BooleanSupplier depotClosed, String origin) {
        this.log = log;
        this.origin = origin;
        this.checkOpen = checkOpen;
        this.depotClosed = depotClosed;
    }

    @Override
    public List<ChangeEvent> since(long afterSequence, int limit) {
        checkOpen.run();
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return log.since(Math.max(0, afterSequence), limit);
    }

    @Override
    public long lastSequence() {
        checkOpen.run();
        return log.lastSequence();
    }

    @Override
    public Subscription subscribe(long afterSequence, ChangeListener listener, SubscribeOptions options) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(options, "options");
        checkOpen.run();
        Sub sub = new Sub(Math.max(0, afterSequence), listener, options);
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
        private final SubscribeOptions options;
        private volatile long position;
        private volatile State state = State.ACTIVE;
        private volatile Throwable lastError;
        private volatile boolean closed;
        private volatile Thread thread;
        /** Consecutive backend failures, 0 while the backend answers. */
        private int outage;
        /** Consecutive early wake-ups that found nothing to read. */
        private int idle;

        Sub(long position, ChangeListener listener, SubscribeOptions options) {
            this.position = position;
            this.listener = listener;
            this.options = options;
        }

        private boolean open() {
            return !closed && !depotClosed.getAsBoolean();
        }

        void run() {
            try {
                while (open()) {
                    try {
                        for (ChangeEvent e : poll()) {
                            if (!open() || !deliver(e)) {
                                return;
                            }
                        }
                    } catch (InterruptedException e) {
                        // close() interrupts; any other interrupt (the listener's own) is not an end
                    }
                }
            } finally {
                if (state != State.STOPPED) {
                    state = State.CLOSED;
                }
                subscriptions.remove(this);
            }
        }

        /**
         * The next batch, or an empty list after waiting for one; backend failures are retried here
         * with back-off, so nothing the backend throws leaves this loop.
         */
        private List<ChangeEvent> poll() throws InterruptedException {
            try {
                List<ChangeEvent> batch = log.since(position, BATCH);
                if (batch.isEmpty()) {
                    await();
                }
                recovered();
                return batch;
            } catch (RuntimeException e) {
                if (!open()) {
                    return List.of(); // closing: the backend went away under us, quietly
                }
                outage++;
                lastError = e;
                state = State.RETRYING;
                Duration pause = options.backoff(outage);
                if (pause.compareTo(MAX_OUTAGE_BACKOFF) > 0) {
                    pause = MAX_OUTAGE_BACKOFF;
                }
                if (outage == 1) {
                    LOG.warn("change subscription paused after sequence {}: {}; retrying until the backend answers",
                            position, e.toString());
                } else {
                    LOG.debug("change subscription still paused after sequence {} (attempt {})", position, outage, e);
                }
                sleep(pause);
                return List.of();
            }
        }

        /** Waits for events after the position; pauses if the log keeps waking up with nothing to read. */
        private void await() throws InterruptedException {
            if (idle > 1) {
                sleep(Duration.ofMillis(Math.min(MAX_IDLE_PAUSE_MILLIS, 1L << Math.min(idle - 2, 6))));
            }
            long start = System.nanoTime();
            log.awaitAfter(position, WAIT);
            boolean early = System.nanoTime() - start < WAIT.toNanos() / 2;
            idle = early ? idle + 1 : 0;
        }

        private void recovered() {
            if (outage > 0) {
                LOG.info("change subscription resumed after sequence {}", position);
                outage = 0;
                state = State.ACTIVE;
            }
        }

        /** Hands one event to the listener as the policy says; false when the subscription ends. */
        private boolean deliver(ChangeEvent e) throws InterruptedException {
            if (!options.ownWrites() && !origin.isEmpty() && origin.equals(e.origin())) {
                position = e.sequence(); // this depot's own write: passed over, not delivered
                return true;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    listener.onChange(e);
                    idle = 0;
                    position = e.sequence();
                    if (attempt > 1) {
                        LOG.info("change listener accepted event {} of collection {} on attempt {}", e.sequence(), e.collection(), attempt);
                        state = State.ACTIVE;
                    }
                    return true;
                } catch (Throwable failure) { // checked ones too: Kotlin, Groovy and @SneakyThrows code throw them undeclared
                    if (!open()) {
                        return false;
                    }
                    lastError = failure;
                    switch (options.onError()) {
                        case SKIP -> {
                            LOG.warn("change listener failed on event {} (collection {}, key {}); skipping it", e.sequence(),
                                    e.collection(), e.key(), failure);
                            position = e.sequence();
                            return true;
                        }
                        case STOP -> {
                            LOG.error("change listener failed on event {} (collection {}, key {}); subscription stopped at {}",
                                    e.sequence(), e.collection(), e.key(), position, failure);
                            state = State.STOPPED;
                            return false;
                        }
                        case RETRY -> {
                            state = State.RETRYING;
                            Duration pause = options.backoff(attempt);
                            if (attempt == 1) {
                                LOG.warn("change listener failed on event {} (collection {}, key {}); retrying it in {} ms",
                                        e.sequence(), e.collection(), e.key(), pause.toMillis(), failure);
                            } else {
                                LOG.warn("change listener failed again on event {} (collection {}, key {}), attempt {}: {}; "
                                        + "retrying in {} ms", e.sequence(), e.collection(), e.key(), attempt, failure.toString(),
                                        pause.toMillis());
                            }
                            sleep(pause);
                            if (!open()) {
                                return false;
                            }
                        }
                    }
                }
            }
        }

        private void sleep(Duration d) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public Optional<Throwable> lastError() {
            return Optional.ofNullable(lastError);
        }

        @Override
        public void close() {
            closed = true; // the thread reports CLOSED once it has ended
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }
}
