package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The real server on a free loopback port over memory:, spoken to over HTTP. */
class ServerRecordsTest {
    static final String PLAYERS = """
            {"key": "/id", "indexes": [
              {"name": "score", "type": "long", "pointer": "/score"},
              {"name": "email", "type": "string", "pointer": "/email", "unique": true}]}""";

    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(java.time.Duration.ofMillis(200)));
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    static String player(String id, int score) {
        return "{\"id\":\"" + id + "\",\"email\":\"" + id + "@example.com\",\"score\":" + score + "}";
    }

    @Test
    void declaringIsIdempotentAndAConflictingRedeclarationIs409() {
        assertThat(http.put("/v1/collections/players", PLAYERS).status()).isEqualTo(201);
        assertThat(http.put("/v1/collections/players", PLAYERS).status()).isEqualTo(200);
        Http.Response other = http.put("/v1/collections/players", "{\"key\": \"/name\"}");
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(http.get("/v1/collections/players").json().get("key").asString()).isEqualTo("/id");
        assertThat(http.get("/v1/collections").json().get("collections").size()).isEqualTo(1);
    }

    @Test
    void crudWithEtagsIfMatchAndIfNoneMatch() {
        http.put("/v1/collections/players", PLAYERS);
        Http.Response created = http.put("/v1/collections/players/records/ann", player("ann", 10));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.etag()).isEqualTo("\"1\"");

        Http.Response got = http.get("/v1/collections/players/records/ann");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.etag()).isEqualTo("\"1\"");
        assertThat(got.json().get("score").asInt()).isEqualTo(10);
        assertThat(http.get("/v1/collections/players/records/ann", "If-None-Match", "\"1\"").status()).isEqualTo(304);
        assertThat(http.get("/v1/collections/players/records/ann", "If-None-Match", "W/\"1\"").status()).as("weak comparison").isEqualTo(304);
        assertThat(http.get("/v1/collections/players/records/ann", "If-None-Match", "\"7\", \"1\"").status()).as("a list").isEqualTo(304);
        assertThat(http.get("/v1/collections/players/records/ann", "If-None-Match", "\"7\", W/\"8\"").status()).isEqualTo(200);

        Http.Response updated = http.put("/v1/collections/players/records/ann", player("ann", 20), "If-Match", "\"1\"");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.etag()).isEqualTo("\"2\"");

        Http.Response stale = http.put("/v1/collections/players/records/ann", player("ann", 30), "If-Match", "\"1\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.json().get("status").asInt()).isEqualTo(412);
        assertThat(http.get("/v1/collections/players/records/ann").json().get("score").asInt()).isEqualTo(20);

        Http.Response createOnly = http.put("/v1/collections/players/records/ann", player("ann", 40), "If-None-Match", "*");
        assertThat(createOnly.status()).isEqualTo(412);
        assertThat(http.put("/v1/collections/players/records/bob", player("bob", 5), "If-None-Match", "*").status())
                .isEqualTo(201);

        assertThat(http.delete("/v1/collections/players/records/ann", "If-Match", "\"1\"").status()).isEqualTo(412);
        assertThat(http.delete("/v1/collections/players/records/ann", "If-Match", "\"2\"").status()).isEqualTo(204);
        Http.Response gone = http.get("/v1/collections/players/records/ann");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(http.delete("/v1/collections/players/records/ann").status()).isEqualTo(404);
    }

    /** RFC 9110: {@code If-Match: *} holds when the record exists; a weak tag never matches (strong comparison). */
    @Test
    void ifMatchStarAndWeakTagsOnRecords() {
        http.put("/v1/collections/players", PLAYERS);
        String url = "/v1/collections/players/records/cat";
        assertThat(http.put(url, player("cat", 1), "If-Match", "*").status()).as("absent").isEqualTo(412);
        assertThat(http.get(url).status()).isEqualTo(404);
        assertThat(http.delete(url, "If-Match", "*").status()).as("absent").isEqualTo(412);

        assertThat(http.put(url, player("cat", 1)).status()).isEqualTo(201);
        Http.Response star = http.put(url, player("cat", 2), "If-Match", "*");
        assertThat(star.status()).isEqualTo(200);
        assertThat(star.etag()).isEqualTo("\"2\"");
        assertThat(http.put(url, player("cat", 3), "If-Match", "W/\"2\"").status()).as("weak").isEqualTo(412);
        assertThat(http.delete(url, "If-Match", "W/\"2\"").status()).as("weak").isEqualTo(412);
        assertThat(http.get(url).json().get("score").asInt()).isEqualTo(2);
        assertThat(http.delete(url, "If-Match", "*").status()).isEqualTo(204);
        assertThat(http.get(url).status()).isEqualTo(404);
    }

    @Test
    void aTakenUniqueValueIs409AndWritesNothing() {
        http.put("/v1/collections/players", PLAYERS);
        http.put("/v1/collections/players/records/ann", player("ann", 10));
        Http.Response dup = http.put("/v1/collections/players/records/bob",
                "{\"id\":\"bob\",\"email\":\"ann@example.com\",\"score\":1}");
        assertThat(dup.status()).isEqualTo(409);
        assertThat(http.get("/v1/collections/players/records/bob").status()).isEqualTo(404);
    }

    @Test
    void queriesFilterOrderAndPageWithACursor() {
        http.put("/v1/collections/players", PLAYERS);
        for (int i = 0; i < 25; i++) {
            http.put("/v1/collections/players/records/p" + i, player("p" + i, i));
        }
        List<Integer> scores = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String body = "{\"where\":[{\"field\":\"score\",\"op\":\"ge\",\"value\":5}],"
                    + "\"orderBy\":[{\"field\":\"score\",\"direction\":\"desc\"}],\"limit\":7"
                    + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"") + "}";
            Http.Response r = http.post("/v1/collections/players/query", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            for (JsonNode item : r.json().get("items")) {
                scores.add(item.get("score").asInt());
            }
            JsonNode next = r.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asString();
            pages++;
        } while (cursor != null && pages < 10);
        List<Integer> expected = new ArrayList<>();
        for (int i = 24; i >= 5; i--) {
            expected.add(i);
        }
        assertThat(scores).isEqualTo(expected);
        assertThat(pages).isEqualTo(3);

        Http.Response in = http.post("/v1/collections/players/query",
                "{\"where\":[{\"field\":\"email\",\"op\":\"in\",\"values\":[\"p1@example.com\",\"p2@example.com\"]}]}");
        assertThat(in.json().get("items").size()).isEqualTo(2);
    }

    /** A document may hold an unpaired surrogate (CONTRACT: documents); every answer must give it back, not {@code ?}. */
    @Test
    void anUnpairedSurrogateInADocumentComesBackFromEveryRoute() {
        http.put("/v1/collections/players", PLAYERS);
        String body = "{\"id\":\"odd\",\"name\":\"x\\ud800y\",\"email\":\"odd@example.com\",\"score\":1}";
        assertThat(http.put("/v1/collections/players/records/odd", body).status()).isEqualTo(201);

        Http.Response one = http.get("/v1/collections/players/records/odd");
        Http.Response query = http.post("/v1/collections/players/query", "{}");
        Http.Response batch = http.post("/v1/batch", "{\"operations\":[{\"op\":\"put\",\"collection\":\"players\","
                + "\"value\":" + body + "}]}");

        assertThat(one.json().get("name").asString()).isEqualTo("x\ud800y");
        assertThat(query.json().get("items").get(0).get("name").asString()).isEqualTo("x\ud800y");
        assertThat(query.body()).doesNotContain("x?y");
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
    }

    @Test
    void healthSaysLiveAndReady() {
        assertThat(http.get("/health/live").status()).isEqualTo(200);
        Http.Response ready = http.get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("up");
    }

    @Test
    void declarationsSurviveARestartOverTheSameDepot() {
        http.put("/v1/collections/players", PLAYERS);
        http.put("/v1/collections/players/records/ann", player("ann", 10));
        server.close();
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(java.time.Duration.ofMillis(200)));
        Http again = new Http(server.url());
        assertThat(again.get("/v1/collections/players/records/ann").status()).isEqualTo(200);
        assertThat(again.put("/v1/collections/players", PLAYERS).status()).isEqualTo(200);
    }

    @Test
    void twoServersOnOneDepotShareDeclarationsAndRefuseADifferentOne() {
        try (DepotServer second = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0)
                .withStopTimeout(java.time.Duration.ofMillis(200)))) {
            Http other = new Http(second.url());
            assertThat(http.put("/v1/collections/players", PLAYERS).status()).isEqualTo(201);
            assertThat(other.put("/v1/collections/players", "{\"key\": \"/name\"}").status()).isEqualTo(409);
            assertThat(other.put("/v1/collections/players/records/ann", player("ann", 1)).status()).isEqualTo(201);
            assertThat(http.get("/v1/collections/players/records/ann").status()).isEqualTo(200);
        }
    }
}
