package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** POST /v1/batch: all operations in one transaction, or none; the refused one is named. */
class ServerBatchTest {
    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
        http = new Http(server.url());
        http.put("/v1/collections/players", ServerRecordsTest.PLAYERS);
        http.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", 10));
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    @Test
    void allOperationsApplyTogether() {
        Http.Response r = http.post("/v1/batch", "{\"operations\": ["
                + "{\"op\": \"put\", \"collection\": \"players\", \"value\": " + ServerRecordsTest.player("bob", 1) + "},"
                + "{\"op\": \"put\", \"collection\": \"players\", \"ifVersion\": 1, \"value\": " + ServerRecordsTest.player("ann", 11) + "},"
                + "{\"op\": \"produce\", \"queue\": \"scores\", \"message\": {\"payload\": \"ann\"}},"
                + "{\"op\": \"delete\", \"collection\": \"players\", \"key\": \"nobody\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode results = r.json().get("results");
        assertThat(results.get(0).get("version").asLong()).isEqualTo(1);
        assertThat(results.get(1).get("version").asLong()).isEqualTo(2);
        assertThat(results.get(3).get("deleted").asBoolean()).isFalse();
        assertThat(http.get("/v1/collections/players/records/bob").status()).isEqualTo(200);
        assertThat(http.get("/v1/collections/players/records/ann").json().get("score").asInt()).isEqualTo(11);
        assertThat(depot.queue("scores").stats().ready()).isEqualTo(1);
    }

    @Test
    void oneRefusedOperationWritesNothingAndIsNamed() {
        long feed = depot.changes().lastSequence();
        Http.Response stale = http.post("/v1/batch", "{\"operations\": ["
                + "{\"op\": \"put\", \"collection\": \"players\", \"value\": " + ServerRecordsTest.player("bob", 1) + "},"
                + "{\"op\": \"produce\", \"queue\": \"scores\", \"message\": {\"payload\": \"x\"}},"
                + "{\"op\": \"put\", \"collection\": \"players\", \"ifVersion\": 7, \"value\": " + ServerRecordsTest.player("ann", 99) + "}]}");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.json().get("detail").asString()).startsWith("operations[2]");
        Http.Response unique = http.post("/v1/batch", "{\"operations\": ["
                + "{\"op\": \"put\", \"collection\": \"players\", \"value\": " + ServerRecordsTest.player("bob", 1) + "},"
                + "{\"op\": \"put\", \"collection\": \"players\", \"value\": {\"id\": \"cy\", \"email\": \"bob@example.com\", \"score\": 2}}]}");
        assertThat(unique.status()).isEqualTo(409);
        Http.Response unknown = http.post("/v1/batch", "{\"operations\": ["
                + "{\"op\": \"put\", \"collection\": \"players\", \"value\": " + ServerRecordsTest.player("bob", 1) + "},"
                + "{\"op\": \"put\", \"collection\": \"teams\", \"value\": {\"id\": \"t\"}}]}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asString()).startsWith("operations[1]").contains("teams");
        Http.Response badOp = http.post("/v1/batch", "{\"operations\": [{\"op\": \"upsert\"}]}");
        assertThat(badOp.status()).isEqualTo(400);
        assertThat(badOp.json().get("detail").asString()).contains("operations[0]");
        assertThat(http.post("/v1/batch", "{\"operations\": []}").status()).isEqualTo(400);

        assertThat(depot.changes().lastSequence()).isEqualTo(feed);
        assertThat(http.get("/v1/collections/players/records/bob").status()).isEqualTo(404);
        assertThat(depot.queue("scores").stats().ready()).isZero();
        assertThat(unique.body()).doesNotContain("bob@example.com");
    }
}
