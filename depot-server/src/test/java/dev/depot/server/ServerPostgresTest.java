package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.Capability;
import dev.depot.Depot;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
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

    @Test
    void blobsAndQueuesWhereTheBackendHasThem() {
        Http h = new Http(a.url());
        Http.Response blob = h.put("/v1/blobs/docs/a.txt", "{\"x\": 1}");
        Http.Response queue = h.post("/v1/queues/jobs/messages", "{\"messages\": [{\"payload\": 1}]}");
        if (depot.capabilities().has(Capability.BLOBS)) {
            assertThat(blob.status()).isEqualTo(201);
            assertThat(new Http(b.url()).get("/v1/blobs/docs/a.txt").body()).isEqualTo("{\"x\": 1}");
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
        String base = System.getenv().getOrDefault("DEPOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test");
        URI u = URI.create(base);
        String user = u.getUserInfo() == null ? "postgres" : u.getUserInfo().split(":")[0];
        String password = u.getUserInfo() != null && u.getUserInfo().contains(":") ? u.getUserInfo().split(":", 2)[1] : null;
        String jdbc = "jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + u.getPath();
        try (Connection c = DriverManager.getConnection(jdbc, user, password); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE '"
                    + PREFIX + "%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                st.execute("DROP TABLE IF EXISTS \"" + t + "\" CASCADE");
            }
        } catch (java.sql.SQLException e) {
            // No server: nothing was created.
        }
    }
}
