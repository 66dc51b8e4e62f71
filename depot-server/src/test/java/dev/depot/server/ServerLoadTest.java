package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded load: client threads each send mixed PUT / GET / conditional PUT / query requests on
 * their own keys; zero errors and, at the end, every record holds the last value its owner wrote
 * with the version it was told. Throughput is logged, never asserted. {@code -Ddepot.deep=true}
 * runs ten times as many requests.
 */
class ServerLoadTest {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLoadTest.class);
    static final int THREADS = 4;
    static final int REQUESTS = Boolean.getBoolean("depot.deep") ? 20_000 : 2_000;

    @Test
    void mixedRequestsFromSeveralClientsLoseNothing() throws Exception {
        try (Depot depot = Depot.open("memory:");
                DepotServer server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0))) {
            Http http = new Http(server.url());
            assertThat(http.put("/v1/collections/counters",
                    "{\"key\": \"/id\", \"indexes\": [{\"name\": \"owner\", \"type\": \"long\", \"pointer\": \"/owner\"}]}").status())
                    .isEqualTo(201);
            Map<String, long[]> expected = new ConcurrentHashMap<>(); // key -> {value, version}
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long start = System.nanoTime();
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int owner = t;
                results.add(pool.submit(() -> client(http, owner, expected)));
            }
            int errors = 0;
            for (Future<Integer> f : results) {
                errors += f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            LOG.info("server load: {} threads x {} requests in {} s = {} req/s", THREADS, REQUESTS,
                    String.format("%.2f", seconds), Math.round(THREADS * REQUESTS / seconds));
            assertThat(errors).isZero();
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                Http.Response r = http.get("/v1/collections/counters/records/" + e.getKey());
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().get("n").asLong()).as(e.getKey()).isEqualTo(e.getValue()[0]);
                assertThat(r.etag()).isEqualTo(Etags.of(e.getValue()[1]));
            }
            assertThat(depot.changes().since(0, 100_000).stream().filter(c -> c.collection().equals("counters")).count())
                    .isEqualTo(expected.values().stream().mapToLong(v -> v[1]).sum());
        }
    }

    /** Returns the number of unexpected answers. */
    private static int client(Http http, int owner, Map<String, long[]> expected) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int errors = 0;
        for (int i = 0; i < REQUESTS; i++) {
            String key = "k" + owner + "_" + random.nextInt(50);
            long[] known = expected.get(key);
            int kind = random.nextInt(10);
            if (kind < 4 || known == null) {
                long n = random.nextLong(1_000_000);
                Http.Response r = http.put("/v1/collections/counters/records/" + key,
                        "{\"id\":\"" + key + "\",\"owner\":" + owner + ",\"n\":" + n + "}");
                long version = known == null ? 1 : known[1] + 1;
                if ((r.status() != 200 && r.status() != 201) || !Etags.of(version).equals(r.etag())) {
                    errors++;
                }
                expected.put(key, new long[] {n, version});
            } else if (kind < 7) {
                Http.Response r = http.get("/v1/collections/counters/records/" + key);
                if (r.status() != 200 || r.json().get("n").asLong() != known[0]) {
                    errors++;
                }
            } else if (kind < 9) {
                long n = random.nextLong(1_000_000);
                Http.Response r = http.put("/v1/collections/counters/records/" + key,
                        "{\"id\":\"" + key + "\",\"owner\":" + owner + ",\"n\":" + n + "}", "If-Match", Etags.of(known[1]));
                if (r.status() != 200) {
                    errors++;
                }
                expected.put(key, new long[] {n, known[1] + 1});
            } else {
                Http.Response r = http.post("/v1/collections/counters/query",
                        "{\"where\":[{\"field\":\"owner\",\"op\":\"eq\",\"value\":" + owner + "}],\"limit\":100}");
                if (r.status() != 200 || r.json().get("items").size() != expected.keySet().stream()
                        .filter(k -> k.startsWith("k" + owner + "_")).count()) {
                    errors++;
                }
            }
        }
        return errors;
    }
}
