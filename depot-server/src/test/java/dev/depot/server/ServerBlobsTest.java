package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Blobs over HTTP on memory: streamed PUT/GET, Range, HEAD, conditions, listing, limits. */
class ServerBlobsTest {
    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200))
                .withMaxBlobBytes(40L * 1024 * 1024));
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    private Http.Response putBytes(String path, byte[] bytes, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base + path))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    private Http.Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Http.Response(r.statusCode(), r.headers(), r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Jetty reads header bytes as ISO-8859-1: a UTF-8 value was stored as {@code cafÃ©}. */
    @Test
    void metadataValuesTravelAsUtf8() {
        byte[] request = ("PUT /v1/blobs/docs/menu HTTP/1.1\r\nHost: localhost\r\nX-Depot-Meta-Dish: café ☕\r\n"
                + "Content-Length: 1\r\nConnection: close\r\n\r\nx").getBytes(StandardCharsets.UTF_8);
        assertThat(http.raw(request)).startsWith("HTTP/1.1 201");

        assertThat(depot.blobs("docs").stat("menu").orElseThrow().metadata()).containsEntry("dish", "café ☕");
        String head = http.raw(("HEAD /v1/blobs/docs/menu HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String headerBytes = new String("X-Depot-Meta-dish: café ☕".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(head).as("sent back as its UTF-8 bytes").containsIgnoringCase(headerBytes);
        assertThat(http.get("/v1/blobs/docs").json().get("items").get(0).get("metadata").get("dish").asString()).isEqualTo("café ☕");
    }

    /** The status came from an exists() before the write: racing creators both answered 201. */
    @Test
    void ofConcurrentPutsOfANewPathExactlyOneAnswers201() {
        BlobPutRace.run(List.of(http), "raced", 8, 0, 10);
    }

    /** A PUT racing a DELETE answered 200 for a blob it created (exists() saw the one deleted next). */
    @Test
    void putsRacingDeletesAnswer201ExactlyWhenTheyCreate() {
        BlobPutRace.run(List.of(http), "raced", 4, 3, 15);
    }

    /**
     * A conditional PUT whose precondition already fails is answered 412 before its body is read: the
     * client here sends headers only and waits (on the old code the server waited for the 30 MB and
     * the read timed out; with Expect: 100-continue it answered 100 Continue first).
     */
    @Test
    void aFailingPreconditionIsAnsweredBeforeTheBodyIsRead() throws Exception {
        Http.Response kept = putBytes("/v1/blobs/docs/kept", "old".getBytes(StandardCharsets.UTF_8));
        assertThat(kept.status()).isEqualTo(201);
        String[][] failing = {{"/v1/blobs/docs/kept", "If-None-Match: *"}, {"/v1/blobs/docs/kept", "If-Match: \"nope\""},
                {"/v1/blobs/docs/kept", "If-Match: \"nope\", \"other\""}, {"/v1/blobs/docs/absent", "If-Match: *"}};
        for (String[] f : failing) {
            for (boolean expect : new boolean[] {false, true}) {
                String head = "PUT " + f[0] + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (30 * 1024 * 1024) + "\r\n"
                        + f[1] + "\r\n" + (expect ? "Expect: 100-continue\r\n" : "") + "\r\n";
                URI u = URI.create(http.base);
                try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
                    s.setSoTimeout(10_000); // a hang guard: the answer needs no byte of the body
                    s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                            StandardCharsets.ISO_8859_1)).readLine();
                    assertThat(status).as("%s, expect %s", f[1], expect).startsWith("HTTP/1.1 412");
                }
            }
        }
        assertThat(depot.blobs("docs").get("kept")).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
        assertThat(depot.blobs("docs").exists("absent")).isFalse();
        assertThat(http.get("/v1/blobs/docs/kept").etag()).isEqualTo(kept.etag());
    }

    @Test
    void putGetHeadDeleteWithEtagsAndMetadata() {
        Http.Response created = putBytes("/v1/blobs/docs/reports/q1.txt", "hello world".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "text/plain", "X-Depot-Meta-Owner", "ann");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String etag = created.etag();
        assertThat(etag).startsWith("\"").endsWith("\"");
        assertThat(created.json().get("size").asLong()).isEqualTo(11);

        Http.Response got = http.get("/v1/blobs/docs/reports/q1.txt");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo("hello world");
        assertThat(got.contentType()).startsWith("text/plain");
        assertThat(got.etag()).isEqualTo(etag);
        assertThat(got.headers().firstValue("X-Depot-Meta-owner")).contains("ann");
        assertThat(http.get("/v1/blobs/docs/reports/q1.txt", "If-None-Match", etag).status()).isEqualTo(304);
        assertThat(http.get("/v1/blobs/docs/reports/q1.txt", "If-None-Match", "\"other\", W/" + etag).status()).isEqualTo(304);

        Http.Response head = http.send("HEAD", "/v1/blobs/docs/reports/q1.txt", null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("11");
        assertThat(head.body()).isEmpty();

        Http.Response replaced = putBytes("/v1/blobs/docs/reports/q1.txt", "bye".getBytes(StandardCharsets.UTF_8));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.etag()).isNotEqualTo(etag);
        assertThat(putBytes("/v1/blobs/docs/reports/q1.txt", "x".getBytes(StandardCharsets.UTF_8), "If-Match", etag).status())
                .isEqualTo(412);
        assertThat(putBytes("/v1/blobs/docs/reports/q1.txt", "x".getBytes(StandardCharsets.UTF_8), "If-None-Match", "*").status())
                .isEqualTo(412);
        assertThat(http.get("/v1/blobs/docs/reports/q1.txt").body()).isEqualTo("bye");

        assertThat(http.delete("/v1/blobs/docs/reports/q1.txt", "If-Match", etag).status()).isEqualTo(412);
        assertThat(http.delete("/v1/blobs/docs/reports/q1.txt", "If-Match", replaced.etag()).status()).isEqualTo(204);
        Http.Response gone = http.get("/v1/blobs/docs/reports/q1.txt");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(gone.body()).doesNotContain("reports/q1.txt");
        assertThat(http.delete("/v1/blobs/docs/reports/q1.txt").status()).isEqualTo(404);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 9110: {@code If-Match: *} holds when a current representation exists. It used to be always 412. */
    @Test
    void ifMatchStarReplacesOrDeletesOnlyAnExistingBlob() {
        String url = "/v1/blobs/docs/star.txt";
        assertThat(putBytes(url, utf8("x"), "If-Match", "*").status()).as("nothing there").isEqualTo(412);
        assertThat(depot.blobs("docs").exists("star.txt")).isFalse();

        assertThat(putBytes(url, utf8("one")).status()).isEqualTo(201);
        Http.Response replaced = putBytes(url, utf8("two"), "If-Match", "*", "Content-Type", "text/plain");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(http.get(url).body()).isEqualTo("two");
        assertThat(depot.blobs("docs").stat("star.txt").orElseThrow().contentType()).isEqualTo("text/plain");

        assertThat(http.delete(url, "If-Match", " * ").status()).isEqualTo(204);
        Http.Response absent = http.delete(url, "If-Match", "*");
        assertThat(absent.status()).as("absent: the precondition fails, as for records").isEqualTo(412);
        assertThat(absent.contentType()).startsWith("application/problem+json");
        assertThat(absent.body()).doesNotContain("star.txt");
    }

    /**
     * If-Match compares strongly, so a weak tag never matches; a list matches when any tag is the
     * blob's; a tag no etag can be (empty, over 128 characters, stray quotes) is a 412, never a 400 or
     * a 500; and none of them changes the blob.
     */
    @Test
    void ifMatchTagsOnPutAndDelete() {
        String url = "/v1/blobs/docs/tags.txt";
        String etag = putBytes(url, utf8("v1")).etag();
        String bare = etag.substring(1, etag.length() - 1);
        String tooLong = "\"" + "a".repeat(129) + "\"";
        for (String never : List.of("W/" + etag, "\"\"", tooLong, "\"\"" + bare + "\"\"", "\"" + bare, "W/" + etag + ", \"zz\"",
                ",", "\"" + bare + "x\"")) {
            Http.Response put = putBytes(url, utf8("changed"), "If-Match", never);
            assertThat(put.status()).as("PUT If-Match: %s", never).isEqualTo(412);
            assertThat(put.body()).doesNotContain(bare);
            assertThat(http.delete(url, "If-Match", never).status()).as("DELETE If-Match: %s", never).isEqualTo(412);
        }
        assertThat(http.get(url).body()).isEqualTo("v1");

        Http.Response listed = putBytes(url, utf8("v2"), "If-Match", "\"other\", W/\"x\", " + etag);
        assertThat(listed.status()).as("a list naming the current etag").isEqualTo(200);
        Http.Response bareTag = putBytes(url, utf8("v3"), "If-Match", listed.etag().replace("\"", ""));
        assertThat(bareTag.status()).as("a bare etag, as before").isEqualTo(200);
        assertThat(http.delete(url, "If-Match", etag).status()).as("the old etag").isEqualTo(412);
        assertThat(http.delete(url, "If-Match", "\"nope\", " + bareTag.etag()).status()).isEqualTo(204);
        assertThat(depot.blobs("docs").exists("tags.txt")).isFalse();

        assertThat(putBytes("/v1/blobs/docs/a//b", utf8("x"), "If-Match", "W/\"x\"").status()).as("an illegal path").isEqualTo(400);
        assertThat(http.delete("/v1/blobs/docs/a//b", "If-Match", "W/\"x\"").status()).isEqualTo(400);
    }

    @Test
    void rangesAreCutAtTheEndAndAnUnsatisfiableOneIs416() {
        putBytes("/v1/blobs/docs/abc", "0123456789".getBytes(StandardCharsets.UTF_8));
        Http.Response mid = http.get("/v1/blobs/docs/abc", "Range", "bytes=2-5");
        assertThat(mid.status()).isEqualTo(206);
        assertThat(mid.body()).isEqualTo("2345");
        assertThat(mid.headers().firstValue("Content-Range")).contains("bytes 2-5/10");
        assertThat(http.get("/v1/blobs/docs/abc", "Range", "bytes=7-").body()).isEqualTo("789");
        assertThat(http.get("/v1/blobs/docs/abc", "Range", "bytes=-3").body()).isEqualTo("789");
        assertThat(http.get("/v1/blobs/docs/abc", "Range", "bytes=8-100").body()).isEqualTo("89");
        Http.Response past = http.get("/v1/blobs/docs/abc", "Range", "bytes=10-20");
        assertThat(past.status()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).contains("bytes */10");
        assertThat(http.get("/v1/blobs/docs/abc", "Range", "bytes=20-").status()).as("open-ended, past the end").isEqualTo(416);
        assertThat(http.get("/v1/blobs/docs/abc", "Range", "bytes=10-").status()).isEqualTo(416);
        assertThat(http.get("/v1/blobs/docs/abc", "Range", "bytes=5-2").status()).as("last before first").isEqualTo(400);
        assertThat(http.get("/v1/blobs/docs/abc", "Range", "bytes=1-2,4-5").status()).isEqualTo(400);
        assertThat(http.get("/v1/blobs/docs/abc", "Range", "pages=1").status()).isEqualTo(400);
        // If-Range with another etag: the whole blob.
        Http.Response whole = http.get("/v1/blobs/docs/abc", "Range", "bytes=2-5", "If-Range", "\"other\"");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo("0123456789");
    }

    @Test
    void aLargeBlobStreamsBothWaysIntact() throws Exception {
        int size = 24 * 1024 * 1024 + 17;
        byte[] chunk = new byte[1 << 16];
        new Random(7).nextBytes(chunk);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        // The body is generated as it is sent: the test holds 64 KiB, not the blob.
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            long left = size;
            int pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, left), chunk.length - pos);
                System.arraycopy(chunk, pos, b, off, n);
                sent.update(chunk, pos, n);
                pos = (pos + n) % chunk.length;
                left -= n;
                return n;
            }
        });
        Http.Response put = send(HttpRequest.newBuilder(URI.create(http.base + "/v1/blobs/big/data.bin")).PUT(body));
        assertThat(put.status()).as(put.body()).isEqualTo(201);
        assertThat(put.json().get("size").asLong()).isEqualTo(size);

        HttpResponse<InputStream> r = http.client.send(HttpRequest.newBuilder(URI.create(http.base + "/v1/blobs/big/data.bin")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) != -1; ) {
                got.update(buf, 0, n);
                total += n;
            }
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(total).isEqualTo(size);
        assertThat(got.digest()).isEqualTo(sent.digest());
    }

    @Test
    void aBlobOverTheLimitIs413AndPublishesNothing() {
        server.close();
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)).withMaxBlobBytes(1000));
        http = new Http(server.url());
        Http.Response r = putBytes("/v1/blobs/docs/big", new byte[1001]);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("detail").asString()).contains("1000 bytes");
        assertThat(depot.blobs("docs").exists("big")).isFalse();
        assertThat(putBytes("/v1/blobs/docs/big", new byte[1000]).status()).isEqualTo(201);
    }

    @Test
    void listingPagesByPrefixAndFoldsDirectories() {
        for (int i = 0; i < 12; i++) {
            putBytes("/v1/blobs/docs/logs/day" + (i < 10 ? "0" : "") + i + ".log", new byte[i]);
        }
        putBytes("/v1/blobs/docs/logs/old/2019.log", new byte[1]);
        putBytes("/v1/blobs/docs/readme.md", new byte[1]);
        List<String> paths = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Response r = http.get("/v1/blobs/docs?prefix=logs/&limit=5" + (cursor == null ? "" : "&after=" + cursor));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            for (JsonNode item : r.json().get("items")) {
                paths.add(item.get("path").asString());
            }
            JsonNode next = r.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : java.net.URLEncoder.encode(next.asString(), StandardCharsets.UTF_8);
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(paths).hasSize(13).allMatch(p -> p.startsWith("logs/")).isSorted();
        JsonNode folded = http.get("/v1/blobs/docs?delimiter=/").json().get("items");
        assertThat(folded).hasSize(2);
        assertThat(folded.get(0).get("path").asString()).isEqualTo("logs/");
        assertThat(folded.get(0).get("directory").asBoolean()).isTrue();
        assertThat(http.get("/v1/blobs/docs?limit=0").status()).isEqualTo(400);
        assertThat(http.get("/v1/blobs/docs?delimiter=-").status()).isEqualTo(400);
    }

    @Test
    void illegalPathsAndBucketsAreRefusedNamingTheRule() {
        Http.Response dots = putBytes("/v1/blobs/docs/a/../b", new byte[1]);
        assertThat(dots.status()).isIn(400, 404);
        Http.Response bucket = putBytes("/v1/blobs/Bad-Bucket/x", new byte[1]);
        assertThat(bucket.status()).isEqualTo(400);
        assertThat(bucket.json().get("detail").asString()).contains("Bad-Bucket");
        Http.Response dir = putBytes("/v1/blobs/docs/a/b", new byte[1]);
        assertThat(dir.status()).isEqualTo(201);
        Http.Response conflict = putBytes("/v1/blobs/docs/a", new byte[1]);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(depot.blobs("docs").exists("a")).isFalse();
    }
}
