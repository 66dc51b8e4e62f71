package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a fresh hostile probe of every route found: integers past 64 bits in request bodies (500),
 * repeated query parameters and tenant or key headers (the first silently won), a known path asked
 * with another method (404 "no route" instead of 405 with Allow), signed and overlong Range
 * positions, JSON bodies declared as forms or text (stored as JSON). Each must be a 4xx problem naming the bad part, and change nothing.
 */
class ServerFreshProbeTest {
    static final String KEY = "k-0123456789abcdef-admin";
    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
        http = new Http(server.url());
        assertThat(http.put("/v1/collections/players", ServerRecordsTest.PLAYERS).status()).isEqualTo(201);
        assertThat(http.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", 10)).status()).isEqualTo(201);
        assertThat(http.put("/v1/blobs/docs/a.txt", "hello").status()).isEqualTo(201);
        assertThat(http.put("/v1/queues/q", "{}").status()).isIn(200, 201);
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    private static void problem(String what, Http.Response r, int status, String names) {
        assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(status);
        assertThat(r.contentType()).as(what).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("detail").asString()).as(what).containsIgnoringCase(names).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private void nothingChanged(long sequence) {
        assertThat(depot.changes().lastSequence()).as("no commit").isEqualTo(sequence);
        assertThat(http.get("/v1/collections/players/records/ann").etag()).isEqualTo("\"1\"");
        assertThat(depot.blobs("docs").get("a.txt")).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    }

    /** Jackson's asLong() on a BigIntegerNode throws: a 500 "unexpected error" and a stack trace in the log. */
    @Test
    void integersBeyond64BitsAreRefusedByNameNotA500() {
        long before = depot.changes().lastSequence();
        problem("query limit", http.post("/v1/collections/players/query", "{\"limit\": 99999999999999999999999}"), 400, "limit");
        problem("batch ifVersion", http.post("/v1/batch", "{\"operations\": [{\"op\": \"put\", \"collection\": \"players\", "
                + "\"value\": " + ServerRecordsTest.player("ann", 11) + ", \"ifVersion\": 99999999999999999999}]}"), 400, "ifVersion");
        problem("batch ifVersion below", http.post("/v1/batch", "{\"operations\": [{\"op\": \"put\", \"collection\": \"players\", "
                + "\"value\": " + ServerRecordsTest.player("ann", 11) + ", \"ifVersion\": -99999999999999999999}]}"), 400, "ifVersion");
        nothingChanged(before);
    }

    /** The first of ?limit=1&limit=100000 silently won: a proxy checking the last one saw another request. */
    @Test
    void repeatedQueryParametersAreRefusedByName() {
        long before = depot.changes().lastSequence();
        problem("changes limit", http.get("/v1/changes?limit=1&limit=100000"), 400, "'limit'");
        problem("changes after", http.get("/v1/changes?after=0&after=5"), 400, "'after'");
        problem("blob prefix", http.get("/v1/blobs/docs?prefix=a&prefix=b"), 400, "'prefix'");
        problem("blob delimiter", http.get("/v1/blobs/docs?delimiter=/&delimiter=x"), 400, "'delimiter'");
        problem("queue state", http.get("/v1/queues/q/items?state=dead&state=ready"), 400, "'state'");
        problem("blob delete with a parameter twice", http.delete("/v1/blobs/docs/a.txt?x=1&x=2"), 400, "'x'");
        problem("a name that is no plain text", http.get("/v1/changes?%0A=1&%0A=2"), 400, "a query parameter");
        assertThat(http.get("/v1/changes?limit=1&after=0").status()).as("distinct parameters").isEqualTo(200);
        nothingChanged(before);
    }

    /** Two X-Depot-Tenant or Authorization headers: the server took the first, a proxy may have vetted the other. */
    @Test
    void repeatedTenantOrKeyHeadersAreRefused() {
        long before = depot.changes().lastSequence();
        String tenants = http.raw(("PUT /v1/blobs/docs/a.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Depot-Tenant: acme\r\n"
                + "X-Depot-Tenant: default\r\nContent-Length: 1\r\n\r\nz").getBytes(StandardCharsets.US_ASCII));
        assertThat(tenants).startsWith("HTTP/1.1 400").contains("X-Depot-Tenant is given more than once");
        String keys = http.raw(("GET /v1/collections HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer a\r\n"
                + "Authorization: Bearer " + KEY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(keys).startsWith("HTTP/1.1 400").contains("Authorization is given more than once").doesNotContain(KEY);
        assertThat(depot.blobs("acme__docs").exists("a.txt")).isFalse();
        nothingChanged(before);
    }

    /** PATCH, OPTIONS or HEAD on a path that exists answered 404 "no route", as if the path did not. */
    @Test
    void anotherMethodOnAKnownPathIs405WithAllow() {
        long before = depot.changes().lastSequence();
        Http.Response patch = http.send("PATCH", "/v1/collections/players/records/ann", "{}");
        problem("PATCH a record", patch, 405, "allows");
        assertThat(patch.headers().firstValue("Allow")).hasValue("DELETE, GET, HEAD, PUT");
        Http.Response options = http.send("OPTIONS", "/v1/blobs/docs/a/b.txt", null);
        problem("OPTIONS a blob", options, 405, "allows");
        assertThat(options.headers().firstValue("Allow")).hasValue("DELETE, GET, HEAD, PUT");
        String head = http.raw("HEAD /v1/batch HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(head).startsWith("HTTP/1.1 405").containsIgnoringCase("Allow: POST");
        problem("GET the query route", http.get("/v1/collections/players/query"), 405, "POST");
        problem("an unknown path", http.send("PATCH", "/v1/nothing", "{}"), 404, "no route");
        nothingChanged(before);
    }

    /** bytes=--1 was taken as an empty suffix (416), and a last position past 64 bits as malformed (400). */
    @Test
    void rangePositionsAreDigitsAndAHugeLastOneMeansTheEnd() {
        problem("a signed suffix", http.get("/v1/blobs/docs/a.txt", "Range", "bytes=--1"), 400, "Range");
        problem("a signed first", http.get("/v1/blobs/docs/a.txt", "Range", "bytes=+1-2"), 400, "Range");
        Http.Response huge = http.get("/v1/blobs/docs/a.txt", "Range", "bytes=1-99999999999999999999");
        assertThat(huge.status()).isEqualTo(206);
        assertThat(huge.body()).isEqualTo("ello");
        assertThat(huge.headers().firstValue("Content-Range")).hasValue("bytes 1-4/5");
        Http.Response hugeSuffix = http.get("/v1/blobs/docs/a.txt", "Range", "bytes=-99999999999999999999");
        assertThat(hugeSuffix.status()).isEqualTo(206);
        assertThat(hugeSuffix.body()).isEqualTo("hello");
        assertThat(http.get("/v1/blobs/docs/a.txt", "Range", "bytes=99999999999999999999-").status()).isEqualTo(416);
    }

    private String rawPut(String path, String contentType, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return http.raw(("PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n") + "Content-Length: " + b.length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A JSON body declared as a form or plain text (what a web page may send to localhost without a
     * CORS preflight) or XML was parsed and stored as if it were JSON; so was a body with no declared
     * type, which a page's {@code fetch} POST of a typeless {@code Blob} sends without a preflight too.
     */
    @Test
    void aBodyDeclaredAsAnotherTypeThanJsonIs415() {
        long before = depot.changes().lastSequence();
        String record = ServerRecordsTest.player("ann", 99);
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x",
                "text/json", "application/jsonx")) {
            String answer = rawPut("/v1/collections/players/records/ann", type, record);
            assertThat(answer).as(type).startsWith("HTTP/1.1 415").contains("Content-Type must be application/json");
        }
        assertThat(http.raw(("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII))).as("batch").startsWith("HTTP/1.1 415");
        assertThat(rawPut("/v1/collections/players/records/ann", null, record)).as("no Content-Type").startsWith("HTTP/1.1 415");
        assertThat(http.raw(("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII))).as("batch, no Content-Type").startsWith("HTTP/1.1 415");
        nothingChanged(before);
        assertThat(rawPut("/v1/collections/players/records/ann", "application/json; charset=utf-8", record)).startsWith("HTTP/1.1 200");
        assertThat(rawPut("/v1/collections/players/records/ann", "application/vnd.acme+json", record)).startsWith("HTTP/1.1 200");
        assertThat(rawPut("/v1/blobs/docs/b.txt", "text/plain", "a blob takes any type")).as("blobs").startsWith("HTTP/1.1 201");
    }

    /** Writers racing on one record with the same If-Match: exactly one wins, the rest are 412, one version results. */
    @Test
    void concurrentPutsWithOneIfMatchOnOneRecordLetExactlyOneWin() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CyclicBarrier together = new CyclicBarrier(writers);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int score = 100 + w;
                statuses.add(pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return http.put("/v1/collections/players/records/ann", ServerRecordsTest.player("ann", score), "If-Match", "\"1\"").status();
                }));
            }
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                got.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(got).filteredOn(s -> s == 200).hasSize(1);
            assertThat(got).filteredOn(s -> s == 412).hasSize(writers - 1);
            assertThat(http.get("/v1/collections/players/records/ann").etag()).isEqualTo("\"2\"");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The three paged routes read {@code limit} one way: the feed called a bad limit
     * {@code invalid-feed-position} and took an empty one as its default, while queue items and blob
     * listings refused an empty one; all took a sign ({@code +2}).
     */
    @Test
    void limitIsReadOneWayOnEveryPagedRoute() {
        assertThat(http.put("/v1/blobs/docs/b.txt", "b").status()).isEqualTo(201);
        assertThat(http.put("/v1/blobs/docs/c.txt", "c").status()).isEqualTo(201);
        assertThat(http.post("/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1}, {\"payload\": 2}, {\"payload\": 3}]}").status())
                .isEqualTo(201);
        assertThat(http.put("/v1/collections/players/records/bea", ServerRecordsTest.player("bea", 11)).status()).isEqualTo(201);
        assertThat(http.put("/v1/collections/players/records/cid", ServerRecordsTest.player("cid", 12)).status()).isEqualTo(201);
        java.util.Map<String, String> routes = java.util.Map.of(
                "/v1/changes?", "events", "/v1/blobs/docs?", "items", "/v1/queues/q/items?state=ready&", "items");
        long before = depot.changes().lastSequence();
        routes.forEach((route, list) -> {
            assertThat(http.get(route + "limit=2").json().get(list).size()).as(route + "limit=2").isEqualTo(2);
            assertThat(http.get(route + "limit=").json().get(list).size()).as(route + "limit= (the default)").isGreaterThanOrEqualTo(3);
            assertThat(http.get(route + "limit=%202%20").json().get(list).size()).as(route + "limit= 2 ").isEqualTo(2);
            for (String bad : List.of("abc", "0", "-1", "%2B2", "99999999", "99999999999", "2.0", "0x10")) {
                Http.Response r = http.get(route + "limit=" + bad);
                problem(route + "limit=" + bad, r, 400, "limit must be an integer from 1 to");
                assertThat(r.json().get("type").asString()).as(route + bad).endsWith("invalid-limit");
            }
        });
        assertThat(depot.changes().lastSequence()).as("no commit").isEqualTo(before);
    }

    /**
     * A query parameter the route does not read is refused, as an unknown member of a request body is:
     * a misspelt {@code ?prefx=} listed every blob, a {@code ?limt=} returned the default page.
     */
    @Test
    void unknownQueryParametersAreRefusedNamingTheOnesExpected() {
        assertThat(http.put("/v1/blobs/docs/a/1.txt", "1").status()).isEqualTo(201);
        assertThat(http.put("/v1/blobs/docs/b/2.txt", "2").status()).isEqualTo(201);
        assertThat(http.get("/v1/blobs/docs?prefix=a/").json().get("items").size()).isEqualTo(1);
        Http.Response typo = http.get("/v1/blobs/docs?prefx=a/");
        problem("prefx", typo, 400, "unknown query parameter 'prefx'; expected prefix, delimiter, after, limit");
        assertThat(typo.json().get("type").asString()).endsWith("unknown-parameter");
        problem("limt", http.get("/v1/changes?limt=2"), 400, "unknown query parameter 'limt'; expected after, limit, wait");
        problem("cursor", http.get("/v1/queues/q/items?state=ready&next=x"), 400, "expected state, limit, cursor");
        problem("none", http.get("/v1/collections/players/records/ann?version=1"), 400, "this route takes none");
        problem("odd name", http.get("/v1/collections?%01=1"), 400, "an unknown query parameter; this route takes none");
        assertThat(http.get("/v1/changes?after=0&limit=1&wait=0").status()).isEqualTo(200);
        assertThat(http.get("/openapi.json").json().get("paths").get("/v1/blobs/{bucket}").get("get").get("parameters").toString())
                .contains("\"prefix\"").contains("\"query\"");
    }

    /**
     * {@code If-Match: "1", "2"} is a list, any of which may match (RFC 9110): the record's PUT and
     * DELETE read it as one malformed tag and answered 412 although the record was at version 1.
     * Weak tags never match an If-Match.
     */
    @Test
    void recordIfMatchListsMatchAnyVersionNamedAndWeakTagsNone() {
        String ann = "/v1/collections/players/records/ann";
        problem("weak tag", http.put(ann, ServerRecordsTest.player("ann", 11), "If-Match", "W/\"1\""), 412, "version");
        problem("list without the version", http.put(ann, ServerRecordsTest.player("ann", 11), "If-Match", "\"5\", \"7\""), 412, "version");
        problem("list of weak tags", http.put(ann, ServerRecordsTest.player("ann", 11), "If-Match", "W/\"1\", W/\"2\""), 412, "version");
        assertThat(http.get(ann).etag()).as("refused writes change nothing").isEqualTo("\"1\"");

        Http.Response put = http.put(ann, ServerRecordsTest.player("ann", 12), "If-Match", "\"7\", \"1\", W/\"9\"");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.etag()).isEqualTo("\"2\"");
        assertThat(http.put(ann, ServerRecordsTest.player("ann", 13), "If-Match", "\"1\", \"3\"").status()).as("1 is gone").isEqualTo(412);

        problem("delete, list without the version", http.delete(ann, "If-Match", "\"1\", \"3\""), 412, "version");
        assertThat(http.delete(ann, "If-Match", "\"1\", \"2\"").status()).isEqualTo(204);
        problem("delete of a missing record", http.delete(ann, "If-Match", "\"1\", \"2\""), 412, "does not exist");
        problem("put of a missing record", http.put(ann, ServerRecordsTest.player("ann", 14), "If-Match", "\"1\", \"2\""), 412, "does not exist");
    }
}
