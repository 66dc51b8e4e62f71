package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Work queues over HTTP on memory: produce, lease, complete, retry, extend, dead letters, stats. */
class ServerQueuesTest {
    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    private JsonNode leaseOne(String queue) {
        Http.Response r = http.post("/v1/queues/" + queue + "/leases", "{\"max\": 1}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("leases").get(0);
    }

    private static String ref(JsonNode lease) {
        return "{\"id\":\"" + lease.get("id").asString() + "\",\"token\":\"" + lease.get("token").asString() + "\"}";
    }

    @Test
    void produceLeaseCompleteAndStaleTokensChangeNothing() {
        Http.Response produced = http.post("/v1/queues/emails/messages",
                "{\"messages\": [{\"payload\": {\"to\": \"ann\"}, \"headers\": {\"kind\": \"welcome\"}}, {\"payloadBase64\": \"AAEC\"}]}");
        assertThat(produced.status()).as(produced.body()).isEqualTo(201);
        assertThat(produced.json().get("ids").size()).isEqualTo(2);

        JsonNode first = leaseOne("emails");
        assertThat(first.get("payload").get("to").asString()).isEqualTo("ann");
        assertThat(first.get("headers").get("kind").asString()).isEqualTo("welcome");
        assertThat(first.get("attempt").asInt()).isEqualTo(1);
        JsonNode second = leaseOne("emails");
        assertThat(second.get("payloadBase64").asString()).isEqualTo("AAEC");

        JsonNode stats = http.get("/v1/queues/emails/stats").json();
        assertThat(stats.get("leased").asLong()).isEqualTo(2);
        assertThat(stats.get("ready").asLong()).isZero();

        Http.Response done = http.post("/v1/queues/emails/complete", "{\"leases\": [" + ref(first) + "]}");
        assertThat(done.json().get("applied").get(0).asString()).isEqualTo(first.get("id").asString());
        Http.Response again = http.post("/v1/queues/emails/complete", "{\"leases\": [" + ref(first) + "]}");
        assertThat(again.json().get("stale").size()).isEqualTo(1);
        assertThat(again.json().get("applied").size()).isZero();

        String forged = "{\"id\":\"" + second.get("id").asString() + "\",\"token\":\"forged\"}";
        assertThat(http.post("/v1/queues/emails/extend", "{\"lease\": " + forged + ", \"by\": \"10s\"}").status()).isEqualTo(409);
        Http.Response extended = http.post("/v1/queues/emails/extend", "{\"lease\": " + ref(second) + ", \"by\": \"10m\"}");
        assertThat(extended.status()).as(extended.body()).isEqualTo(200);
        assertThat(extended.json().get("token").asString()).isEqualTo(second.get("token").asString());

        Http.Response retried = http.post("/v1/queues/emails/retry", "{\"leases\": [" + ref(second) + "]}");
        assertThat(retried.json().get("applied").size()).isEqualTo(1);
        JsonNode redelivered = leaseOne("emails");
        assertThat(redelivered.get("id").asString()).isEqualTo(second.get("id").asString());
        assertThat(redelivered.get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void deadLettersGoWhereTheOptionsSayAndCanBeListed() {
        Http.Response configured = http.put("/v1/queues/jobs", "{\"maxAttempts\": 1, \"deadLetterQueue\": \"jobs_dead\", \"leaseTimeout\": \"30s\"}");
        assertThat(configured.status()).as(configured.body()).isEqualTo(200);
        assertThat(http.get("/v1/queues/jobs").json().get("deadLetterQueue").asString()).isEqualTo("jobs_dead");
        http.post("/v1/queues/jobs/messages", "{\"messages\": [{\"payload\": 1}, {\"payload\": 2}]}");
        JsonNode a = leaseOne("jobs");
        JsonNode b = leaseOne("jobs");
        assertThat(http.post("/v1/queues/jobs/dead-letter", "{\"lease\": " + ref(a) + ", \"reason\": \"bad input\"}").status())
                .isEqualTo(204);
        http.post("/v1/queues/jobs/retry", "{\"leases\": [" + ref(b) + "]}"); // last attempt: dies
        JsonNode dead = http.get("/v1/queues/jobs_dead/items").json().get("items");
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).get("deadFrom").asString()).isEqualTo("jobs");
        assertThat(dead.get(0).get("deadReason").asString()).isEqualTo("bad input");
        assertThat(http.get("/v1/queues/jobs/stats").json().get("ready").asLong()).isZero();
        assertThat(http.get("/v1/queues/jobs_dead/items?state=ready&limit=1").json().get("items")).hasSize(1);
        assertThat(http.get("/v1/queues/jobs_dead/items?state=lost").status()).isEqualTo(400);
    }

    @Test
    void aLongPollWakesOnAProduce() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Http.Response> waiting = pool.submit(() -> http.post("/v1/queues/w/leases", "{\"max\": 5, \"wait\": \"30s\"}"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.inFlight() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            http.post("/v1/queues/w/messages", "{\"messages\": [{\"payload\": \"x\"}]}");
            Http.Response r = waiting.get();
            assertThat(r.json().get("leases")).hasSize(1);
            assertThat(http.post("/v1/queues/w/leases", "{\"max\": 5, \"wait\": \"0s\"}").json().get("leases")).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLeaseLongPollEndsWithAnEmptyAnswerWhenTheServerStops() throws Exception {
        server.close();
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofSeconds(20)));
        http = new Http(server.url());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Http.Response> waiting = pool.submit(() -> http.post("/v1/queues/idle/leases", "{\"wait\": \"60s\"}"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.inFlight() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            server.close(); // returns once in-flight requests are done: the wait must notice the stop
            Http.Response r = waiting.get();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("leases")).isEmpty();
            assertThat(server.inFlight()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyConsumersOverHttpEachItemCompletedExactlyOnce() throws Exception {
        int items = 600;
        for (int i = 0; i < items; i += 100) {
            StringBuilder sb = new StringBuilder("{\"messages\": [");
            for (int j = i; j < i + 100; j++) {
                sb.append(j == i ? "" : ",").append("{\"payload\": ").append(j).append('}');
            }
            http.post("/v1/queues/work/messages", sb.append("]}").toString());
        }
        Set<Integer> done = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(pool.submit(() -> {
                Http client = new Http(server.url());
                while (true) {
                    JsonNode leases = client.post("/v1/queues/work/leases", "{\"max\": 7}").json().get("leases");
                    if (leases.isEmpty()) {
                        return null;
                    }
                    StringBuilder refs = new StringBuilder("{\"leases\": [");
                    for (int k = 0; k < leases.size(); k++) {
                        refs.append(k == 0 ? "" : ",").append(ref(leases.get(k)));
                    }
                    JsonNode result = client.post("/v1/queues/work/complete", refs.append("]}").toString()).json();
                    assertThat(result.get("stale")).isEmpty();
                    for (JsonNode l : leases) {
                        if (!done.add(l.get("payload").asInt())) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(duplicates.get()).isZero();
        assertThat(done).hasSize(items);
        assertThat(depot.queue("work").stats().pending()).isZero();
    }

    @Test
    void badQueueInputIsAProblemNamingTheField() {
        long before = depot.queue("q").stats().pending();
        assertThat(http.post("/v1/queues/q/messages", "{\"messages\": []}").json().get("detail").asString()).contains("messages");
        Http.Response noPayload = http.post("/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1}, {\"headers\": {}}]}");
        assertThat(noPayload.status()).isEqualTo(400);
        assertThat(noPayload.json().get("detail").asString()).contains("messages[1]");
        Http.Response badHeader = http.post("/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"headers\": {\"a\": 5}}]}");
        assertThat(badHeader.json().get("detail").asString()).contains("messages[0].headers.a");
        assertThat(http.post("/v1/queues/q/messages", "{\"messages\": [{\"payloadBase64\": \"!!\"}]}").status()).isEqualTo(400);
        assertThat(http.post("/v1/queues/q/leases", "{\"max\": 0}").json().get("detail").asString()).contains("max");
        assertThat(http.post("/v1/queues/q/leases", "{\"wait\": \"forever\"}").json().get("detail").asString()).contains("wait");
        assertThat(http.post("/v1/queues/q/complete", "{\"leases\": [{\"id\": 1}]}").json().get("detail").asString())
                .contains("leases[0]");
        assertThat(http.put("/v1/queues/q", "{\"maxAttempts\": 0}").status()).isEqualTo(400);
        assertThat(http.put("/v1/queues/Bad", "{}").status()).isEqualTo(400);
        assertThat(depot.queue("q").stats().pending()).isEqualTo(before);
    }

    /**
     * DELETE drops the queue and its items (204), answers 404 for a queue that does not exist and a
     * 409 problem while another queue names it as its dead-letter queue (nothing dropped); a tenant
     * sees its own names in the problem. A later request starts a fresh queue.
     */
    @Test
    void deleteDropsAQueueAndRefusesADeadLetterQueueInUse() {
        String[] acme = {"X-Depot-Tenant", "acme"};
        assertThat(http.put("/v1/queues/jobs_dead", "{}", acme).status()).isEqualTo(200);
        assertThat(http.put("/v1/queues/jobs", "{\"deadLetterQueue\": \"jobs_dead\", \"maxAttempts\": 2}", acme).status())
                .isEqualTo(200);
        assertThat(http.post("/v1/queues/jobs/messages", "{\"messages\": [{\"payload\": 1}]}", acme).status()).isEqualTo(201);

        Http.Response inUse = http.delete("/v1/queues/jobs_dead", acme);
        assertThat(inUse.status()).as(inUse.body()).isEqualTo(409);
        assertThat(inUse.contentType()).startsWith("application/problem+json");
        assertThat(inUse.json().get("type").asString()).endsWith("queue-in-use");
        assertThat(inUse.json().get("detail").asString()).contains("queue jobs_dead").contains("queue jobs").doesNotContain("acme__");

        Http.Response dropped = http.delete("/v1/queues/jobs", acme);
        assertThat(dropped.status()).as(dropped.body()).isEqualTo(204);
        assertThat(depot.queues()).doesNotContainKey("acme__jobs").containsKey("acme__jobs_dead");
        Http.Response missing = http.delete("/v1/queues/jobs", acme);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").asString()).contains("queue jobs").doesNotContain("acme__");

        JsonNode fresh = http.get("/v1/queues/jobs", acme).json();
        assertThat(fresh.get("maxAttempts").asInt()).as("a fresh queue, default options").isEqualTo(5);
        assertThat(http.get("/v1/queues/jobs/stats", acme).json().get("ready").asLong()).isZero();
        assertThat(http.delete("/v1/queues/bad-name", acme).status()).isEqualTo(400);
    }
}
