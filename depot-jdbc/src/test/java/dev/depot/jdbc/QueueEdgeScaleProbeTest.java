package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BatchResult;
import dev.depot.Depot;
import dev.depot.ItemState;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Queue calls at their documented size edges, on memory and every SQL backend: a batch of items
 * each carrying the largest payload, produced in one call and in one transaction; leases, completes
 * and retries of the largest batch (1,000), and a whole batch dead-lettered in one call into a
 * dead-letter queue where it dies again and stays.
 */
class QueueEdgeScaleProbeTest {
    static final String PREFIX = "qes_";
    static final int MAX_PAYLOAD = 4 << 20;

    static Stream<Arguments> backends() {
        return TestDatabases.memoryAndAll(PREFIX);
    }

    static byte[] hostile(int size, int seed) {
        byte[] hostile = {0, '\'', '"', '\\', '\n', '\r', 0x1a};
        byte[] payload = new byte[size];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = hostile[(i + seed) % hostile.length];
        }
        payload[0] = (byte) seed;
        return payload;
    }

    /** A batch of several maximal payloads: a produce of items each within the limit must work on every backend. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aBatchOfMaximalPayloadsIsProducedWhole(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = TestDatabases.open(opener, PREFIX)) {
            WorkQueue q = depot.queue("big");
            q.clear();
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                batch.add(Message.of(hostile(MAX_PAYLOAD, i)));
            }
            List<String> ids = q.produce(batch);
            assertThat(ids).hasSize(6);
            depot.transact(tx -> {
                for (int i = 6; i < 12; i++) {
                    tx.queue("big").produce(Message.of(hostile(MAX_PAYLOAD, i)));
                }
                return null;
            });
            for (int i = 0; i < 12; i++) {
                List<Lease> got = q.lease(1, Duration.ZERO);
                assertThat(got).as("item %d", i).hasSize(1);
                assertThat(Arrays.equals(got.getFirst().payload(), hostile(MAX_PAYLOAD, i))).as("payload %d", i).isTrue();
                q.complete(got.getFirst());
            }
            assertThat(q.stats().ready()).isZero();
        }
    }

    /**
     * Batches of 1,000 through every settling call: complete, retry to the tail, retry on the last
     * attempt (all 1,000 move to the dead-letter queue in one call, in id order), and there a retry
     * that kills them again (dead letters never travel on). One past the limit is refused and changes
     * nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void fullBatchesSettleWholeAndDeadLetterTogether(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = TestDatabases.open(opener, PREFIX)) {
            WorkQueue dl = depot.queue("edge_dl", QueueOptions.leaseTimeout(Duration.ofMinutes(5)).maxAttempts(1));
            WorkQueue q = depot.queue("edge", QueueOptions.leaseTimeout(Duration.ofMinutes(5)).maxAttempts(2).deadLetter("edge_dl"));
            q.clear();
            dl.clear();
            List<String> ids = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    batch.add(Message.of("m" + (b * 1000 + i)));
                }
                ids.addAll(q.produce(batch));
            }
            List<Message> tooMany = new ArrayList<>();
            for (int i = 0; i < 1001; i++) {
                tooMany.add(Message.of("x"));
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.produce(tooMany))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("queue edge: ");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.lease(1001, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("queue edge: ");
            assertThat(q.stats().ready()).isEqualTo(2000);

            List<Lease> first = q.lease(1000, Duration.ZERO);
            assertThat(first).extracting(Lease::id).containsExactlyElementsOf(ids.subList(0, 1000));
            BatchResult done = q.complete(first);
            assertThat(done.applied()).hasSize(1000);
            assertThat(done.stale()).isEmpty();

            List<Lease> second = q.lease(1000, Duration.ZERO);
            assertThat(second).extracting(Lease::id).containsExactlyElementsOf(ids.subList(1000, 2000));
            assertThat(q.retry(second, Duration.ZERO).applied()).hasSize(1000);
            List<Lease> again = q.lease(1000, Duration.ZERO);
            assertThat(again).extracting(Lease::id).containsExactlyElementsOf(ids.subList(1000, 2000));
            assertThat(again).allMatch(l -> l.attempt() == 2);
            assertThat(q.complete(second).stale()).as("the first leases are stale").hasSize(1000);
            assertThat(q.retry(again, Duration.ZERO).applied()).hasSize(1000); // the last attempt: all die at once
            assertThat(q.stats().pending()).isZero();
            assertThat(dl.stats().ready()).isEqualTo(1000);

            List<Lease> letters = dl.lease(1000, Duration.ZERO);
            assertThat(letters).extracting(Lease::id).as("dead letters keep their ids and arrive in id order")
                    .containsExactlyElementsOf(ids.subList(1000, 2000));
            assertThat(dl.retry(letters, Duration.ZERO).applied()).hasSize(1000);
            QueueItem item = dl.inspect(ids.get(1500)).orElseThrow();
            assertThat(item.state()).isEqualTo(ItemState.DEAD);
            assertThat(dl.stats().dead()).isEqualTo(1000);
            assertThat(q.stats().dead()).isZero();
            assertThat(q.list(null, 1000, null).items()).isEmpty();
        }
    }
}
