package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.spi.ChangeLog;
import dev.depot.spi.CommitLookup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions over a fake {@link ChangeLog} that fails on demand: a backend outage anywhere in
 * the loop (reading or waiting) only pauses a subscription, which resumes at its position with no
 * gap and no repeat; closing is quiet; each listener error policy does what it says.
 */
class SubscriptionTest {
    private static final Duration GUARD = Duration.ofSeconds(20);
    private static final SubscribeOptions FAST = SubscribeOptions.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(4));

    /** An in-memory log whose reads and waits throw while {@code down} is set. */
    static final class FakeLog implements ChangeLog {
        final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        final AtomicBoolean readsFail = new AtomicBoolean();
        final AtomicBoolean waitsFail = new AtomicBoolean();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        volatile boolean spurious;

        void add(int n) {
            for (int i = 0; i < n; i++) {
                long seq = events.size() + 1;
                events.add(new ChangeEvent(seq, "items", "k" + seq, ChangeEvent.Op.INSERT, 1, Instant.EPOCH));
            }
        }

        private void maybeFail(AtomicBoolean flag) {
            if (flag.get()) {
                failures.incrementAndGet();
                throw new BackendUnavailableException("the fake backend is down", new RuntimeException("connection refused"));
            }
        }

        @Override
        public List<ChangeEvent> since(long afterSequence, int limit) {
            reads.incrementAndGet();
            maybeFail(readsFail);
            List<ChangeEvent> out = new ArrayList<>();
            for (ChangeEvent e : events) {
                if (e.sequence() > afterSequence && out.size() < limit) {
                    out.add(e);
                }
            }
            return out;
        }

        @Override
        public long lastSequence() {
            maybeFail(readsFail);
            return events.size();
        }

        @Override
        public void awaitAfter(long afterSequence, Duration timeout) throws InterruptedException {
            maybeFail(waitsFail);
            if (spurious) {
                return; // allowed by the contract, and what a log showing a hole would do
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (events.size() <= afterSequence && System.nanoTime() < deadline) {
                Thread.sleep(1);
                maybeFail(waitsFail); // as a connection closed under a call in flight
            }
        }

        @Override
        public long knownSequence() {
            return events.size();
        }

        @Override
        public CommitLookup lookup(String commitId) {
            return new CommitLookup(0, 0, 0);
        }
    }

    private final FakeLog log = new FakeLog();
    private final AtomicBoolean depotClosed = new AtomicBoolean();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler previous;
    private DefaultChangeFeed feed;

    @BeforeEach
    void open() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        feed = new DefaultChangeFeed(log, () -> {
            if (depotClosed.get()) {
                throw new IllegalStateException("closed");
            }
        }, depotClosed::get, "me");
    }

    @AfterEach
    void close() {
        depotClosed.set(true);
        feed.closeAll();
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static List<Long> sequences(List<ChangeEvent> events) {
        return events.stream().map(ChangeEvent::sequence).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }

    @Test
    void anOutageWhileWaitingPausesTheSubscriptionWhichResumesWithoutGapOrRepeat() {
        log.add(3);
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        Subscription s = feed.subscribe(0, seen::add, FAST);
        await("the first events arrive", () -> seen.size() == 3);

        log.waitsFail.set(true); // the failure that used to kill the subscription for good
        int before = log.failures.get();
        await("the outage is hit several times", () -> log.failures.get() >= before + 3);
        assertThat(s.state()).isEqualTo(Subscription.State.RETRYING);
        assertThat(s.lastError()).containsInstanceOf(BackendUnavailableException.class);
        log.add(2);
        log.waitsFail.set(false);

        await("the subscription resumes", () -> seen.size() == 5);
        await("it reports itself active", () -> s.state() == Subscription.State.ACTIVE);
        assertThat(sequences(seen)).isEqualTo(range(1, 5));
        assertThat(s.position()).isEqualTo(5);
        assertThat(uncaught).isEmpty();
    }

    @Test
    void anOutageOfReadsAndWaitsOfAnyLengthOnlyDelaysDelivery() {
        log.readsFail.set(true);
        log.waitsFail.set(true);
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        Subscription s = feed.subscribe(0, seen::add, FAST);
        log.add(4);
        await("many failed attempts", () -> log.failures.get() >= 50);
        assertThat(seen).isEmpty();
        assertThat(s.state()).isEqualTo(Subscription.State.RETRYING);

        log.readsFail.set(false);
        log.waitsFail.set(false);
        log.add(1);
        await("everything arrives", () -> seen.size() == 5);
        assertThat(sequences(seen)).isEqualTo(range(1, 5));
        assertThat(uncaught).isEmpty();
    }

    @Test
    void closingTheDepotWhileTheBackendFailsIsQuiet() {
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        Subscription s = feed.subscribe(0, seen::add, FAST);
        await("the subscription waits", () -> log.reads.get() > 0);
        // What closing a JDBC depot can do: the pool closes under the subscription before the
        // interrupt reaches it, so its next backend call fails (without closeAll's interrupt here).
        depotClosed.set(true);
        log.readsFail.set(true);
        log.waitsFail.set(true);

        await("the subscription ends", () -> s.state() == Subscription.State.CLOSED);
        assertThat(uncaught).isEmpty();
    }

    @Test
    void retryRedeliversTheFailedEventUntilAcceptedAndKeepsOrder() {
        log.add(4);
        List<Long> attempts = new CopyOnWriteArrayList<>();
        AtomicBoolean healed = new AtomicBoolean();
        Subscription s = feed.subscribe(0, e -> {
            attempts.add(e.sequence());
            if (e.sequence() == 2 && !healed.get()) {
                throw new IllegalStateException("listener failure on purpose");
            }
        }, FAST);
        await("event 2 fails several times", () -> attempts.stream().filter(q -> q == 2).count() >= 3);
        assertThat(s.state()).isEqualTo(Subscription.State.RETRYING);
        assertThat(s.position()).isEqualTo(1);
        assertThat(s.lastError()).get().extracting(Throwable::getMessage).isEqualTo("listener failure on purpose");

        healed.set(true);
        await("the rest arrives", () -> s.position() == 4);
        await("it reports itself active", () -> s.state() == Subscription.State.ACTIVE);
        assertThat(attempts.stream().distinct().toList()).isEqualTo(range(1, 4));
        assertThat(attempts).isSorted();
        assertThat(attempts.stream().filter(q -> q != 2).toList()).isEqualTo(List.of(1L, 3L, 4L));
    }

    @Test
    void skipGoesOnWithTheNextEvent() {
        log.add(4);
        List<Long> attempts = new CopyOnWriteArrayList<>();
        Subscription s = feed.subscribe(0, e -> {
            attempts.add(e.sequence());
            if (e.sequence() == 2) {
                throw new IllegalStateException("listener failure on purpose");
            }
        }, FAST.withOnError(SubscribeOptions.OnError.SKIP));

        await("everything is offered", () -> s.position() == 4);
        assertThat(attempts).isEqualTo(range(1, 4));
        assertThat(s.state()).isEqualTo(Subscription.State.ACTIVE);
        assertThat(s.lastError()).isPresent();
    }

    @Test
    void stopEndsTheSubscriptionBeforeTheFailedEvent() {
        log.add(4);
        List<Long> attempts = new CopyOnWriteArrayList<>();
        Subscription s = feed.subscribe(0, e -> {
            attempts.add(e.sequence());
            if (e.sequence() == 2) {
                throw new IllegalStateException("listener failure on purpose");
            }
        }, FAST.withOnError(SubscribeOptions.OnError.STOP));

        await("the subscription stops", () -> s.state() == Subscription.State.STOPPED);
        assertThat(s.position()).isEqualTo(1);
        assertThat(attempts).isEqualTo(List.of(1L, 2L));
        s.close();
        assertThat(s.state()).isEqualTo(Subscription.State.STOPPED);
    }

    @Test
    void aLogThatKeepsWakingWithNothingToReadIsNotPolledHot() throws InterruptedException {
        log.spurious = true; // e.g. a hole that takes a while to fill
        Subscription s = feed.subscribe(0, e -> { }, FAST);
        await("the subscription polls", () -> log.reads.get() > 0);
        int before = log.reads.get();
        Thread.sleep(300);
        // Spinning does tens of thousands of reads here; the growing pause (up to 50 ms) a handful.
        // A slow machine only lowers the count, so this cannot fail spuriously.
        assertThat(log.reads.get() - before).isLessThan(200);
        s.close();
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        SubscribeOptions o = SubscribeOptions.defaults().withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(List.of(o.backoff(1), o.backoff(2), o.backoff(3), o.backoff(4), o.backoff(5), o.backoff(60)))
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
                        Duration.ofSeconds(1), Duration.ofSeconds(1));
    }
}
