package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.LeaseExpiredException;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
 * Drops a queue again and again while producers and consumers work on it, through two depots on
 * one store (two processes sharing a database, or two depots on one {@code memory:NAME} store), and
 * opens it again at once with other options. What must hold whatever the interleaving: no item
 * whose produce had returned before a drop began is in the queue once that drop returned (nothing
 * of a dropped queue survives into the re-created one); while it is not listed, no item of it is
 * stored (a produce that checked the queue before the drop and committed after it); and the only
 * exceptions anyone sees are the documented ones — {@code IllegalStateException} "dropped" from a
 * produce while the queue is gone, {@code LeaseExpiredException} for a lease the drop made stale.
 */
class QueueDropRaceTest {
    static final String PREFIX = "qdr_";
    private static final int ROUNDS = 15;

    static Stream<Arguments> backends() {
        String shared = "memory:droprace-" + UUID.randomUUID();
        return Stream.concat(Stream.of(Arguments.of("memory", (TestDatabases.UrlSource) () -> shared)), TestDatabases.all(PREFIX));
    }

    /**
     * Another process stops using a dead-letter queue, then drops it, while this one still has the
     * old options (it reads them when it opens the queue): an item dying here must not be stored
     * for the dropped queue, unlisted, to be inherited by a queue of that name created later. Either
     * the queue it moves to is listed again, holding it, or it stays dead where it was.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aDeadLetterNeverLandsInADroppedQueueThatAnotherProcessStoppedUsing(String db, TestDatabases.UrlSource opener) {
        String url = opener.url();
        String full = url.startsWith("memory:") ? url : ReadableSchemaTest.url(() -> url, PREFIX);
        try (Depot a = Depot.open(full); Depot b = Depot.open(full)) {
            WorkQueue jobs = a.queue("dl_jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).deadLetter("dl_dead"));
            jobs.produce(Message.of("poison"));
            b.queue("dl_jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30))); // no dead-letter queue any more
            assertThat(b.dropQueue("dl_dead")).isTrue();
            Lease lease = jobs.lease(1, Duration.ZERO).getFirst();
            jobs.deadLetter(lease, "cannot parse");
            if (a.queues().containsKey("dl_dead")) {
                assertThat(a.queue("dl_dead").stats().ready()).as("the dead letter, in its listed queue").isEqualTo(1);
            } else {
                assertThat(b.queue("dl_jobs").stats().dead()).as("the item, dead where it was").isEqualTo(1);
                assertThat(b.queue("dl_dead").stats().pending() + b.queue("dl_dead").stats().dead())
                        .as("items a queue created anew under the dropped name inherited").isZero();
            }
            a.dropQueue("dl_jobs");
            b.dropQueue("dl_dead");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nothingOfADroppedQueueSurvivesIntoTheRecreatedOne(String db, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        String full = url.startsWith("memory:") ? url : ReadableSchemaTest.url(() -> url, PREFIX);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (Depot a = Depot.open(full); Depot b = Depot.open(full)) {
            a.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            /** Ids whose produce call has returned, in the order they returned. */
            Queue<String> returned = new ConcurrentLinkedQueue<>();
            Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            AtomicLong refusedAsDropped = new AtomicLong();
            AtomicLong staleLeases = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> workers = new ArrayList<>();
            for (Depot d : List.of(a, b)) {
                WorkQueue q = d.queue("jobs");
                workers.add(pool.submit(() -> produce(q, returned, refusedAsDropped, unexpected, stop)));
                workers.add(pool.submit(() -> consume(q, staleLeases, unexpected, stop)));
            }
            workers.add(pool.submit(() -> produceInTransactions(b, returned, unexpected, stop)));

            for (int round = 0; round < ROUNDS && unexpected.isEmpty(); round++) {
                awaitMore(returned, 20);
                Set<String> before = new HashSet<>(returned); // every produce that returned before the drop
                Depot dropper = round % 2 == 0 ? a : b;
                WorkQueue old = dropper.queue("jobs");
                dropper.dropQueue("jobs");
                // Until it is opened again only a transaction's produce declares it: items seen while
                // it is not listed afterwards were stored for a queue that does not exist (a produce
                // that checked before the drop and committed after it).
                awaitAtLeast(refusedAsDropped, refusedAsDropped.get() + 2); // the transactions' producer may declare it first
                List<QueueItem> inGap = all(old);
                boolean listed = dropper.queues().containsKey("jobs");
                if (!listed) {
                    assertThat(inGap).as("round %d: items of a queue that is not listed", round).isEmpty();
                }
                WorkQueue fresh = dropper.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30 + round)));
                Set<String> survivors = new HashSet<>();
                for (QueueItem i : all(fresh)) {
                    if (before.contains(i.id())) {
                        survivors.add(i.id() + " " + i.state());
                    }
                }
                assertThat(survivors).as("round %d: items produced before the drop, still there after it", round).isEmpty();
            }
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            assertThat(unexpected).as("exceptions other than the documented ones").isEmpty();
            assertThat(a.queues()).containsKey("jobs");
            System.out.printf("%s: %d produced, %d produces refused as dropped, %d stale leases%n", db, returned.size(),
                    refusedAsDropped.get(), staleLeases.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitMore(Queue<String> returned, int n) throws InterruptedException {
        int target = returned.size() + n;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (returned.size() < target && System.nanoTime() < end) {
            Thread.sleep(1);
        }
    }

    private static void awaitAtLeast(AtomicLong counter, long n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (counter.get() < n && System.nanoTime() < end) {
            Thread.sleep(1);
        }
    }

    private static List<QueueItem> all(WorkQueue q) {
        List<QueueItem> out = new ArrayList<>();
        String cursor = null;
        do {
            Page<QueueItem> p = q.list((ItemState) null, 1000, cursor);
            out.addAll(p.items());
            cursor = p.nextCursor();
        } while (cursor != null);
        return out;
    }

    private static void produce(WorkQueue q, Queue<String> returned, AtomicLong refused, Queue<Throwable> unexpected, AtomicBoolean stop) {
        int n = 0;
        while (!stop.get()) {
            List<Message> batch = new ArrayList<>();
            int size = 1 + ThreadLocalRandom.current().nextInt(4);
            for (int i = 0; i < size; i++) {
                Message m = Message.of("m" + n++);
                batch.add(n % 7 == 0 ? m.dedupKey("k" + (n % 5)) : m);
            }
            try {
                returned.addAll(q.produce(batch));
                Thread.sleep(0, 200_000); // memory would fill itself with millions of items, which list pages slowly
            } catch (InterruptedException e) {
                return;
            } catch (IllegalStateException e) {
                if (e.getMessage() == null || !e.getMessage().contains("dropped")) {
                    unexpected.add(e);
                    return;
                }
                refused.incrementAndGet();
            } catch (RuntimeException e) {
                unexpected.add(e);
                return;
            }
        }
    }

    private static void produceInTransactions(Depot d, Queue<String> returned, Queue<Throwable> unexpected, AtomicBoolean stop) {
        while (!stop.get()) {
            try {
                d.inTransaction(tx -> tx.queue("jobs").produce(Message.of("tx")));
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                unexpected.add(e);
                return;
            }
        }
    }

    private static void consume(WorkQueue q, AtomicLong stale, Queue<Throwable> unexpected, AtomicBoolean stop) {
        while (!stop.get()) {
            try {
                List<Lease> got = q.lease(5, Duration.ofMillis(50));
                if (got.isEmpty()) {
                    continue;
                }
                switch (ThreadLocalRandom.current().nextInt(4)) {
                    case 0 -> stale.addAndGet(q.complete(got).stale().size());
                    case 1 -> stale.addAndGet(q.retry(got, Duration.ZERO).stale().size());
                    case 2 -> {
                        for (Lease l : got) {
                            try {
                                q.complete(l);
                            } catch (LeaseExpiredException e) {
                                stale.incrementAndGet();
                            }
                        }
                    }
                    default -> { } // abandoned: the drop takes it, or its lease expires
                }
            } catch (RuntimeException e) {
                unexpected.add(e);
                return;
            }
        }
    }
}
