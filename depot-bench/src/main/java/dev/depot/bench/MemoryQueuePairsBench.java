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
 * {@value MemoryQueueBench#BATCH}; the score is items per second, so {@code pairs=4} ÷
 * {@code pairs=1} is the "4+4 faster than 1+1" ratio of issue 10. The anchor {@code lbq} moves the
 * same items through one {@link LinkedBlockingQueue} ({@code offer} × 100 per batch,
 * {@code drainTo(list, 100)}, blocking in {@code poll} when empty as a lease waits). Consumers that
 * find nothing wait at most 1 ms, so the end of an invocation costs little.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MemoryQueuePairsBench {
    static final int ITEMS = 100_000;
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
        return run(p -> {
            for (int made = 0; made < ITEMS / pairs; made += BATCH) {
                queue.produce(messages);
            }
        }, c -> {
            while (done.get() < ITEMS) {
                List<Lease> got = queue.lease(BATCH, WAIT);
                if (!got.isEmpty()) {
                    done.addAndGet(queue.complete(got).applied().size());
                }
            }
        }, done);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int lbq() throws Exception {
        AtomicInteger done = new AtomicInteger();
        byte[][] payloads = messages.stream().map(Message::payload).toArray(byte[][]::new);
        return run(p -> {
            for (int made = 0; made < ITEMS / pairs; made += BATCH) {
                for (byte[] b : payloads) {
                    lbq.offer(b);
                }
            }
        }, c -> {
            List<byte[]> got = new ArrayList<>(BATCH);
            while (done.get() < ITEMS) {
                int n = lbq.drainTo(got, BATCH);
                if (n == 0) {
                    byte[] one = lbq.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
                    n = one == null ? 0 : 1;
                }
                got.clear();
                done.addAndGet(n);
            }
        }, done);
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
        return done.get();
    }
}
