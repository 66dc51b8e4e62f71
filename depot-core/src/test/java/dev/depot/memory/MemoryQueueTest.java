package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

    /** A token is the text issued, not anything that reads as the same number (a sign, a leading zero, spaces). */
    @Test
    void onlyTheIssuedTokenTextSettlesALease() {
        MemoryQueue q = queues.open("jobs", null);
        q.produce(List.of(Message.of("x")));
        Lease lease = q.lease("w", 1, Duration.ZERO).getFirst();

        for (String forged : List.of("0" + lease.token(), "+" + lease.token(), " " + lease.token(), lease.token() + " ", "", "x")) {
            assertThat(q.complete(List.of(withToken(lease, forged))).stale()).as("token %s", forged).hasSize(1);
        }
        assertThat(q.complete(List.of(withToken(lease, new String(lease.token())))).allApplied()).isTrue();
    }

    private static Lease withToken(Lease l, String token) {
        return new Lease(l.queue(), l.id(), token, l.payload(), l.headers(), l.dedupKey(), l.attempt(), l.producedAt(), l.leasedAt(),
                l.expiresAt(), l.holder(), l.history());
    }

    /** One batch's leases carry fresh tokens, and each lease its attempt number and history as of its grant. */
    @Test
    void leasesCarryTheirOwnTokenAttemptAndHistory() {
        MemoryQueue q = queues.open("jobs", null);
        q.produce(List.of(Message.of("a"), Message.of("b")));
        List<Lease> first = q.lease("w", 2, Duration.ZERO);
        q.retry(List.of(first.get(0)), Duration.ZERO);
        List<Lease> second = q.lease("w", 2, Duration.ZERO);

        assertThat(second).hasSize(1);
        Lease again = second.getFirst();
        assertThat(again.id()).isEqualTo(first.get(0).id());
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.history()).hasSize(1);
        assertThat(first.get(1).token()).isNotEqualTo(first.get(0).token());
        assertThat(again.token()).isNotIn(first.get(0).token(), first.get(1).token());
        assertThat(first.get(0).attempt()).as("an earlier lease keeps what it was granted with").isEqualTo(1);
        assertThat(first.get(0).history()).isEmpty();
    }

    @Test
    void idsAreUniqueAcrossQueuesOfAStore() {
        String a = queues.open("a", null).produce(List.of(Message.of("x"))).getFirst();
        String b = queues.open("b", null).produce(List.of(Message.of("x"))).getFirst();

        assertThat(a).isNotEqualTo(b);
    }

    /**
     * The window of the two-lock design: a consumer has taken the incoming list in (empty) and not
     * yet counted itself as waiting when a plain produce appends and finds nobody waiting. The
     * consumer must still see the item (it looks once more after counting itself in). The clock
     * holds the consumer in that window: a queue reads it right after taking the list in.
     */
    @Test
    void aProduceJustBeforeAConsumerWaitsIsNotMissed() throws Exception {
        AtomicReference<Thread> consumer = new AtomicReference<>();
        CountDownLatch inWindow = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        InstantSource clock = () -> {
            if (Thread.currentThread() == consumer.get() && inWindow.getCount() > 0) {
                inWindow.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Instant.now();
        };
        MemoryQueue q = new MemoryQueues(clock).open("jobs", null);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<Lease>> leased = pool.submit(() -> {
                consumer.set(Thread.currentThread());
                return q.lease("c", 1, Duration.ofMinutes(10)); // a missed item would leave it waiting past the hang guard
            });
            assertThat(inWindow.await(1, TimeUnit.MINUTES)).as("hang guard").isTrue();
            q.produce(List.of(Message.of("x")));
            resume.countDown();

            assertThat(leased.get(1, TimeUnit.MINUTES)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
