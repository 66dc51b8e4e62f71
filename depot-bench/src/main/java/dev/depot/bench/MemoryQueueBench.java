package dev.depot.bench;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A memory work queue on one thread, in batches of {@value #BATCH}: {@code depotProduce} (one
 * {@code produce(List)} of 100 messages) and {@code depotLeaseComplete} ({@code lease(100, 0)} then
 * {@code complete(List)} of what came back), against a bare {@link LinkedBlockingQueue} making the
 * same moves in the same run ({@code lbqOffer}: 100 {@code offer}s; {@code lbqDrain}: one
 * {@code drainTo(list, 100)}). One invocation moves {@value #ITEMS} items (100 batches) so that the
 * untimed per-invocation fixtures (clearing what a produce added, refilling what a lease took)
 * cost nothing measurable; the score is items per second. Messages carry 16 bytes. The threaded
 * "4+4 faster than 1+1" rows are {@link MemoryQueuePairsBench}.
 *
 * <pre>
 * java -cp depot-bench/target/benchmarks.jar org.openjdk.jmh.Main 'MemoryQueue.*Bench'
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MemoryQueueBench {
    static final int BATCH = 100;
    static final int ITEMS = 10_000;

    /** The 100 messages every produce sends (a message is an immutable value, so one list serves all). */
    static List<Message> batch() {
        List<Message> ms = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            ms.add(Message.of(String.format("job-%011d", i).getBytes(StandardCharsets.UTF_8)));
        }
        return List.copyOf(ms);
    }

    /** A depot with one queue, and the anchor queue. */
    @State(Scope.Thread)
    public static class Queues {
        Depot depot;
        WorkQueue queue;
        final LinkedBlockingQueue<byte[]> lbq = new LinkedBlockingQueue<>();
        final List<Message> messages = batch();
        final byte[][] payloads = new byte[BATCH][];
        final List<byte[]> drained = new ArrayList<>(BATCH);

        @Setup(Level.Trial)
        public void open() {
            depot = Depot.open("memory:");
            queue = depot.queue("bench_mem", QueueOptions.leaseTimeout(Duration.ofMinutes(5)));
            for (int i = 0; i < BATCH; i++) {
                payloads[i] = messages.get(i).payload();
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            depot.close();
        }
    }

    /** For {@code depotProduce}: what an invocation added is removed after it, untimed, so nothing grows. */
    @State(Scope.Thread)
    public static class DepotProduced extends Queues {
        @TearDown(Level.Invocation)
        public void drain() {
            queue.clear();
        }
    }

    /** For {@code depotLeaseComplete}: {@value #ITEMS} ready items before every invocation, untimed. */
    @State(Scope.Thread)
    public static class DepotReady extends Queues {
        @Setup(Level.Invocation)
        public void fill() {
            for (int made = 0; made < ITEMS; made += BATCH) {
                queue.produce(messages);
            }
        }
    }

    /** For {@code lbqOffer}: emptied after every invocation, untimed. */
    @State(Scope.Thread)
    public static class LbqProduced extends Queues {
        @TearDown(Level.Invocation)
        public void drain() {
            lbq.clear();
        }
    }

    /** For {@code lbqDrain}: {@value #ITEMS} items before every invocation, untimed. */
    @State(Scope.Thread)
    public static class LbqReady extends Queues {
        @Setup(Level.Invocation)
        public void fill() {
            for (int made = 0; made < ITEMS; made += BATCH) {
                for (byte[] p : payloads) {
                    lbq.offer(p);
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int depotProduce(DepotProduced s) {
        int n = 0;
        for (int made = 0; made < ITEMS; made += BATCH) {
            n += s.queue.produce(s.messages).size();
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int depotLeaseComplete(DepotReady s) {
        int n = 0;
        for (int done = 0; done < ITEMS; done += BATCH) {
            List<Lease> got = s.queue.lease(BATCH, Duration.ZERO);
            int completed = s.queue.complete(got).applied().size();
            if (completed != BATCH) { // the fixture made ITEMS ready: anything less means the row measures nothing
                throw new IllegalStateException("leased and completed " + completed + " of a batch of " + BATCH);
            }
            n += completed;
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int lbqOffer(LbqProduced s) {
        int n = 0;
        for (int made = 0; made < ITEMS; made += BATCH) {
            for (byte[] p : s.payloads) {
                n += s.lbq.offer(p) ? 1 : 0;
            }
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int lbqDrain(LbqReady s) {
        int n = 0;
        for (int done = 0; done < ITEMS; done += BATCH) {
            n += s.lbq.drainTo(s.drained, BATCH);
            s.drained.clear();
        }
        return n;
    }
}
