package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The change feed over HTTP: long poll that wakes on a write, and SSE resumed with Last-Event-ID. */
class ServerFeedTest {
    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(java.time.Duration.ofMillis(200)));
        http = new Http(server.url());
        http.put("/v1/collections/notes", "{\"key\": \"/id\"}");
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    private void awaitInFlight(int requests) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (server.inFlight() < requests) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no request reached the server within 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private long notesAfterCatalog() {
        return http.get("/v1/changes").json().get("last").asLong();
    }

    @Test
    void longPollReturnsAtOnceWhenEventsExistAndWakesOnAWrite() throws Exception {
        long start = notesAfterCatalog();
        CompletableFuture<Http.Response> waiting =
                CompletableFuture.supplyAsync(() -> http.get("/v1/changes?after=" + start + "&wait=20s"));
        awaitInFlight(1); // the poll is waiting inside the server: the write below must wake it
        http.put("/v1/collections/notes/records/a", "{\"id\":\"a\",\"text\":\"hi\"}");
        Http.Response r = waiting.get();
        assertThat(r.status()).isEqualTo(200);
        JsonNode events = r.json().get("events");
        assertThat(events.size()).isEqualTo(1);
        assertThat(events.get(0).get("collection").asString()).isEqualTo("notes");
        assertThat(events.get(0).get("key").asString()).isEqualTo("a");
        assertThat(events.get(0).get("op").asString()).isNotBlank();
        assertThat(events.get(0).get("version").asLong()).isEqualTo(1);
        assertThat(r.json().get("last").asLong()).isEqualTo(events.get(0).get("sequence").asLong());

        Http.Response empty = http.get("/v1/changes?after=" + r.json().get("last").asLong() + "&wait=0");
        assertThat(empty.json().get("events").size()).isZero();
    }

    @Test
    void sseStreamsEventsAndResumesAfterLastEventId() throws Exception {
        long start = notesAfterCatalog();
        for (int i = 0; i < 3; i++) {
            http.put("/v1/collections/notes/records/n" + i, "{\"id\":\"n" + i + "\"}");
        }
        List<long[]> first = readSse(null, start, 3);
        assertThat(first).hasSize(3);
        long lastSeen = first.get(1)[0]; // as if the client had processed only two events

        http.put("/v1/collections/notes/records/n3", "{\"id\":\"n3\"}");
        List<long[]> resumed = readSse(Long.toString(lastSeen), 0, 2);
        assertThat(resumed).extracting(e -> e[0]).containsExactly(first.get(2)[0], first.get(2)[0] + 1);
    }

    /** Reads {@code count} change events (id, -) from the stream, then disconnects. */
    private List<long[]> readSse(String lastEventId, long after, int count) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/v1/changes/stream?after=" + after))
                .timeout(Duration.ofSeconds(20));
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = http.client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<long[]> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            long id = -1;
            for (String line; out.size() < count && (line = in.readLine()) != null; ) {
                if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("data: ")) {
                    JsonNode data = Http.JSON.readTree(line.substring(6));
                    assertThat(data.get("sequence").asLong()).isEqualTo(id);
                    assertThat(data.get("collection").asString()).isEqualTo("notes");
                    out.add(new long[] {id});
                }
            }
        }
        return out;
    }
}
