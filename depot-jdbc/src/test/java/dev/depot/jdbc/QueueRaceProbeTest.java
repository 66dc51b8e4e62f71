package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.LeaseExpiredException;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
 * Races a hostile user runs into, on memory and every SQL backend: the same dedup key produced at
 * once by many producers (plain and in transactions), one lease settled by several threads at once,
 * and calls made by a thread whose interrupt flag is set.
 */
class QueueRaceProbeTest {
    static final String PREFIX = "qrp_";
    static final int THREADS = 6;

    static Stream<Arguments> backends() {
        return TestDatabases.memoryAndAll(PREFIX);
    }

    /** With H2 on a file too: its file channels close when an interrupted thread does I/O. */
    static Stream<Arguments> backendsAndH2File() {
        return Stream.concat(backends(), Stream.of(Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File)));
    }

    interface Body {
        Object run(int thread) throws Exception;
    }

    /** Runs {@code body} on THREADS threads released together; returns their answers (or exceptions). */
    static List<Object> race(Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    go.await();
                    try {
                        return body.run(thread);
                    } catch (Exception e) {
                        return e;
                    }
                }));
            }
            go.countDown();
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : fs) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void oneDedupKeyProducedAtOnceEverywhereMakesOneItem(String db, TestDatabases.UrlSource opener) throws Exception {
        try (Depot depot = TestDatabases.open(opener, PREFIX)) {
            WorkQueue q = depot.queue("dedup");
            try {
                for (int round = 0; round < 5; round++) {
                    String key = "k" + round;
                    List<Object> answers = race(t -> {
                        if (t % 2 == 0) {
                            return q.produce(List.of(Message.of("plain " + t).dedupKey(key), Message.of("other " + t)));
                        }
                        depot.transact(tx -> {
                            tx.queue("dedup").produce(Message.of("tx " + t).dedupKey(key));
                            return null;
                        });
                        return "committed";
                    });
                    assertThat(answers).as("round %d on %s", round, db).noneMatch(a -> a instanceof Exception);
                    Set<String> keyed = ConcurrentHashMap.newKeySet();
                    for (Object a : answers) {
                        if (a instanceof List<?> ids) {
                            keyed.add((String) ids.getFirst());
                        }
                    }
                    long withKey = q.list(null, 1000, null).items().stream().filter(i -> key.equals(i.dedupKey())).count();
                    assertThat(withKey).as("items with key %s on %s", key, db).isEqualTo(1);
                    assertThat(keyed).as("ids plain producers got for %s", key).hasSize(1);
                }
                assertThat(q.stats().ready()).isEqualTo(5 + 5 * (THREADS / 2));
            } finally {
                depot.clear();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void oneLeaseSettledByManyThreadsAtOnceIsSettledOnce(String db, TestDatabases.UrlSource opener) throws Exception {
        try (Depot depot = TestDatabases.open(opener, PREFIX)) {
            WorkQueue q = depot.queue("settle", QueueOptions.leaseTimeout(Duration.ofMinutes(5)).maxAttempts(100));
            try {
                for (int round = 0; round < 5; round++) {
                    q.produce(Message.of("item " + round));
                    Lease l = q.lease(1, Duration.ZERO).getFirst();
                    AtomicInteger applied = new AtomicInteger();
                    List<Object> answers = race(t -> {
                        switch (t % 4) {
                            case 0 -> q.complete(l);
                            case 1 -> q.retry(l, Duration.ZERO);
                            case 2 -> {
                                if (!q.complete(List.of(l)).allApplied()) {
                                    throw new LeaseExpiredException("stale in batch");
                                }
                            }
                            default -> depot.transact(tx -> {
                                tx.queue("settle").complete(l);
                                return null;
                            });
                        }
                        applied.incrementAndGet();
                        return "applied";
                    });
                    assertThat(answers).as("round %d on %s: %s", round, db, answers)
                            .allMatch(a -> a.equals("applied") || a instanceof LeaseExpiredException);
                    assertThat(applied.get()).as("settled on %s: %s", db, answers).isEqualTo(1);
                    long left = q.stats().ready();
                    // Retried: the item is back, ready, once; completed: gone.
                    assertThat(left).isLessThanOrEqualTo(1);
                    q.clear();
                }
            } finally {
                depot.clear();
            }
        }
    }

    /**
     * A worker whose interrupt flag is set (an executor shutting down) still produces, leases
     * without waiting and settles — the flag stays set — and a lease that would wait returns at
     * once: "an interrupt ends the wait (the flag stays set)".
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backendsAndH2File")
    void callsOfAnInterruptedThreadWorkAndLeaveTheFlagSet(String db, TestDatabases.UrlSource opener) throws Exception {
        try (Depot depot = TestDatabases.open(opener, PREFIX)) {
            WorkQueue q = depot.queue("interrupted", QueueOptions.leaseTimeout(Duration.ofMinutes(5)));
            try {
                List<String> seen = new ArrayList<>();
                Thread worker = new Thread(() -> {
                    Thread.currentThread().interrupt();
                    try {
                        seen.add("produce " + (q.produce(Message.of("a")) != null));
                        seen.add("flag " + Thread.currentThread().isInterrupted());
                        List<Lease> got = q.lease(1, Duration.ZERO);
                        seen.add("lease " + got.size());
                        q.complete(got.getFirst());
                        seen.add("completed, flag " + Thread.currentThread().isInterrupted());
                        List<Lease> none = q.lease(1, Duration.ofMinutes(10));
                        seen.add("waiting lease " + none.size() + ", flag " + Thread.currentThread().isInterrupted());
                    } catch (RuntimeException e) {
                        seen.add("failed: " + e);
                    }
                });
                worker.start();
                worker.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(worker.isAlive()).as("the waiting lease ended").isFalse();
                assertThat(seen).as(db).containsExactly("produce true", "flag true", "lease 1", "completed, flag true",
                        "waiting lease 0, flag true");
                assertThat(q.stats().ready() + q.stats().leased()).isZero();
            } finally {
                depot.clear();
            }
        }
    }

    /** Another thread interrupts a consumer waiting in lease: the wait ends, with the flag set, and it no longer counts as waiting. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void anInterruptEndsAWaitingLease(String db, TestDatabases.UrlSource opener) throws Exception {
        try (Depot depot = TestDatabases.open(opener, PREFIX)) {
            WorkQueue q = depot.queue("waits");
            try {
                List<String> seen = new ArrayList<>();
                Thread consumer = new Thread(() -> {
                    try {
                        List<Lease> got = q.lease(1, Duration.ofMinutes(10));
                        seen.add("lease " + got.size() + ", flag " + Thread.currentThread().isInterrupted());
                    } catch (RuntimeException e) {
                        seen.add("failed: " + e);
                    }
                });
                consumer.start();
                RecordsFeedProbeTest.await(() -> q.stats().waitingConsumers() == 1, 30_000);
                consumer.interrupt();
                consumer.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(consumer.isAlive()).as("the wait ended").isFalse();
                assertThat(seen).as(db).containsExactly("lease 0, flag true");
                assertThat(q.stats().waitingConsumers()).isZero();
            } finally {
                depot.clear();
            }
        }
    }

    /**
     * Closing the depot ends a consumer's wait in lease, which fails as every call on a closed depot.
     * Memory left it parked for the rest of its wait (here 10 minutes, up to a day), SQL failed it at
     * its next look with the engine's own wording.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void closingTheDepotEndsAWaitingLease(String db, TestDatabases.UrlSource opener) throws Exception {
        Depot depot = TestDatabases.open(opener, PREFIX);
        WorkQueue q = depot.queue("waits");
        List<String> seen = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            try {
                List<Lease> got = q.lease(1, Duration.ofMinutes(10));
                seen.add("lease " + got.size());
            } catch (RuntimeException e) {
                seen.add(e.getClass().getSimpleName() + (e.getMessage().contains("is closed") ? ": closed" : ": " + e.getMessage()));
            }
        });
        try {
            consumer.start();
            RecordsFeedProbeTest.await(() -> q.stats().waitingConsumers() == 1, 30_000);
        } finally {
            depot.close();
        }
        consumer.join(TimeUnit.SECONDS.toMillis(30));
        boolean ended = !consumer.isAlive();
        if (!ended) {
            consumer.interrupt();
            consumer.join(TimeUnit.SECONDS.toMillis(30));
        }
        System.out.println(db + ": waiting lease at close -> " + seen);
        assertThat(ended).as("%s: a lease waiting when the depot closed returned within 30 s", db).isTrue();
        assertThat(seen).as("%s: as every call on a closed depot", db).containsExactly("IllegalStateException: closed");
    }

    /** Two depots on one named memory store: closing one ends its own consumers' waits, not the other's. */
    @org.junit.jupiter.api.Test
    void closingOneDepotOfASharedMemoryStoreLeavesTheOthersWaitersWaiting() throws Exception {
        String url = "memory:qrp_shared_" + System.nanoTime();
        try (Depot other = Depot.open(url)) {
            WorkQueue q = other.queue("waits");
            ExecutorService pool = Executors.newFixedThreadPool(2); // the common pool may have one thread
            java.util.concurrent.CompletableFuture<List<Lease>> waiter = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> q.lease(1, Duration.ofMinutes(10)), pool);
            Depot closing = Depot.open(url);
            WorkQueue mine = closing.queue("waits");
            java.util.concurrent.CompletableFuture<Object> ended = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return mine.lease(1, Duration.ofMinutes(10));
                } catch (IllegalStateException e) {
                    return "closed";
                }
            }, pool);
            RecordsFeedProbeTest.await(() -> q.stats().waitingConsumers() == 2, 30_000);
            assertThat(q.stats().waitingConsumers()).isEqualTo(2);
            closing.close();
            assertThat(ended.get(30, TimeUnit.SECONDS)).isEqualTo("closed");
            RecordsFeedProbeTest.await(() -> q.stats().waitingConsumers() == 1, 30_000);
            assertThat(waiter).isNotDone();
            q.produce(Message.of("for the open depot"));
            assertThat(waiter.get(30, TimeUnit.SECONDS)).extracting(Lease::payloadText).containsExactly("for the open depot");
            other.clear();
            pool.shutdown();
        }
    }

    record Note(String id, String text) {}

    static final dev.depot.Schema<String, Note> NOTES = dev.depot.Schema.of("qrp_notes", String.class, Note.class).key(Note::id).build();

    /**
     * With one pooled connection a transaction that reads a record and produces commits (item ids
     * come from a counter advanced in a short transaction of its own, taken before the commit's).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aTransactionReadingAndProducingCommitsWithAPoolOfOne(String db, TestDatabases.UrlSource opener) throws Exception {
        TestDatabases.UrlSource one = () -> {
            String u = opener.url();
            return u.startsWith("memory:") ? u : u + (u.contains("?") ? "&" : "?") + "poolSize=1";
        };
        try (Depot depot = TestDatabases.open(one, PREFIX)) {
            WorkQueue q = depot.queue("pool");
            try {
                depot.records(NOTES).save(new Note("n", "v"));
                java.util.concurrent.CompletableFuture<Object> run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    for (int i = 0; i < 1005; i += 1) { // past one block of ids
                        int n = i;
                        depot.transact(tx -> {
                            if (n % 2 == 0) {
                                tx.records(NOTES).get("n");
                                tx.queue("pool").produce(Message.of("read first " + n));
                            } else {
                                tx.queue("pool").produce(Message.of("produced first " + n));
                                tx.records(NOTES).get("n");
                            }
                            return null;
                        });
                    }
                    return "done";
                }, Executors.newSingleThreadExecutor());
                assertThat(run.get(120, TimeUnit.SECONDS)).isEqualTo("done");
                assertThat(q.stats().ready()).isEqualTo(1005);
            } finally {
                depot.clear();
            }
        }
    }
}
