package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.Capability;
import dev.depot.Depot;
import dev.depot.jdbc.JdbcDepots;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server end to end on PostgreSQL ({@code DEPOT_TEST_POSTGRES_URL}, skipped when no server
 * answers), under its own table prefix, dropped afterwards: records, a batch, tenants, two servers
 * on one database; blobs and queues where the backend has them, else 501.
 */
class ServerPostgresTest {
    static final String PREFIX = "srvtest_";
    String url;
    Depot depot;
    DepotServer a;
    DepotServer b;

    @BeforeEach
    void start() {
        String base = System.getenv().getOrDefault("DEPOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test");
        url = base + (base.contains("?") ? "&" : "?") + "tablePrefix=" + PREFIX;
        dropTables();
        try {
            depot = Depot.open(url);
        } catch (BackendUnavailableException e) {
            if (Boolean.parseBoolean(System.getenv("DEPOT_REQUIRE_SERVERS"))) { // CI: a silent skip would hide the suite
                throw new AssertionError("PostgreSQL does not answer at DEPOT_TEST_POSTGRES_URL and DEPOT_REQUIRE_SERVERS=true", e);
            }
            Assumptions.abort("PostgreSQL does not answer at DEPOT_TEST_POSTGRES_URL");
        }
        a = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
        b = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        if (depot != null) {
            b.close();
            a.close();
            depot.close();
        }
        dropTables();
    }

    @Test
    void recordsBatchesAndTenantsAcrossTwoServers() {
        Http ha = new Http(a.url());
        Http hb = new Http(b.url());
        assertThat(ha.put("/v1/collections/players", ServerRecordsTest.PLAYERS).status()).isEqualTo(201);
        assertThat(hb.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", 10)).status()).isEqualTo(201);
        assertThat(ha.get("/v1/collections/players/records/ann").etag()).isEqualTo("\"1\"");
        assertThat(hb.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", 11), "If-Match", "\"1\"").status())
                .isEqualTo(200);
        assertThat(ha.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", 12), "If-Match", "\"1\"").status())
                .isEqualTo(412);

        Http.Response batch = ha.post("/v1/batch", "{\"operations\": ["
                + "{\"op\": \"put\", \"collection\": \"players\", \"value\": " + ServerRecordsTest.player("bob", 1) + "},"
                + "{\"op\": \"put\", \"collection\": \"players\", \"ifVersion\": 1, \"value\": " + ServerRecordsTest.player("ann", 13) + "}]}");
        assertThat(batch.status()).isEqualTo(412);
        assertThat(hb.get("/v1/collections/players/records/bob").status()).isEqualTo(404);
        assertThat(ha.post("/v1/batch", "{\"operations\": [{\"op\": \"put\", \"collection\": \"players\", \"value\": "
                + ServerRecordsTest.player("bob", 1) + "}]}").status()).isEqualTo(200);

        assertThat(ha.put("/v1/collections/players", ServerRecordsTest.PLAYERS, "X-Depot-Tenant", "acme").status()).isEqualTo(201);
        assertThat(hb.get("/v1/collections/players/records/bob", "X-Depot-Tenant", "acme").status()).isEqualTo(404);
        assertThat(hb.post("/v1/collections/players/query", "{}", "X-Depot-Tenant", "acme").json().get("items")).isEmpty();
        assertThat(hb.post("/v1/collections/players/query", "{}").json().get("items")).hasSize(2);
    }

    /** Creators and deleters of one new path over two servers: 201 exactly for the one write that created. */
    @Test
    void racingPutsAndDeletesOfOneBlobAnswer201ExactlyWhenTheyCreate() {
        Assumptions.assumeTrue(depot.capabilities().has(Capability.BLOBS));
        List<Http> both = List.of(new Http(a.url()), new Http(b.url()));
        BlobPutRace.run(both, "raced", 6, 0, 5);
        BlobPutRace.run(both, "raced2", 4, 2, 8);
    }

    @Test
    void blobsAndQueuesWhereTheBackendHasThem() {
        Http h = new Http(a.url());
        Http.Response blob = h.put("/v1/blobs/docs/a.txt", "{\"x\": 1}");
        Http.Response queue = h.post("/v1/queues/jobs/messages", "{\"messages\": [{\"payload\": 1}]}");
        if (depot.capabilities().has(Capability.BLOBS)) {
            assertThat(blob.status()).isEqualTo(201);
            assertThat(new Http(b.url()).get("/v1/blobs/docs/a.txt").body()).isEqualTo("{\"x\": 1}");
            Http other = new Http(b.url());
            assertThat(other.put("/v1/blobs/docs/a.txt", "{\"x\": 2}", "If-Match", "*").status()).isEqualTo(200);
            assertThat(h.delete("/v1/blobs/docs/a.txt", "If-Match", blob.etag()).status()).as("replaced meanwhile").isEqualTo(412);
            assertThat(h.delete("/v1/blobs/docs/a.txt", "If-Match", "*").status()).isEqualTo(204);
            assertThat(other.delete("/v1/blobs/docs/a.txt", "If-Match", "*").status()).isEqualTo(412);
            assertThat(other.put("/v1/blobs/docs/a.txt", "{}", "If-Match", "*").status()).isEqualTo(412);
        } else {
            assertThat(blob.status()).isEqualTo(501);
        }
        if (depot.capabilities().has(Capability.QUEUES)) {
            assertThat(queue.status()).isEqualTo(201);
            assertThat(new Http(b.url()).post("/v1/queues/jobs/leases", "{}").json().get("leases")).hasSize(1);
            assertThat(h.post("/v1/queues/jobs/leases", "{}").json().get("leases")).isEmpty();
        } else {
            assertThat(queue.status()).isEqualTo(501);
        }
    }

    private void dropTables() {
        try {
            JdbcDepots.drop(url);
        } catch (BackendUnavailableException e) {
            // No server: nothing was created.
        }
    }
}
