package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import dev.depot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A queue's options belong to the queue, not to a handle (CONTRACT.md "Queues", "Options"): two
 * depots on one store (two processes of one service sharing a database, or two depots on one
 * {@code memory:NAME} store) with different origins and one clock; one depot changes a queue's
 * options while the other holds a handle opened before, and that handle's next operations must
 * follow the new options — the lease timeout of its next lease, whether a lease ending on its
 * watch (retry, dead-letter, expiry, in a transaction too) kills the item and where it goes, and
 * when its dead items go. Each scenario runs both ways round, and once more with the handle's own
 * depot having changed the options last before the other depot set them back.
 */
class QueueOptionsAcrossDepotsTest {
    static final String PREFIX = "qoa_";
    private static final Instant START = Instant.parse("2031-03-01T00:00:00Z");

    static Stream<Arguments> backends() {
        String shared = "memory:qoptions-" + UUID.randomUUID();
        return Stream.concat(Stream.of(Arguments.of("memory", (TestDatabases.UrlSource) () -> shared)), TestDatabases.all(PREFIX));
    }

    /** Two depots on one store, as two processes: their own origins, one clock. */
    private record Pair(Depot a, Depot b, TestClock clock) implements AutoCloseable {
        static Pair open(TestDatabases.UrlSource opener) {
            String url = opener.url();
            String full = url.startsWith("memory:") ? url : ReadableSchemaTest.url(() -> url, PREFIX);
            TestClock clock = new TestClock(START);
            Depot a = Depot.open(full, DepotOptions.defaults().clock(clock).origin("proc-a"));
            try {
                return new Pair(a, Depot.open(full, DepotOptions.defaults().clock(clock).origin("proc-b")), clock);
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
        }

        /** The depot whose handle is checked (a, or b when reversed), and the one that changes the options. */
        Depot user(boolean reversed) {
            return reversed ? b : a;
        }

        Depot changer(boolean reversed) {
            return reversed ? a : b;
        }

        @Override
        public void close() {
            try {
                a.close();
            } finally {
                b.close();
            }
        }
    }

    private static QueueItem item(WorkQueue q, Lease l) {
        return q.inspect(l.id()).orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void maxAttemptsChangedElsewhereDecideWhetherALeaseEndingHereKillsTheItem(String db, TestDatabases.UrlSource opener) {
        try (Pair p = Pair.open(opener)) {
            for (boolean reversed : new boolean[] {false, true}) {
                Depot user = p.user(reversed);
                Depot changer = p.changer(reversed);
                String name = "attempts_" + (reversed ? "ba" : "ab");
                WorkQueue q = user.queue(name, QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(5));
                for (int i = 0; i < 4; i++) {
                    q.produce(Message.of("item " + i));
                }
                QueueOptions lowered = QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1);
                changer.queue(name, lowered);
                assertThat(q.options()).as("%s: the handle's options after the other depot changed them", name).isEqualTo(lowered);

                Lease retried = q.lease(1, Duration.ZERO).getFirst();
                q.retry(retried, Duration.ZERO);
                assertThat(item(q, retried).state()).as("%s: retried on its last attempt by the new count", name).isEqualTo(ItemState.DEAD);
                assertThat(item(q, retried).deadReason()).isEqualTo("retried on its last attempt (1 of 1)");

                Lease inTx = q.lease(1, Duration.ZERO).getFirst();
                user.transact(tx -> {
                    tx.queue(name).retry(inTx, Duration.ZERO);
                    return null;
                });
                assertThat(item(q, inTx).state()).as("%s: retried in a transaction on its last attempt", name).isEqualTo(ItemState.DEAD);

                Lease expiring = q.lease(1, Duration.ZERO).getFirst();
                p.clock().advance(Duration.ofSeconds(31));
                assertThat(q.stats().dead()).as("%s: an expired lease on its last attempt", name).isEqualTo(3);
                assertThat(item(q, expiring).deadReason()).isEqualTo("lease expired on its last attempt (1 of 1)");

                // Changed by this depot (its handle saw 1), then set back by the other: 5 again.
                user.queue(name, lowered);
                changer.queue(name, lowered.maxAttempts(5));
                Lease again = q.lease(1, Duration.ZERO).getFirst();
                q.retry(again, Duration.ZERO);
                assertThat(item(q, again).state()).as("%s: the count set back by the other depot", name).isEqualTo(ItemState.READY);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void leaseTimeoutChangedElsewhereIsTheNextLeasesTimeout(String db, TestDatabases.UrlSource opener) {
        try (Pair p = Pair.open(opener)) {
            for (boolean reversed : new boolean[] {false, true}) {
                Depot user = p.user(reversed);
                Depot changer = p.changer(reversed);
                String name = "timeout_" + (reversed ? "ba" : "ab");
                WorkQueue q = user.queue(name, QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
                for (int i = 0; i < 3; i++) {
                    q.produce(Message.of("item " + i));
                }
                changer.queue(name, QueueOptions.leaseTimeout(Duration.ofSeconds(5)));
                assertThat(q.options().leaseTimeout()).isEqualTo(Duration.ofSeconds(5));
                Lease l = q.lease(1, Duration.ZERO).getFirst();
                assertThat(Duration.between(l.leasedAt(), l.expiresAt())).as("%s: a lease after the change", name)
                        .isEqualTo(Duration.ofSeconds(5));
                p.clock().advance(Duration.ofSeconds(6));
                assertThat(item(q, l).state()).as("%s: the lease ended at its (new) expiry", name).isEqualTo(ItemState.READY);

                // With due work (a scheduled item now ready) the lease takes the general path on PostgreSQL too.
                changer.queue(name, QueueOptions.leaseTimeout(Duration.ofSeconds(7)));
                q.produce(Message.of("later").notBefore(p.clock().instant().plusSeconds(1)));
                p.clock().advance(Duration.ofSeconds(2));
                Lease general = q.lease(1, Duration.ZERO).getFirst();
                assertThat(Duration.between(general.leasedAt(), general.expiresAt())).as("%s: a lease after due work", name)
                        .isEqualTo(Duration.ofSeconds(7));
                q.complete(general);

                // Changed by this depot, then set back by the other.
                user.queue(name, QueueOptions.leaseTimeout(Duration.ofSeconds(10)));
                changer.queue(name, QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
                Lease back = q.lease(1, Duration.ZERO).getFirst();
                assertThat(Duration.between(back.leasedAt(), back.expiresAt())).as("%s: the timeout set back by the other depot", name)
                        .isEqualTo(Duration.ofSeconds(30));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void deadLetterQueueChangedElsewhereIsWhereADeadItemGoes(String db, TestDatabases.UrlSource opener) {
        try (Pair p = Pair.open(opener)) {
            for (boolean reversed : new boolean[] {false, true}) {
                Depot user = p.user(reversed);
                Depot changer = p.changer(reversed);
                String name = "dlq_" + (reversed ? "ba" : "ab");
                String first = name + "_one";
                String second = name + "_two";
                QueueOptions base = QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1);
                WorkQueue q = user.queue(name, base);
                for (int i = 0; i < 6; i++) {
                    q.produce(Message.of("item " + i));
                }
                changer.queue(name, base.deadLetter(first));
                assertThat(q.options().deadLetterQueue()).isEqualTo(first);

                q.deadLetter(q.lease(1, Duration.ZERO).getFirst(), "cannot parse");
                q.retry(q.lease(1, Duration.ZERO).getFirst(), Duration.ZERO);
                Lease inTx = q.lease(1, Duration.ZERO).getFirst();
                user.transact(tx -> {
                    tx.queue(name).deadLetter(inTx, "cannot parse");
                    return null;
                });
                assertThat(user.queue(first).stats().ready()).as("%s: dead letters in the queue the other depot named", name).isEqualTo(3);
                assertThat(q.stats().dead()).as("%s: dead where they were", name).isZero();

                changer.queue(name, base.deadLetter(second));
                Lease expiring = q.lease(1, Duration.ZERO).getFirst();
                p.clock().advance(Duration.ofSeconds(31));
                assertThat(q.stats().dead()).isZero();
                assertThat(user.queue(second).inspect(expiring.id())).as("%s: expired into the queue named since", name).isPresent();
                assertThat(user.queue(first).stats().ready()).isEqualTo(3);

                changer.queue(name, base);
                Lease none = q.lease(1, Duration.ZERO).getFirst();
                q.deadLetter(none, "cannot parse");
                assertThat(item(q, none).state()).as("%s: no dead-letter queue any more", name).isEqualTo(ItemState.DEAD);

                // Changed by this depot (its handle saw a dead-letter queue), then removed by the other.
                user.queue(name, base.deadLetter(first));
                changer.queue(name, base);
                Lease back = q.lease(1, Duration.ZERO).getFirst();
                q.retry(back, Duration.ZERO);
                assertThat(item(q, back).state()).as("%s: the dead-letter queue removed by the other depot", name)
                        .isEqualTo(ItemState.DEAD);
                assertThat(user.queue(first).stats().ready()).isEqualTo(3);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void retentionChangedElsewhereDecidesWhenDeadItemsGo(String db, TestDatabases.UrlSource opener) {
        try (Pair p = Pair.open(opener)) {
            for (boolean reversed : new boolean[] {false, true}) {
                Depot user = p.user(reversed);
                Depot changer = p.changer(reversed);
                String name = "retention_" + (reversed ? "ba" : "ab");
                QueueOptions week = QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1).deadRetention(Duration.ofDays(7));
                QueueOptions hour = week.deadRetention(Duration.ofHours(1));
                WorkQueue q = user.queue(name, week);
                for (int i = 0; i < 3; i++) {
                    q.produce(Message.of("item " + i));
                }
                q.retry(q.lease(1, Duration.ZERO).getFirst(), Duration.ZERO); // dead under a week's retention

                changer.queue(name, hour);
                assertThat(q.options().deadRetention()).isEqualTo(Duration.ofHours(1));
                p.clock().advance(Duration.ofMinutes(61));
                assertThat(q.stats().dead()).as("%s: a dead item past the retention the other depot set", name).isZero();

                q.retry(q.lease(1, Duration.ZERO).getFirst(), Duration.ZERO); // dies here after the change
                p.clock().advance(Duration.ofMinutes(61));
                assertThat(q.stats().dead()).as("%s: an item that died here after the change", name).isZero();

                // Changed by this depot to an hour (as it is), then lengthened by the other: kept.
                user.queue(name, hour);
                changer.queue(name, week);
                q.retry(q.lease(1, Duration.ZERO).getFirst(), Duration.ZERO);
                p.clock().advance(Duration.ofMinutes(61));
                assertThat(q.stats().dead()).as("%s: the retention lengthened by the other depot", name).isEqualTo(1);
            }
        }
    }

    /**
     * One depot changes the options again and again (lease timeout, attempts, dead-letter queue)
     * while both depots produce, lease, complete, retry and dead-letter: no call fails (no deadlock
     * or lock wait between a change and the calls reading the options), every lease ends after one
     * of the timeouts that were ever set, and nothing is lost — every item is completed, dead in
     * its queue, or in the dead-letter queue.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void optionsChangingUnderLoadLoseNothing(String db, TestDatabases.UrlSource opener) throws Exception {
        List<QueueOptions> variants = List.of(
                QueueOptions.leaseTimeout(Duration.ofSeconds(10)).maxAttempts(2),
                QueueOptions.leaseTimeout(Duration.ofSeconds(20)).maxAttempts(3).deadLetter("churn_dead"),
                QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(4));
        Set<Duration> timeouts = Set.of(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30));
        int produced = 300;
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try (Pair p = Pair.open(opener)) {
            p.a().queue("churn", variants.get(0));
            Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            Queue<Duration> badTimeouts = new ConcurrentLinkedQueue<>();
            AtomicLong completed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> workers = new ArrayList<>();
            workers.add(pool.submit(() -> {
                WorkQueue q = p.a().queue("churn");
                for (int i = 0; i < produced && unexpected.isEmpty(); i++) {
                    q.produce(Message.of("item " + i));
                }
                return null;
            }));
            for (Depot d : List.of(p.a(), p.b())) {
                workers.add(pool.submit(() -> {
                    WorkQueue q = d.queue("churn");
                    while (!stop.get() && unexpected.isEmpty()) {
                        try {
                            for (Lease l : q.lease(5, Duration.ZERO)) {
                                Duration t = Duration.between(l.leasedAt(), l.expiresAt());
                                if (!timeouts.contains(t)) {
                                    badTimeouts.add(t);
                                }
                                int pick = ThreadLocalRandom.current().nextInt(10);
                                if (pick < 5) {
                                    q.retry(l, Duration.ZERO);
                                } else if (pick < 6) {
                                    q.deadLetter(l, "poison");
                                } else if (pick < 8) {
                                    completed.addAndGet(q.complete(List.of(l)).applied().size());
                                } else {
                                    d.transact(tx -> {
                                        tx.queue("churn").retry(l, Duration.ZERO);
                                        return null;
                                    });
                                }
                            }
                        } catch (RuntimeException e) {
                            unexpected.add(e);
                        }
                    }
                    return null;
                }));
            }
            workers.add(pool.submit(() -> {
                for (int i = 1; !stop.get() && unexpected.isEmpty(); i++) {
                    try {
                        p.b().queue("churn", variants.get(i % variants.size()));
                    } catch (RuntimeException e) {
                        unexpected.add(e);
                    }
                    Thread.sleep(5);
                }
                return null;
            }));
            workers.getFirst().get(120, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            WorkQueue q = p.a().queue("churn");
            while (q.stats().ready() > 0 && System.nanoTime() < deadline && unexpected.isEmpty()) {
                Thread.sleep(20);
            }
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            assertThat(unexpected).as("%s: calls that failed while the options changed", db).isEmpty();
            assertThat(badTimeouts).as("%s: lease timeouts never set", db).isEmpty();
            long left = drain(q, completed);
            long dead = q.stats().dead();
            long deadLetters = p.a().queue("churn_dead").stats().ready();
            System.out.printf("%s: %d produced, %d completed (%d after the churn), %d dead in place, %d dead letters%n", db, produced,
                    completed.get(), left, dead, deadLetters);
            assertThat(completed.get() + dead + deadLetters).as("%s: every item completed or dead, once", db).isEqualTo(produced);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Completes what is still ready; returns how many. */
    private static long drain(WorkQueue q, AtomicLong completed) {
        long n = 0;
        for (List<Lease> got; !(got = q.lease(100, Duration.ZERO)).isEmpty(); ) {
            n += q.complete(got).applied().size();
        }
        completed.addAndGet(n);
        return n;
    }
}
