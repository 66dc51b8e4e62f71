package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.LeaseExpiredException;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many producers and consumers on one queue, on memory and every SQL backend, with the real clock
 * and a short lease timeout, as SQS/pgmq/Oban suites hammer theirs: producers add items one at a
 * time, in batches and in transactions; consumers complete (alone, in batches, in transactions),
 * retry, extend, or abandon their leases (which expire and are delivered again). From what every
 * call answered it checks at-least-once delivery: every item completed exactly once, through its
 * latest lease; attempts numbered 1..n without repeats; never two holders at once (a new lease of
 * an abandoned one only at or after its expiry); nothing left at the end. No timing assertions: the
 * run ends when every item is completed, or fails at a generous deadline.
 */
class QueueLoadProbeTest {
    static final String PREFIX = "qlp_";
    static final int PRODUCERS = 3;
    static final int CONSUMERS = 4;
    static final int PER_PRODUCER = 150;

    static Stream<Arguments> backends() {
        return TestDatabases.memoryAndAll(PREFIX);
    }

    /** One lease as its holder saw it, and what became of it. */
    static final class Held {
        final Lease lease;
        volatile Instant expiresAt;
        volatile String outcome = "abandoned";

        Held(Lease lease) {
            this.lease = lease;
            this.expiresAt = lease.expiresAt();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void manyProducersAndConsumersDeliverEveryItemAtLeastOnceAndCompleteItOnce(String db, TestDatabases.UrlSource opener)
            throws Exception {
        try (Depot depot = TestDatabases.open(opener, PREFIX)) {
            WorkQueue q = depot.queue("load", QueueOptions.leaseTimeout(Duration.ofMillis(700)).maxAttempts(1000));
            q.clear();
            Set<String> produced = ConcurrentHashMap.newKeySet();
            Map<String, List<Held>> leases = new ConcurrentHashMap<>();
            Map<String, Integer> completions = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS);
            try {
                List<Future<?>> producers = new ArrayList<>();
                for (int p = 0; p < PRODUCERS; p++) {
                    int producer = p;
                    producers.add(pool.submit(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        int made = 0;
                        while (made < PER_PRODUCER) {
                            int n = Math.min(PER_PRODUCER - made, 1 + r.nextInt(10));
                            List<Message> ms = new ArrayList<>();
                            for (int i = 0; i < n; i++) {
                                ms.add(Message.of("p" + producer + "-" + (made + i)));
                            }
                            switch (r.nextInt(3)) {
                                case 0 -> ms.forEach(m -> produced.add(q.produce(m)));
                                case 1 -> produced.addAll(q.produce(ms));
                                default -> {
                                    depot.transact(tx -> {
                                        tx.queue("load").produce(ms);
                                        return null;
                                    });
                                    // Transactional produces return no ids: find them by payload once all are in.
                                }
                            }
                            made += n;
                        }
                        return null;
                    }));
                }
                List<Future<?>> consumers = new ArrayList<>();
                Set<String> payloadsCompleted = ConcurrentHashMap.newKeySet();
                for (int c = 0; c < CONSUMERS; c++) {
                    String holder = "c" + c;
                    consumers.add(pool.submit(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                        while (System.nanoTime() < deadline) {
                            if (!producing.get() && payloadsCompleted.size() == PRODUCERS * PER_PRODUCER) {
                                return null;
                            }
                            List<Lease> got = q.lease(holder, 1 + r.nextInt(5), Duration.ofMillis(50));
                            List<Held> mine = new ArrayList<>();
                            for (Lease l : got) {
                                Held h = new Held(l);
                                leases.computeIfAbsent(l.id(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(h);
                                mine.add(h);
                            }
                            List<Held> toComplete = new ArrayList<>();
                            for (Held h : mine) {
                                int roll = r.nextInt(100);
                                try {
                                    if (roll < 6) {
                                        // abandoned: it expires and comes back
                                    } else if (roll < 13) {
                                        q.retry(h.lease, Duration.ZERO);
                                        h.outcome = "retried";
                                    } else if (roll < 17) {
                                        Lease x = q.extend(h.lease, Duration.ofSeconds(1));
                                        h.expiresAt = x.expiresAt();
                                        toComplete.add(h);
                                    } else {
                                        toComplete.add(h);
                                    }
                                } catch (LeaseExpiredException e) {
                                    h.outcome = "stale"; // this consumer was too slow: allowed, and recorded
                                }
                            }
                            if (toComplete.isEmpty()) {
                                continue;
                            }
                            List<Lease> ls = toComplete.stream().map(h -> h.lease).toList();
                            int how = r.nextInt(3);
                            if (how == 0) {
                                for (Held h : toComplete) {
                                    try {
                                        q.complete(h.lease);
                                        done(h, completions, payloadsCompleted);
                                    } catch (LeaseExpiredException e) {
                                        h.outcome = "stale";
                                    }
                                }
                            } else if (how == 1) {
                                var result = q.complete(ls);
                                for (Held h : toComplete) {
                                    if (result.applied().contains(h.lease)) {
                                        done(h, completions, payloadsCompleted);
                                    } else {
                                        h.outcome = "stale";
                                    }
                                }
                            } else {
                                try {
                                    depot.transact(tx -> {
                                        tx.queue("load").complete(ls);
                                        return null;
                                    });
                                    toComplete.forEach(h -> done(h, completions, payloadsCompleted));
                                } catch (LeaseExpiredException e) {
                                    toComplete.forEach(h -> h.outcome = "stale");
                                }
                            }
                        }
                        throw new AssertionError(holder + " gave up: " + payloadsCompleted.size() + " of " + PRODUCERS * PER_PRODUCER
                                + " completed, stats " + q.stats());
                    }));
                }
                for (Future<?> f : producers) {
                    f.get(120, TimeUnit.SECONDS);
                }
                producing.set(false);
                for (Future<?> f : consumers) {
                    try {
                        f.get(180, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        failures.add(e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(failures).isEmpty();
            QueueStats end = q.stats();
            assertThat(List.of(end.ready(), end.leased(), end.scheduled(), end.dead())).as("left in the queue").containsOnly(0L);
            // Every item produced (the transactional ones found by the leases) was leased, and completed exactly once.
            assertThat(leases.keySet()).containsAll(produced);
            assertThat(leases).hasSize(PRODUCERS * PER_PRODUCER);
            Map<String, Long> payloadCounts = leases.values().stream().map(hs -> hs.getFirst().lease.payloadText())
                    .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
            assertThat(payloadCounts.values()).as("one item per message").containsOnly(1L);
            for (Map.Entry<String, List<Held>> e : leases.entrySet()) {
                String id = e.getKey();
                List<Held> hs = new ArrayList<>(e.getValue());
                hs.sort(Comparator.comparingInt(h -> h.lease.attempt()));
                assertThat(completions.get(id)).as("completions of item %s", id).isEqualTo(1);
                for (int i = 0; i < hs.size(); i++) {
                    Held h = hs.get(i);
                    assertThat(h.lease.attempt()).as("attempts of item %s", id).isEqualTo(i + 1);
                    if (i == hs.size() - 1) {
                        assertThat(h.outcome).as("item %s's latest lease", id).isEqualTo("completed");
                    } else {
                        assertThat(h.outcome).as("item %s lease %d", id, i + 1).isNotEqualTo("completed");
                        if (!h.outcome.equals("retried")) {
                            // Leased again only once the earlier lease had ended: never two holders at once.
                            assertThat(hs.get(i + 1).lease.leasedAt()).as("item %s lease %d", id, i + 2).isAfterOrEqualTo(h.expiresAt);
                        }
                    }
                }
            }
            long abandoned = leases.values().stream().flatMap(List::stream).filter(h -> h.outcome.equals("abandoned")).count();
            long retried = leases.values().stream().flatMap(List::stream).filter(h -> h.outcome.equals("retried")).count();
            System.out.println(db + ": " + leases.size() + " items, " + abandoned + " leases abandoned, " + retried + " retried");
            assertThat(abandoned).isPositive();
            depot.clear();
        }
    }

    private static void done(Held h, Map<String, Integer> completions, Set<String> payloadsCompleted) {
        h.outcome = "completed";
        completions.merge(h.lease.id(), 1, Integer::sum);
        payloadsCompleted.add(h.lease.payloadText());
    }
}
