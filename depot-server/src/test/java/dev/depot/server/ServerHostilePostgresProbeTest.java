package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.jdbc.JdbcDepots;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Text PostgreSQL cannot store (U+0000, unpaired surrogates) in the free-text members of queue requests
 * (lease holder, dead-letter reason, headers, dedup key, payload) and blob metadata: a 4xx naming the
 * member, never a 500, and nothing changed. ({@code DEPOT_TEST_POSTGRES_URL}; skipped when no server answers.)
 */
class ServerHostilePostgresProbeTest {
    static final String PREFIX = "srvhostile_";
    String url;
    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        String base = System.getenv().getOrDefault("DEPOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test");
        url = base + (base.contains("?") ? "&" : "?") + "tablePrefix=" + PREFIX;
        drop();
        try {
            depot = Depot.open(url);
        } catch (BackendUnavailableException e) {
            if (Boolean.parseBoolean(System.getenv("DEPOT_REQUIRE_SERVERS"))) {
                throw new AssertionError("PostgreSQL does not answer at DEPOT_TEST_POSTGRES_URL and DEPOT_REQUIRE_SERVERS=true", e);
            }
            Assumptions.abort("PostgreSQL does not answer at DEPOT_TEST_POSTGRES_URL");
        }
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        if (depot != null) {
            server.close();
            depot.close();
        }
        drop();
    }

    private void drop() {
        try {
            JdbcDepots.drop(url);
        } catch (BackendUnavailableException e) {
            // no server: nothing was created
        }
    }

    @Test
    void textPostgresCannotStoreIsA4xxNotA500() {
        SoftAssertions soft = new SoftAssertions();
        assertThat(http.put("/v1/queues/q", "{}").status()).isIn(200, 201);
        assertThat(http.post("/v1/queues/q/messages", "{\"messages\": [{\"payload\": {\"n\": 1}}]}").status()).isEqualTo(201);
        String[][] bodies = {
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": \"a\\u0000b\"}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"headers\": {\"k\": \"a\\u0000b\"}}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"headers\": {\"k\": \"\\ud800\"}}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"dedupKey\": \"a\\u0000b\"}]}", "messages[0]"},
                {"/v1/queues/q/leases", "{\"max\": 1, \"holder\": \"a\\u0000b\"}", "holder"},
        };
        for (String[] b : bodies) {
            Http.Response r = http.post(b[0], b[1]);
            soft.assertThat(r.status()).as(b[1] + " -> " + r.body()).isNotEqualTo(500);
            if (r.status() >= 400) {
                soft.assertThat(r.status()).as(b[1]).isBetween(400, 499);
                soft.assertThat(r.body()).as(b[1]).contains(b[2]);
            }
        }
        // A lease to dead-letter with a NUL in its reason.
        Http.Response leased = http.post("/v1/queues/q/leases", "{\"max\": 10}");
        if (leased.status() == 200 && leased.json().get("leases").size() > 0) {
            var l = leased.json().get("leases").get(0);
            Http.Response dead = http.post("/v1/queues/q/dead-letter", "{\"lease\": {\"id\": \"" + l.get("id").asString() + "\", \"token\": \""
                    + l.get("token").asString() + "\"}, \"reason\": \"bad\\u0000reason\"}");
            soft.assertThat(dead.status()).as("dead-letter reason with NUL -> " + dead.body()).isNotEqualTo(500);
        }
        soft.assertAll();
    }
}
