package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
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
 * each carrying the largest payload, produced in one call and in one transaction.
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
}
