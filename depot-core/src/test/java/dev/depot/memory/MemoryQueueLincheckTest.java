package dev.depot.memory;

import dev.depot.Lease;
import dev.depot.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Model checking of {@link MemoryQueue}'s hand-off between producers and consumers with Lincheck:
 * plain produces append to an incoming list under their own lock and publish its size through a
 * volatile field, which a consumer reads without the produce lock to skip an empty swap; a consumer
 * takes the list in under the queue lock. Producers (single items and batches of two) and consumers
 * (leasing one or two items and completing them, counting ready items) run concurrently with the
 * clock frozen. Specification: a FIFO queue ({@link Spec}), of which every concurrent history must be
 * a linearization — no item lost, none handed out twice, batches kept together and in order.
 */
@Param(name = "v", gen = IntGen.class, conf = "1:9")
public class MemoryQueueLincheckTest {
    private static final Duration NO_WAIT = Duration.ZERO;
    private final MemoryQueue queue = new MemoryQueues(InstantSource.fixed(Instant.parse("2030-01-01T00:00:00Z"))).open("jobs", null);

    private static Message message(int v) {
        return Message.of(Integer.toString(v));
    }

    @Operation
    public void produce(@Param(name = "v") int v) {
        queue.produce(List.of(message(v)));
    }

    /** A batch of two: {@code v}, then {@code v + 10}, applied atomically in order. */
    @Operation
    public void produceTwo(@Param(name = "v") int v) {
        queue.produce(List.of(message(v), message(v + 10)));
    }

    /** Leases the head item and completes it; its payload, or 0 when nothing was ready. */
    @Operation
    public int take() {
        List<Lease> got = queue.lease("lincheck", 1, NO_WAIT);
        if (got.isEmpty()) {
            return 0;
        }
        if (!queue.complete(got).stale().isEmpty()) {
            throw new AssertionError("a fresh lease was stale");
        }
        return value(got.getFirst());
    }

    /** Leases up to two items and completes them; their payloads in lease order. */
    @Operation
    public List<Integer> takeTwo() {
        List<Lease> got = queue.lease("lincheck", 2, NO_WAIT);
        List<Integer> out = new ArrayList<>(got.size());
        for (Lease l : got) {
            out.add(value(l));
        }
        if (!got.isEmpty() && !queue.complete(got).stale().isEmpty()) {
            throw new AssertionError("a fresh lease was stale");
        }
        return out;
    }

    @Operation
    public long ready() {
        return queue.stats().ready();
    }

    private static int value(Lease l) {
        return Integer.parseInt(new String(l.payload(), StandardCharsets.UTF_8));
    }

    private static final boolean DEEP = Boolean.getBoolean("depot.deep");

    /**
     * About 60 ms an invocation (a queue is a larger object graph than a table): 3 × 150 by default;
     * with the swap of the incoming list taken out of the produce lock this found the lost item
     * within 4 × 200. Deep: 8 × 1,000.
     */
    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("depot.lincheck.iterations", DEEP ? 8 : 3))
                .invocationsPerIteration(DEEP ? 1_000 : 150)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .sequentialSpecification(Spec.class)
                .check(MemoryQueueLincheckTest.class);
    }

    /** Stress mode (real threads, no exploration): deep profile only; MemoryQueueStressTest stresses it too. */
    @Test
    void stress() {
        Assumptions.assumeTrue(DEEP, "stress runs with -Ddepot.deep=true");
        new StressOptions()
                .iterations(Integer.getInteger("depot.lincheck.iterations", 20))
                .invocationsPerIteration(5_000)
                .threads(3)
                .actorsPerThread(4)
                .sequentialSpecification(Spec.class)
                .check(MemoryQueueLincheckTest.class);
    }

    /** The sequential specification: a FIFO queue of payloads. */
    public static final class Spec {
        private final ArrayDeque<Integer> items = new ArrayDeque<>();

        public void produce(int v) {
            items.add(v);
        }

        public void produceTwo(int v) {
            items.add(v);
            items.add(v + 10);
        }

        public int take() {
            Integer v = items.poll();
            return v == null ? 0 : v;
        }

        public List<Integer> takeTwo() {
            List<Integer> out = new ArrayList<>(2);
            for (int i = 0; i < 2 && !items.isEmpty(); i++) {
                out.add(items.poll());
            }
            return out;
        }

        public long ready() {
            return items.size();
        }
    }
}
