package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What only the memory engine promises: its bookkeeping stays proportional to what is in the queue. */
class MemoryQueueTest {
    private final MemoryQueues queues = new MemoryQueues(DepotOptions.defaults().clock());

    @Test
    void settledLeasesLeaveNoMarksBehind() {
        MemoryQueue q = queues.open("jobs", QueueOptions.leaseTimeout(Duration.ofDays(1)));
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(Message.of("m" + i));
        }
        q.produce(List.of(Message.of("held")));
        Lease held = q.lease("slow", 1, Duration.ZERO).getFirst(); // a current mark ahead of all the others
        for (int round = 0; round < 500; round++) {
            q.produce(batch);
            List<Lease> leases = q.lease("w", 100, Duration.ZERO);
            assertThat(q.complete(leases).allApplied()).isTrue();
        }

        assertThat(q.leaseMarks()).as("stale expiry marks are dropped, not kept for a day").isLessThanOrEqualTo(1024 + 100);
        assertThat(q.stats().leased()).isEqualTo(1);
        assertThat(q.complete(List.of(held)).allApplied()).isTrue();
    }

    @Test
    void idsAreUniqueAcrossQueuesOfAStore() {
        String a = queues.open("a", null).produce(List.of(Message.of("x"))).getFirst();
        String b = queues.open("b", null).produce(List.of(Message.of("x"))).getFirst();

        assertThat(a).isNotEqualTo(b);
    }
}
