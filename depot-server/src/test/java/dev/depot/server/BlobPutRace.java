package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unconditional PUTs of one new blob path racing each other (and DELETEs) over HTTP, spread over the
 * given servers: each PUT's 201 or 200 must be what its write did, so exactly one creator answers
 * 201, and creates minus deletes is whether the blob remains.
 */
final class BlobPutRace {
    private BlobPutRace() {
    }

    static void run(List<Http> servers, String bucket, int writers, int deleters, int rounds) {
        ExecutorService pool = Executors.newFixedThreadPool(writers + deleters);
        try {
            for (int round = 0; round < rounds; round++) {
                String path = "/v1/blobs/" + bucket + "/raced-" + round;
                AtomicInteger created = new AtomicInteger();
                AtomicInteger replaced = new AtomicInteger();
                AtomicInteger deleted = new AtomicInteger();
                CyclicBarrier together = new CyclicBarrier(writers + deleters);
                List<Future<?>> all = new ArrayList<>();
                for (int t = 0; t < writers + deleters; t++) {
                    Http http = servers.get(t % servers.size());
                    boolean writer = t < writers;
                    String body = "writer " + t;
                    all.add(pool.submit(() -> {
                        together.await(30, TimeUnit.SECONDS);
                        if (writer) {
                            Http.Response r = http.put(path, body);
                            assertThat(r.status()).as(r.body()).isIn(200, 201);
                            (r.status() == 201 ? created : replaced).incrementAndGet();
                        } else {
                            Http.Response r = http.delete(path);
                            assertThat(r.status()).as(r.body()).isIn(204, 404);
                            if (r.status() == 204) {
                                deleted.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get(60, TimeUnit.SECONDS);
                }
                int remains = servers.get(0).get(path).status() == 200 ? 1 : 0;
                if (deleters == 0) {
                    assertThat(created.get()).as("round %d: PUTs answering 201", round).isEqualTo(1);
                }
                assertThat(created.get() - deleted.get()).as("round %d: 201s minus 204s", round).isEqualTo(remains);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
