package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A backend without blobs, queues or transactions answers 501 on those routes (and serves records);
 * two servers over one depot never hand out one item twice.
 */
class ServerCapabilitiesTest {

    @Test
    void missingCapabilitiesAre501ProblemsAndRecordsStillWork() {
        try (Depot depot = new RecordsOnlyDepot(Depot.open("memory:"));
                DepotServer server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)))) {
            Http http = new Http(server.url());
            for (Http.Response r : new Http.Response[] {
                    http.put("/v1/blobs/docs/a.txt", "x"),
                    http.get("/v1/blobs/docs"),
                    http.post("/v1/queues/jobs/messages", "{\"messages\": [{\"payload\": 1}]}"),
                    http.post("/v1/queues/jobs/leases", "{}"),
                    http.put("/v1/queues/jobs", "{}"),
                    http.post("/v1/batch", "{\"operations\": [{\"op\": \"delete\", \"collection\": \"c\", \"key\": \"k\"}]}")}) {
                assertThat(r.status()).as(r.body()).isEqualTo(501);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.json().get("type").asString()).endsWith("/not-supported");
            }
            assertThat(http.put("/v1/collections/c", "{\"key\": \"/id\"}").status()).isEqualTo(201);
            assertThat(http.put("/v1/collections/c/records/k", "{\"id\": \"k\"}").status()).isEqualTo(201);
            assertThat(http.get("/metrics").body()).contains("depot_records{collection=\"c\"} 1");
        }
    }

    @Test
    void twoServersOnOneDepotShareAQueueAndNeverLeaseAnItemTwice() {
        try (Depot depot = Depot.open("memory:");
                DepotServer a = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
                DepotServer b = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)))) {
            Http ha = new Http(a.url());
            Http hb = new Http(b.url());
            StringBuilder sb = new StringBuilder("{\"messages\": [");
            for (int i = 0; i < 50; i++) {
                sb.append(i == 0 ? "" : ",").append("{\"payload\": ").append(i).append('}');
            }
            assertThat(ha.post("/v1/queues/shared/messages", sb.append("]}").toString()).status()).isEqualTo(201);
            Set<String> ids = new HashSet<>();
            int leased = 0;
            for (int round = 0; round < 20; round++) {
                for (Http h : new Http[] {ha, hb}) {
                    for (JsonNode l : h.post("/v1/queues/shared/leases", "{\"max\": 3}").json().get("leases")) {
                        assertThat(ids.add(l.get("id").asString())).as("leased twice: " + l.get("id")).isTrue();
                        leased++;
                    }
                }
            }
            assertThat(leased).isEqualTo(50);
            assertThat(hb.get("/v1/queues/shared/stats").json().get("leased").asLong()).isEqualTo(50);
        }
    }
}
