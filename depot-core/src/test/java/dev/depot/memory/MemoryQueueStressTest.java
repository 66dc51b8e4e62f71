package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The two-lock memory queue under many threads: plain produces (produce lock only), produces with
 * dedup keys and transactional produces (both locks), consumers leasing with and without waiting,
 * completing and retrying. Invariants checked: every produced item is completed exactly once;
 * no item is ever held by two leases at once (the lease timeout is far longer than the test);
 * within one lease, the first attempts of one producer's items come in the order it produced them;
 * and no wakeup is lost (a consumer waiting for one item always gets it: the hang guard fails
 * otherwise).
 */
class MemoryQueueStressTest {
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;
    private static final int BATCHES = Integer.getInteger("depot.stress.rounds", 300);
    private static final Duration HANG_GUARD = Duration.ofMinutes(2);

    /** Payload "producer:sequence": a producer's items in produce order. */
    private static Message message(int producer, int n) {
        return Message.of((producer + ":" + n).getBytes(StandardCharsets.UTF_8));
    }

    private static int[] origin(Lease l) {
        String[] parts = new String(l.payload(), StandardCharsets.UTF_8).split(":");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    @Test
    void everyItemIsCompletedOnceAndNeverHeldTwice() throws Exception {
        try (Depot depot = Depot.open("memory:")) {
            WorkQueue queue = depot.queue("stress", QueueOptions.leaseTimeout(Duration.ofHours(1)).maxAttempts(1_000));
            Map<String, Integer> completions = new ConcurrentHashMap<>();
            Map<String, String> held = new ConcurrentHashMap<>();
            Map<String, Boolean> produced = new ConcurrentHashMap<>();
            AtomicLong toComplete = new AtomicLong();
            AtomicInteger producersLeft = new AtomicInteger(PRODUCERS);
            ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS);
            try {
                List<Future<?>> all = new ArrayList<>();
                for (int p = 0; p < PRODUCERS; p++) {
                    int producer = p;
                    all.add(pool.submit(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        int n = 0;
                        for (int b = 0; b < BATCHES; b++) {
                            List<Message> batch = new ArrayList<>();
                            int kind = r.nextInt(4);
                            for (int i = 1 + r.nextInt(20); i > 0; i--) {
                                Message m = message(producer, n++);
                                batch.add(kind == 1 ? m.dedupKey("k" + producer + "-" + n) : m);
                            }
                            List<String> ids = null; // a transactional produce returns none
                            if (kind == 2) {
                                depot.transact(tx -> {
                                    tx.queue("stress").produce(batch);
                                    return null;
                                });
                            } else {
                                ids = queue.produce(batch);
                            }
                            if (ids != null) {
                                assertThat(ids).hasSize(batch.size()).doesNotHaveDuplicates();
                                ids.forEach(id -> assertThat(produced.put(id, true)).as("id %s given twice", id).isNull());
                            }
                            toComplete.addAndGet(batch.size());
                        }
                        producersLeft.decrementAndGet();
                        return null;
                    }));
                }
                AtomicLong completed = new AtomicLong();
                for (int c = 0; c < CONSUMERS; c++) {
                    all.add(pool.submit(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        while (producersLeft.get() > 0 || completed.get() < toComplete.get()) {
                            List<Lease> got = queue.lease(1 + r.nextInt(50), Duration.ofMillis(r.nextInt(3)));
                            Map<Integer, Integer> lastOfProducer = new HashMap<>();
                            for (Lease l : got) {
                                assertThat(held.putIfAbsent(l.id(), l.token())).as("item %s leased twice at once", l.id()).isNull();
                                int[] o = origin(l);
                                if (l.attempt() == 1) {
                                    Integer last = lastOfProducer.put(o[0], o[1]);
                                    assertThat(last == null || last < o[1]).as("producer %d's items in order within a lease", o[0]).isTrue();
                                }
                            }
                            List<Lease> done = new ArrayList<>();
                            for (Lease l : got) {
                                held.remove(l.id()); // before settling: once settled, another consumer may lease it again
                                if (r.nextInt(10) == 0) {
                                    queue.retry(l, Duration.ZERO);
                                } else {
                                    done.add(l);
                                }
                            }
                            if (!done.isEmpty()) {
                                assertThat(queue.complete(done).allApplied()).isTrue();
                                for (Lease l : done) {
                                    completions.merge(l.id(), 1, Integer::sum);
                                }
                                completed.addAndGet(done.size());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(completions).as("completed items").hasSize((int) toComplete.get());
            assertThat(completions.values()).as("each completed once").containsOnly(1);
            assertThat(completions.keySet()).containsAll(produced.keySet());
            assertThat(queue.stats().ready() + queue.stats().leased() + queue.stats().scheduled()).isZero();
        }
    }

    @Test
    void aWaitingConsumerIsNeverLeftWaitingForAnItemAlreadyProduced() throws Exception {
        try (Depot depot = Depot.open("memory:")) {
            WorkQueue queue = depot.queue("wakeups");
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 2_000; round++) {
                    Future<List<Lease>> waiting = pool.submit(() -> queue.lease(1, HANG_GUARD));
                    int spin = ThreadLocalRandom.current().nextInt(2_000); // produce around the moment it starts waiting
                    for (int i = 0; i < spin; i++) {
                        Thread.onSpinWait();
                    }
                    queue.produce(Message.of("r" + round));
                    List<Lease> got = waiting.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(got).hasSize(1);
                    queue.complete(got.getFirst());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
