package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One refusal per endpoint family: the status, an RFC 9457 problem document naming what was wrong,
 * and nothing written (the feed does not move, the record is unchanged).
 */
class ServerBadInputTest {
    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(java.time.Duration.ofMillis(200)).withMaxBodyBytes(1024));
        http = new Http(server.url());
        http.put("/v1/collections/players", ServerRecordsTest.PLAYERS);
        http.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", 10));
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    private void assertProblem(Http.Response r, int status, String detailContains) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asString()).startsWith("https://");
        assertThat(p.get("title").asString()).isNotBlank();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asString()).contains(detailContains);
    }

    private void assertNothingWritten(long feedBefore) {
        assertThat(depot.changes().lastSequence()).isEqualTo(feedBefore);
        Http.Response ann = http.get("/v1/collections/players/records/ann");
        assertThat(ann.etag()).isEqualTo("\"1\"");
        assertThat(ann.json().get("score").asInt()).isEqualTo(10);
    }

    @Test
    void declarations() {
        long before = depot.changes().lastSequence();
        assertProblem(http.put("/v1/collections/teams", "{\"key\": 5}"), 400, "key");
        assertProblem(http.put("/v1/collections/teams", "{\"key\": \"/id\", \"indexes\": [{\"name\": \"x\", \"type\": \"money\", \"pointer\": \"/x\"}]}"),
                400, "money");
        assertProblem(http.put("/v1/collections/teams", "{\"key\": \"id\"}"), 400, "");
        assertProblem(http.put("/v1/collections/Bad-Name", "{\"key\": \"/id\"}"), 400, "");
        assertProblem(http.put("/v1/collections/depot_server_x", "{\"key\": \"/id\"}"), 400, "reserved");
        assertNothingWritten(before);
        assertThat(http.get("/v1/collections/teams").status()).isEqualTo(404);
    }

    @Test
    void records() {
        long before = depot.changes().lastSequence();
        assertProblem(http.put("/v1/collections/players/records/ann", "{\"id\": \"ann\", \"score\": "), 400, "not valid JSON");
        assertProblem(http.put("/v1/collections/players/records/ann", "[1, 2]"), 400, "JSON object");
        assertProblem(http.put("/v1/collections/nobody/records/ann", ServerRecordsTest.player("ann", 99)), 404, "nobody");
        assertProblem(http.put("/v1/collections/players/records/bob", ServerRecordsTest.player("ann", 99)), 400, "key");
        assertProblem(http.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", 99), "If-Match", "\"7\""),
                412, "version");
        assertProblem(http.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", 99), "If-Match", "banana"),
                412, "If-Match");
        String big = "{\"id\":\"ann\",\"score\":1,\"pad\":\"" + "x".repeat(2000) + "\"}";
        assertProblem(http.put("/v1/collections/players/records/ann", big), 413, "1024 bytes");
        assertProblem(http.delete("/v1/collections/players/records/ann", "If-Match", "\"3\""), 412, "version");
        assertNothingWritten(before);
    }

    @Test
    void queries() {
        long before = depot.changes().lastSequence();
        assertProblem(http.post("/v1/collections/players/query", "{\"where\": [{\"field\": \"nickname\", \"op\": \"eq\", \"value\": \"x\"}]}"),
                400, "nickname");
        assertProblem(http.post("/v1/collections/players/query", "{\"orderBy\": [{\"field\": \"height\"}]}"), 400, "height");
        assertProblem(http.post("/v1/collections/players/query", "{\"cursor\": \"not-a-cursor\"}"), 400, "");
        assertThat(http.post("/v1/collections/players/query", "{\"cursor\": \"not-a-cursor\"}").json().get("type").asString())
                .endsWith("bad-cursor");
        assertProblem(http.post("/v1/collections/players/query", "{\"limit\": 0}"), 400, "limit");
        assertProblem(http.post("/v1/collections/players/query", "{\"where\": [{\"field\": \"score\", \"op\": \"near\", \"value\": 1}]}"),
                400, "near");
        assertProblem(http.post("/v1/collections/players/query", "{\"where\": "), 400, "JSON");
        assertProblem(http.post("/v1/collections/ghosts/query", "{}"), 404, "ghosts");
        assertNothingWritten(before);
    }

    @Test
    void feed() {
        long before = depot.changes().lastSequence();
        assertProblem(http.get("/v1/changes?after=minus-one"), 400, "after");
        assertProblem(http.get("/v1/changes?after=-1"), 400, "after");
        assertProblem(http.get("/v1/changes?wait=forever"), 400, "wait");
        assertProblem(http.get("/v1/changes?wait=3600s"), 400, "wait");
        assertProblem(http.get("/v1/changes?limit=100000"), 400, "limit");
        assertProblem(http.get("/v1/changes/stream", "Last-Event-ID", "abc"), 400, "Last-Event-ID");
        assertNothingWritten(before);
    }

    /** A misspelt member of a request object is refused by name, not ignored (it would do something else than asked). */
    @Test
    void unknownMembersOfRequestObjectsAreRefusedByName() {
        long before = depot.changes().lastSequence();
        assertProblem(http.put("/v1/queues/emails", "{\"deadLetter\": \"failed\"}"), 400, "\"deadLetter\"");
        assertProblem(http.post("/v1/queues/emails/messages", "{\"messages\": [{\"payload\": 1, \"notBefore\": \"2030-01-01T00:00:00Z\"}]}"),
                400, "messages[0]: unknown field \"notBefore\"");
        assertProblem(http.post("/v1/queues/emails/leases", "{\"maxItems\": 5}"), 400, "\"maxItems\"");
        assertProblem(http.post("/v1/collections/players/query", "{\"were\": []}"), 400, "\"were\"");
        assertProblem(http.post("/v1/collections/players/query", "{\"where\": [{\"field\": \"score\", \"op\": \"eq\", \"value\": 1, \"not\": true}]}"),
                400, "\"not\"");
        assertProblem(http.put("/v1/collections/teams", "{\"key\": \"/id\", \"indexes\": [{\"name\": \"n\", \"type\": \"string\", \"pointer\": \"/n\", \"uniq\": true}]}"),
                400, "\"uniq\"");
        assertProblem(http.post("/v1/batch", "{\"operations\": [{\"op\": \"put\", \"collection\": \"players\", \"value\": "
                + ServerRecordsTest.player("ann", 11) + ", \"ifversion\": 1}]}"), 400, "\"ifversion\"");
        assertNothingWritten(before);
        assertThat(http.get("/v1/queues/emails").status()).isIn(200, 404);
        assertThat(http.get("/v1/collections/teams").status()).isEqualTo(404);

        String declared = http.get("/v1/collections/players").body();
        assertThat(http.put("/v1/collections/players", declared).status()).as("a declaration as GET returns it can be PUT back").isEqualTo(200);
        assertProblem(http.put("/v1/collections/other", declared), 400, "differs");
    }

    /** Requests Jetty refuses before routing (it answered with an HTML page or an empty body). */
    @Test
    void requestsTheHttpLayerRefusesGetProblemsToo() throws Exception {
        long before = depot.changes().lastSequence();
        // A client of its own for each: Jetty closes the connection after such a refusal.
        assertProblem(new Http(server.url()).put("/v1/collections/players/records/a%00b", ServerRecordsTest.player("a", 1)), 400,
                "not valid HTTP");
        assertProblem(new Http(server.url()).put("/v1/collections/players/records/%ff", ServerRecordsTest.player("a", 1)), 400,
                "not valid HTTP");
        String raw = http.raw(("PUT /v1/blobs/docs/x HTTP/1.1\r\nHost: localhost\r\nX-Depot-Meta-Owner: a\u0001b\r\n"
                + "Content-Length: 1\r\nConnection: close\r\n\r\nx").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(raw).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json")
                .contains("\"status\":400").doesNotContain("<html");
        assertNothingWritten(before);
        assertThat(http.get("/v1/blobs/docs/x").status()).isEqualTo(404);
    }

    @Test
    void unknownRoutesAndMethods() {
        assertProblem(http.get("/v1/nothing-here"), 404, "no route");
        assertThat(http.post("/health/live", "{}").status()).isIn(404, 405);
    }
}
