package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import dev.depot.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two depots on one database, each with its own pool, as two processes would be, sharing one queue.
 * 4 producers and 4 consumers (half on each depot) move items while consumers sometimes retry; the
 * invariants are checked as it happens: an item is never held by two leases at once, a completed
 * item is never leased again, and at the end every produced item was completed exactly once. Then a
 * consumer that dies holding leases (its depot closed, its connections gone) keeps them only until
 * they expire by the clock.
 */
class SharedDatabaseQueueTest {
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;
    private static final int PER_PRODUCER = 150;

    static Stream<Arguments> databases() {
        return TestDatabases.all("sharedq_");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoDepotsShareAQueueWithoutDoubleLeasesOrLosses(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        try (Depot a = Depot.open(url); Depot b = Depot.open(url)) {
            QueueOptions options = QueueOptions.leaseTimeout(Duration.ofMinutes(5)).maxAttempts(1_000);
            List<WorkQueue> queues = List.of(a.queue("shared", options), b.queue("shared", options));
            int total = PRODUCERS * PER_PRODUCER;
            Set<String> produced = ConcurrentHashMap.newKeySet();
            Map<String, String> held = new ConcurrentHashMap<>();
            Set<String> completed = ConcurrentHashMap.newKeySet();
            List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger retries = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS);
            List<Future<?>> tasks = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                WorkQueue q = queues.get(p % 2);
                int producer = p;
                tasks.add(pool.submit(() -> {
                    Random rnd = new Random(producer);
                    for (int made = 0; made < PER_PRODUCER; ) {
                        int n = Math.min(PER_PRODUCER - made, 1 + rnd.nextInt(10));
                        List<Message> batch = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            batch.add(Message.of(producer + ":" + (made + i)));
                        }
                        produced.addAll(q.produce(batch));
                        made += n;
                    }
                    return null;
                }));
            }
            for (int c = 0; c < CONSUMERS; c++) {
                WorkQueue q = queues.get(c % 2);
                String holder = "consumer-" + c;
                tasks.add(pool.submit(() -> {
                    Random rnd = new Random(100 + holder.hashCode());
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (completed.size() < total && System.nanoTime() < deadline) {
                        List<Lease> got = q.lease(holder, 1 + rnd.nextInt(8), Duration.ofMillis(50));
                        List<Lease> toComplete = new ArrayList<>();
                        for (Lease l : got) {
                            String before = held.putIfAbsent(l.id(), holder);
                            if (before != null) {
                                violations.add("item " + l.id() + " leased by " + holder + " while " + before + " held it");
                            }
                            if (completed.contains(l.id())) {
                                violations.add("completed item " + l.id() + " was leased again");
                            }
                            if (rnd.nextInt(10) == 0) {
                                held.remove(l.id()); // before the retry commits: then anyone may lease it
                                q.retry(l, Duration.ZERO);
                                retries.incrementAndGet();
                            } else {
                                toComplete.add(l);
                            }
                        }
                        if (!toComplete.isEmpty()) {
                            assertThat(q.complete(toComplete).stale()).as("stale completions").isEmpty();
                            for (Lease l : toComplete) {
                                if (!completed.add(l.id())) {
                                    violations.add("item " + l.id() + " completed twice");
                                }
                                held.remove(l.id());
                            }
                        }
                    }
                    return null;
                }));
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(180, TimeUnit.SECONDS)).as("finished").isTrue();
            for (Future<?> f : tasks) {
                f.get();
            }
            System.out.printf("shared queue on %s: %d items, %d retries%n", name, total, retries.get());
            assertThat(violations).isEmpty();
            assertThat(produced).hasSize(total);
            assertThat(completed).isEqualTo(produced);
            assertThat(retries.get()).as("redeliveries exercised").isPositive();
            assertThat(queues.get(0).stats()).isEqualTo(new QueueStats(0, 0, 0, 0, Duration.ZERO, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aConsumerThatDiesKeepsItsLeasesOnlyUntilTheyExpire(String name, TestDatabases.UrlSource opener) {
        String url = opener.url();
        TestClock clock = new TestClock();
        DepotOptions options = DepotOptions.defaults().clock(clock);
        try (Depot survivor = Depot.open(url, options)) {
            QueueOptions timeout = QueueOptions.leaseTimeout(Duration.ofSeconds(30));
            WorkQueue q = survivor.queue("orphans", timeout);
            List<String> ids = q.produce(List.of(Message.of("a"), Message.of("b")));
            Depot dying = Depot.open(url, options);
            List<Lease> taken = dying.queue("orphans").lease("doomed", 2, Duration.ZERO);
            assertThat(taken).hasSize(2);
            dying.close(); // its pool and every connection are gone, leases held

            assertThat(q.lease("survivor", 2, Duration.ZERO)).as("leases still current").isEmpty();
            clock.advance(Duration.ofSeconds(30));
            List<Lease> again = q.lease("survivor", 2, Duration.ZERO);

            assertThat(again).extracting(Lease::id).containsExactlyElementsOf(ids);
            assertThat(again).allSatisfy(l -> {
                assertThat(l.attempt()).isEqualTo(2);
                assertThat(l.history()).singleElement().satisfies(h -> assertThat(h.holder()).isEqualTo("doomed"));
            });
            q.complete(again);
            assertThat(q.stats().pending()).isZero();
        }
    }
}
