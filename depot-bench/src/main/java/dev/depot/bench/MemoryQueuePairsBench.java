package dev.depot.bench;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A memory work queue with {@code pairs} producer and {@code pairs} consumer threads: each
 * invocation moves {@value #ITEMS} items through produce, lease and complete in batches of
 * {@value MemoryQueueBench#BATCH}; the score is items per second over all consumers, so
 * {@code pairs=4} ÷ {@code pairs=1} is the "4+4 faster than 1+1" ratio of issue 10. The anchor
 * {@code lbq} moves the same items through one {@link LinkedBlockingQueue} ({@code offer} × 100
 * per batch, {@code drainTo(list, 100)}, blocking in {@code poll} when empty as a lease waits).
 *
 * <p>Both rows run the same harness, so the ratio compares like with like:
 * <ul>
 *   <li>the same {@value #ITEMS} items per invocation whatever {@code pairs} is, split evenly among
 *       the producers, in batches of 100 both ways;
 *   <li>producers stay at most {@value #BACKLOG} items ahead of the consumers (a producer sleeps
 *       50 µs at a time while it is that far ahead). Unthrottled, a producer faster than its
 *       consumer filled the queue with most of an invocation's items, and the score then measured
 *       young collections copying those live items more than the queue;
 *   <li>a consumer that finds nothing waits at most 1 ms; once every item has been produced it
 *       stops at the first empty look instead (what is left is leased by other consumers, who
 *       complete it). Without that, the consumers of {@code pairs=4} that were not holding the last
 *       items sat out a 1 ms wait at the end of every invocation, some 5–10 % of an invocation of
 *       {@value #ITEMS} items, and {@code pairs=1} never did.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MemoryQueuePairsBench {
    static final int ITEMS = 100_000;
    /** How far producers may run ahead of consumers, in items. */
    static final int BACKLOG = 20_000;
    private static final int BATCH = MemoryQueueBench.BATCH;
    private static final Duration WAIT = Duration.ofMillis(1);

    @Param({"1", "4"})
    public int pairs;

    Depot depot;
    WorkQueue queue;
    final LinkedBlockingQueue<byte[]> lbq = new LinkedBlockingQueue<>();
    final List<Message> messages = MemoryQueueBench.batch();
    ExecutorService threads;

    @Setup(Level.Trial)
    public void open() {
        depot = Depot.open("memory:");
        queue = depot.queue("bench_pairs", QueueOptions.leaseTimeout(Duration.ofMinutes(5)));
        threads = Executors.newFixedThreadPool(2 * pairs);
    }

    @TearDown(Level.Trial)
    public void close() {
        threads.shutdownNow();
        depot.close();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int depotQueue() throws Exception {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger produced = new AtomicInteger();
        return run(p -> {
            for (int made = 0; made < ITEMS / pairs; made += BATCH) {
                awaitRoom(produced, done);
                queue.produce(messages);
                produced.addAndGet(BATCH);
            }
        }, c -> {
            while (done.get() < ITEMS) {
                boolean allProduced = produced.get() == ITEMS; // read before looking: then nothing more can come
                List<Lease> got = queue.lease(BATCH, allProduced ? Duration.ZERO : WAIT);
                if (!got.isEmpty()) {
                    done.addAndGet(queue.complete(got).applied().size());
                } else if (allProduced) {
                    break;
                }
            }
        }, done);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int lbq() throws Exception {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger produced = new AtomicInteger();
        byte[][] payloads = messages.stream().map(Message::payload).toArray(byte[][]::new);
        return run(p -> {
            for (int made = 0; made < ITEMS / pairs; made += BATCH) {
                awaitRoom(produced, done);
                for (byte[] b : payloads) {
                    lbq.offer(b);
                }
                produced.addAndGet(BATCH);
            }
        }, c -> {
            List<byte[]> got = new ArrayList<>(BATCH);
            while (done.get() < ITEMS) {
                boolean allProduced = produced.get() == ITEMS;
                int n = lbq.drainTo(got, BATCH);
                if (n == 0) {
                    if (allProduced) {
                        break;
                    }
                    byte[] one = lbq.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
                    n = one == null ? 0 : 1;
                }
                got.clear();
                done.addAndGet(n);
            }
        }, done);
    }

    /**
     * Sleeps 50 µs at a time while producers are {@value #BACKLOG} items or more ahead of
     * consumers: even the anchor's consumers need longer than that to drain a tenth of the
     * backlog, so they do not run dry, and a sleeping producer costs them nothing (a blocking semaphore would make every
     * consumer batch unpark it; yielding handed the core to whatever else the machine runs, and
     * the anchor lost four fifths of its 4+4 score to that).
     */
    private static void awaitRoom(AtomicInteger produced, AtomicInteger done) {
        while (produced.get() - done.get() >= BACKLOG) {
            LockSupport.parkNanos(50_000);
        }
    }

    interface Part {
        void run(int n) throws Exception;
    }

    private int run(Part producer, Part consumer, AtomicInteger done) throws Exception {
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            int n = i;
            fs.add(threads.submit(() -> {
                producer.run(n);
                return null;
            }));
            fs.add(threads.submit(() -> {
                consumer.run(n);
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        if (done.get() != ITEMS) { // every item moved exactly once, or the row measures something else
            throw new IllegalStateException("consumers finished " + done.get() + " of " + ITEMS + " items");
        }
        return done.get();
    }
}
