package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.ListOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Hostile input to the blob and queue routes: traversal spelt every way, NUL and overlong UTF-8,
 * huge headers and URIs, bad JSON (truncated, deep, duplicate members, huge numbers), wrong content
 * types, negative, fractional and overflowing numbers and durations, bodies over the limits. Each must
 * be a 4xx problem document whose detail names the bad part, and change nothing.
 */
class ServerHostileProbeTest {
    Depot depot;
    DepotServer server;
    Http http;
    SoftAssertions soft;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200))
                .withMaxBodyBytes(4096).withMaxBlobBytes(64 * 1024));
        http = new Http(server.url());
        soft = new SoftAssertions();
        assertThat(putBytes("/v1/blobs/docs/keep/a.txt", "keep".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);
        assertThat(http.put("/v1/queues/q", "{\"leaseTimeout\": \"30s\", \"maxAttempts\": 3}").status()).isIn(200, 201);
        assertThat(http.post("/v1/queues/q/messages", "{\"messages\": [{\"payload\": {\"n\": 1}}]}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    private Http.Response putBytes(String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = new Http(server.url()).client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Http.Response(r.statusCode(), r.headers(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(path, e);
        }
    }

    /** A raw request on a socket of its own (the client would normalise or refuse it); the status and the body. */
    private Http.Response raw(String requestLineAndHeaders, byte[] body) {
        byte[] head = (requestLineAndHeaders + "\r\nHost: localhost\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        String answer = http.raw(all);
        int status = Integer.parseInt(answer.substring(9, 12));
        int split = answer.indexOf("\r\n\r\n");
        String text = split < 0 ? "" : answer.substring(split + 4);
        if (answer.toLowerCase().contains("transfer-encoding: chunked")) {
            text = text.substring(text.indexOf("\r\n") + 2); // first chunk is enough for a problem document
        }
        String contentType = answer.lines().filter(l -> l.toLowerCase().startsWith("content-type:")).findFirst().orElse("");
        return new Http.Response(status, java.net.http.HttpHeaders.of(Map.of("Content-Type", List.of(contentType.substring(contentType.indexOf(':') + 1).strip())),
                (a, b) -> true), text);
    }

    /** A 4xx problem document whose detail contains {@code names} (case-insensitive). */
    private void refused(String what, Http.Response r, String names) {
        soft.assertThat(r.status()).as(what + " status; body: " + r.body()).isBetween(400, 499);
        soft.assertThat(r.contentType()).as(what + " content type").startsWith("application/problem+json");
        String detail = "";
        try {
            JsonNode p = r.json();
            detail = p.get("detail") == null ? "" : p.get("detail").asString();
        } catch (RuntimeException e) {
            soft.fail(what + ": not a JSON problem: " + r.body());
        }
        if (!names.isEmpty()) {
            soft.assertThat(detail.toLowerCase()).as(what + " detail names the bad part").contains(names.toLowerCase());
        }
    }

    private void nothingChanged() {
        soft.assertThat(depot.stats().blobs().keySet()).as("buckets").containsExactly("docs");
        soft.assertThat(depot.blobs("docs").list(ListOptions.all()).items()).as("blobs of docs").extracting(e -> e.path())
                .containsExactly("keep/a.txt");
        soft.assertThat(depot.queue("q").stats().ready()).as("ready items").isEqualTo(1);
        soft.assertThat(depot.queue("q").stats().leased()).as("leased items").isZero();
        soft.assertThat(depot.queue("q").options().maxAttempts()).as("queue options").isEqualTo(3);
    }

    @Test
    void blobPathsSpeltToEscapeTheirBucketAreRefused() {
        byte[] x = "x".getBytes(StandardCharsets.UTF_8);
        List<String> paths = List.of(
                "/v1/blobs/docs/%2e%2e/escaped", "/v1/blobs/docs/keep/%2E%2E/%2e%2e/escaped", "/v1/blobs/docs/.%2e/escaped",
                "/v1/blobs/docs/%2e/escaped", "/v1/blobs/docs/keep/..%2Fescaped", "/v1/blobs/docs/..%2f..%2fescaped",
                "/v1/blobs/docs/%c0%ae%c0%ae/escaped", "/v1/blobs/docs/%e0%80%ae%e0%80%ae/escaped", "/v1/blobs/docs/a%00b",
                "/v1/blobs/docs/a%01b", "/v1/blobs/docs//escaped", "/v1/blobs/docs/escaped/", "/v1/blobs/docs/%ff",
                "/v1/blobs/docs/" + "s".repeat(256),
                "/v1/blobs/docs/" + "s/".repeat(600) + "s", "/v1/blobs/%2e%2e/escaped", "/v1/blobs/docs%2f..%2fother/escaped");
        for (String p : paths) {
            refused("PUT " + cut(p), putBytes(p, x), "");
        }
        for (String p : List.of("/v1/blobs/docs/../other/escaped", "/v1/blobs/docs/keep/../../other/escaped", "/v1/blobs/docs/./x",
                "/v1/blobs/docs/a/..", "/v1/blobs/docs/%", "/v1/blobs/docs/a%zzb", "/v1/blobs/docs/%c0%ae%c0%ae/x")) {
            Http.Response r = raw("PUT " + p + " HTTP/1.1", x);
            refused("raw PUT " + p, r, "");
        }
        // A backslash is an ordinary character of a blob path (no traversal on any backend): stored as named.
        Http.Response back = raw("PUT /v1/blobs/back/..%5C..%5Cescaped HTTP/1.1", x);
        soft.assertThat(back.status()).as(back.body()).isIn(201, 400);
        if (back.status() == 201) {
            soft.assertThat(depot.blobs("back").exists("..\\..\\escaped")).isTrue();
            depot.blobs("back").delete("..\\..\\escaped");
        }
        nothingChanged();
    }

    /** The router ignores a trailing slash: {@code keep/a.txt/} must not read, replace or delete {@code keep/a.txt}. */
    @Test
    void aTrailingSlashNeverReachesTheBlobWithoutIt() {
        refused("PUT keep/a.txt/", putBytes("/v1/blobs/docs/keep/a.txt/", "replaced".getBytes(StandardCharsets.UTF_8)), "/");
        refused("PUT new/", putBytes("/v1/blobs/docs/new/", "x".getBytes(StandardCharsets.UTF_8)), "/");
        refused("DELETE keep/a.txt/", http.delete("/v1/blobs/docs/keep/a.txt/"), "/");
        refused("GET keep/a.txt/", http.get("/v1/blobs/docs/keep/a.txt/"), "/");
        soft.assertThat(depot.blobs("docs").get("keep/a.txt")).isEqualTo("keep".getBytes(StandardCharsets.UTF_8));
        nothingChanged();
    }

    @Test
    void blobReadsAndDeletesWithTraversalAreRefusedOrNotFound() {
        for (String p : List.of("/v1/blobs/docs/%2e%2e/docs/keep/a.txt", "/v1/blobs/docs/keep/%2e%2e/keep/a.txt",
                "/v1/blobs/docs/keep%2fa.txt%00", "/v1/blobs/docs/keep/./a.txt")) {
            Http.Response g = http.get(p);
            soft.assertThat(g.status()).as("GET " + p + ": " + g.body()).isIn(400, 404);
            Http.Response d = new Http(server.url()).delete(p);
            soft.assertThat(d.status()).as("DELETE " + p + ": " + d.body()).isIn(400, 404);
        }
        nothingChanged();
    }

    @Test
    void blobHeadersAndQueryParametersOutOfRangeAreRefusedByName() {
        byte[] x = "x".getBytes(StandardCharsets.UTF_8);
        refused("huge header", putBytes("/v1/blobs/docs/h", x, "X-Depot-Meta-Big", "v".repeat(200_000)), "");
        refused("metadata over 1024 bytes", putBytes("/v1/blobs/docs/h", x, "X-Depot-Meta-Big", "v".repeat(2_000)), "big");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add("X-Depot-Meta-K" + i);
            many.add("v".repeat(1000));
        }
        refused("metadata over 8192 bytes in all", putBytes("/v1/blobs/docs/h", x, many.toArray(String[]::new)), "header");
        refused("content type of 300 characters", putBytes("/v1/blobs/docs/h", x, "Content-Type", "a/" + "b".repeat(300)),
                "content");
        refused("If-Match without quotes", putBytes("/v1/blobs/docs/keep/a.txt", x, "If-Match", "garbage"), "");
        refused("blob over the limit", putBytes("/v1/blobs/docs/big", new byte[100_000]), "");
        for (String q : List.of("limit=-1", "limit=0", "limit=99999999999999999999", "limit=abc", "limit=10001", "limit=1.5",
                "delimiter=%2F%2F", "prefix=%00")) {
            refused("list ?" + q, http.get("/v1/blobs/docs?" + q), q.substring(0, q.indexOf('=')));
        }
        refused("list ?after=%01", http.get("/v1/blobs/docs?after=%01"), "cursor"); // after= is the cursor
        {
        }
        // bytes=-99999999999999999999 is not here: a suffix longer than the blob is the whole blob (RFC 9110 14.1.3);
        // ServerFreshProbeTest.rangePositionsAreDigitsAndAHugeLastOneMeansTheEnd.
        for (String range : List.of("bytes=5-2", "bytes=99999999999999999999-", "bytes=a-b",
                "bytes=0-1,3-4", "items=0-1", "bytes=--1", "bytes=-0")) {
            Http.Response r = http.get("/v1/blobs/docs/keep/a.txt", "Range", range);
            soft.assertThat(r.status()).as("Range " + range + ": " + r.body()).isIn(400, 416);
        }
        nothingChanged();
    }

    @Test
    void queueNumbersAndDurationsOutOfRangeAreRefusedByName() {
        String[][] bodies = {
                {"/v1/queues/q/leases", "{\"max\": -1}", "max"},
                {"/v1/queues/q/leases", "{\"max\": 1001}", "max"},
                {"/v1/queues/q/leases", "{\"max\": 99999999999999999999}", "max"},
                {"/v1/queues/q/leases", "{\"max\": 1.5}", "max"},
                {"/v1/queues/q/leases", "{\"max\": 1e309}", "max"},
                {"/v1/queues/q/leases", "{\"max\": \"5\"}", "max"},
                {"/v1/queues/q/leases", "{\"max\": null}", "max"},
                {"/v1/queues/q/leases", "{\"max\": true}", "max"},
                {"/v1/queues/q/leases", "{\"wait\": \"-5s\"}", "wait"},
                {"/v1/queues/q/leases", "{\"wait\": -5}", "wait"},
                {"/v1/queues/q/leases", "{\"wait\": \"61s\"}", "wait"},
                {"/v1/queues/q/leases", "{\"wait\": \"99999999999999999999s\"}", "wait"},
                {"/v1/queues/q/leases", "{\"wait\": \"9223372036854775807h\"}", "wait"},
                {"/v1/queues/q/leases", "{\"wait\": \"1e3s\"}", "wait"},
                {"/v1/queues/q/leases", "{\"wait\": 1e309}", "wait"},
                {"/v1/queues/q/leases", "{\"holder\": 5}", "holder"},
                {"/v1/queues/q/leases", "{\"max\": 1, \"max\": 2}", "max"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"delay\": \"-1s\"}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"delay\": \"9223372036854775807s\"}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"expireAfter\": \"-1s\"}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"expireAfter\": \"0s\"}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"dedupKey\": 5}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"headers\": [1]}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1, \"payloadBase64\": \"AA==\"}]}", "messages[0]"},
                {"/v1/queues/q/messages", "{\"messages\": {\"payload\": 1}}", "messages"},
                {"/v1/queues/q/messages", "{\"messages\": [{\"payload\": 1}, 5]}", "messages[1]"},
                {"/v1/queues/q/retry", "{\"leases\": [{\"id\": \"1\", \"token\": \"1\"}], \"delay\": \"-1s\"}", "delay"},
                {"/v1/queues/q/retry", "{\"leases\": [{\"id\": \"1\", \"token\": \"1\"}], \"delay\": \"99999999999999999999s\"}", "delay"},
                {"/v1/queues/q/complete", "{\"leases\": [{\"id\": 1.5, \"token\": \"1\"}]}", "leases[0]"},
                {"/v1/queues/q/complete", "{\"leases\": []}", "leases"},
                {"/v1/queues/q/extend", "{\"lease\": {\"id\": \"1\", \"token\": \"1\"}, \"by\": \"-30s\"}", "by"},
                {"/v1/queues/q/extend", "{\"lease\": {\"id\": \"1\", \"token\": \"1\"}, \"by\": \"0s\"}", "by"},
                {"/v1/queues/q/extend", "{\"lease\": {\"id\": \"1\", \"token\": \"1\"}, \"by\": \"99999999999999999999h\"}", "by"},
                {"/v1/queues/q/dead-letter", "{\"lease\": {\"id\": \"1\", \"token\": \"1\"}, \"reason\": 5}", "reason"},
        };
        for (String[] b : bodies) {
            refused("POST " + b[0] + " " + b[1], http.post(b[0], b[1]), b[2]);
        }
        // Lease references are whatever leasing returned (CONTRACT §8): odd ones are stale, not errors, and change nothing.
        for (String id : List.of("-1", "99999999999999999999", "abc")) {
            Http.Response r = http.post("/v1/queues/q/complete", "{\"leases\": [{\"id\": \"" + id + "\", \"token\": \"1\"}]}");
            soft.assertThat(r.status()).as(r.body()).isEqualTo(200);
            soft.assertThat(r.body()).as(id).contains("\"stale\":[\"" + id + "\"]");
        }
        String[][] options = {
                {"{\"leaseTimeout\": \"0s\"}", "leaseTimeout"},
                {"{\"leaseTimeout\": \"-1s\"}", "leaseTimeout"},
                {"{\"leaseTimeout\": \"99999999999999999999s\"}", "leaseTimeout"},
                {"{\"maxAttempts\": -1}", "maxAttempts"},
                {"{\"maxAttempts\": 99999999999}", "maxAttempts"},
                {"{\"maxAttempts\": 2.5}", "maxAttempts"},
                {"{\"deadRetention\": \"-1h\"}", "deadRetention"},
                {"{\"deadRetention\": \"9223372036854775807h\"}", "deadRetention"},
                {"{\"deadLetterQueue\": \"../q\"}", "dead-letter"},
                {"{\"deadLetterQueue\": \"q\"}", "dead-letter"},
        };
        for (String[] o : options) {
            refused("PUT options " + o[0], http.put("/v1/queues/q", o[0]), o[1]);
        }
        for (String q : List.of("limit=-1", "limit=99999999999999999999", "limit=abc", "state=bogus", "cursor=%00", "cursor=abc")) {
            refused("items ?" + q, http.get("/v1/queues/q/items?" + q), q.substring(0, q.indexOf('=')));
        }
        nothingChanged();
    }

    @Test
    void malformedJsonAndWrongContentTypesAreRefused() {
        String deep = "[".repeat(100_000);
        String[][] bodies = {
                {"{\"max\": ", "JSON"},
                {"{\"max\": 1} trailing", "JSON"},
                {"{\"max\": 1}{\"max\": 2}", "JSON"},
                {"[1]", "object"},
                {"null", "object"},
                {"", ""},
                {"\u00ef\u00bb\u00bf{\"max\": 1}", ""},
                {"{\"max\": NaN}", "JSON"},
                {"{'max': 1}", "JSON"},
                {"{\"wait\": \"1s\" /* comment */}", "JSON"},
        };
        for (String[] b : bodies) {
            refused("leases body " + cut(b[0]), http.post("/v1/queues/q/leases", b[0]), b[1]);
        }
        refused("deeply nested JSON", http.post("/v1/queues/q/messages", "{\"messages\": [{\"payload\": " + deep + "}]}"), "");
        refused("deeply nested JSON under the body limit",
                http.post("/v1/queues/q/messages", "{\"messages\": [{\"payload\": " + "[".repeat(3000) + "]".repeat(3000) + "}]}"), "");
        refused("body over the limit", http.post("/v1/queues/q/messages",
                "{\"messages\": [{\"payload\": \"" + "x".repeat(10_000) + "\"}]}"), "");
        Http.Response form = http.send("POST", "/v1/queues/q/leases", "max=5", "Content-Type", "application/x-www-form-urlencoded");
        refused("a form body", form, "");
        Http.Response xml = http.send("POST", "/v1/queues/q/messages", "<messages/>", "Content-Type", "application/xml");
        refused("an XML body", xml, "");
        nothingChanged();
    }

    @Test
    void hugeUriAndHeadersAreProblemsAndChangeNothing() {
        Http.Response longUri = raw("PUT /v1/blobs/docs/" + "u".repeat(100_000) + " HTTP/1.1", new byte[] {1});
        refused("100 KB URI", longUri, "");
        Http.Response manyHeaders = raw("PUT /v1/blobs/docs/many HTTP/1.1\r\n" + "X-Depot-Meta-A: b\r\n".repeat(5000).strip(), new byte[] {1});
        refused("5,000 headers", manyHeaders, "");
        // An oversized blob sent chunked (no Content-Length to refuse it by): 413 while streaming, nothing published.
        StringBuilder chunked = new StringBuilder("PUT /v1/blobs/docs/chunked HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        String piece = "z".repeat(8192);
        for (int i = 0; i < 12; i++) {
            chunked.append("2000\r\n").append(piece).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        String answer = http.raw(chunked.toString().getBytes(StandardCharsets.ISO_8859_1));
        soft.assertThat(answer).as("chunked blob over the limit").startsWith("HTTP/1.1 413");
        for (String q : List.of("%2e%2e", "..%2f..%2fx", "Q", "a__b", "a%00b")) {
            Http.Response r = new Http(server.url()).post("/v1/queues/" + q + "/messages", "{\"messages\": [{\"payload\": 1}]}");
            soft.assertThat(r.status()).as("queue name " + q + ": " + r.body()).isBetween(400, 499);
        }
        Http.Response lyingLength = raw("POST /v1/queues/q/leases HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: -5",
                new byte[0]);
        soft.assertThat(lyingLength.status()).as("negative Content-Length").isBetween(400, 499);
        nothingChanged();
    }

    @AfterEach
    void report() {
        soft.assertAll();
    }

    private static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
