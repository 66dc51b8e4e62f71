package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * OR, AND and NOT in {@code POST …/query}, and {@code "explain"}: results compared with the same
 * predicate evaluated in plain Java over the records the test wrote, pages followed by cursor, and
 * the bounds on a request's condition tree.
 */
class ServerQueryTest {
    record Player(String id, String email, long score) {}

    Depot depot;
    DepotServer server;
    Http http;
    final Map<String, Player> players = new LinkedHashMap<>();

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(java.time.Duration.ofMillis(200)));
        http = new Http(server.url());
        assertThat(http.put("/v1/collections/players", ServerRecordsTest.PLAYERS).status()).isEqualTo(201);
        Random r = new Random(7);
        for (int i = 0; i < 60; i++) {
            Player p = new Player("p" + i, "p" + i + "@example.com", r.nextInt(100));
            players.put(p.id(), p);
            assertThat(http.put("/v1/collections/players/records/" + p.id(), ServerRecordsTest.player(p.id(), (int) p.score())).status())
                    .isEqualTo(201);
        }
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    @Test
    void orAndAndNotSelectWhatThePredicateSelectsInTheRequestedOrder() {
        check("{\"or\": [" + cmp("score", "ge", "90") + ", " + cmp("email", "eq", "\"p3@example.com\"") + "]}",
                p -> p.score() >= 90 || p.id().equals("p3"));
        check("{\"not\": {\"field\": \"score\", \"op\": \"between\", \"values\": [10, 50]}}",
                p -> p.score() < 10 || p.score() > 50);
        check("{\"and\": [{\"or\": [" + cmp("score", "lt", "10") + ", " + cmp("score", "gt", "90") + "]}, {\"not\": "
                + cmp("email", "eq", "\"p5@example.com\"") + "}]}",
                p -> (p.score() < 10 || p.score() > 90) && !p.id().equals("p5"));
        check("{\"or\": [" + cmp("email", "startsWith", "\"p1\"") + ", {\"not\": " + cmp("score", "ge", "20") + "}]}",
                p -> p.email().startsWith("p1") || p.score() < 20);
    }

    /** The ids the server returns for {@code where}, ordered by score descending (then key), in pages of 7. */
    private void check(String where, Predicate<Player> predicate) {
        List<String> want = players.values().stream().filter(predicate)
                .sorted(Comparator.comparingLong(Player::score).reversed().thenComparing(Player::id)).map(Player::id).toList();
        assertThat(want).as("a query that selects something").isNotEmpty();
        List<String> got = new ArrayList<>();
        String cursor = null;
        do {
            String body = "{\"where\": [" + where + "], \"orderBy\": [{\"field\": \"score\", \"direction\": \"desc\"}], \"limit\": 7"
                    + (cursor == null ? "" : ", \"cursor\": \"" + cursor + "\"") + "}";
            Http.Response r = http.post("/v1/collections/players/query", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            for (JsonNode item : r.json().get("items")) {
                got.add(item.get("id").asString());
            }
            JsonNode next = r.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        assertThat(got).as(where).isEqualTo(want);
    }

    private static String cmp(String field, String op, String value) {
        return "{\"field\": \"" + field + "\", \"op\": \"" + op + "\", \"value\": " + value + "}";
    }

    @Test
    void explainNamesTheIndexRangesAQueryReads() {
        JsonNode union = http.post("/v1/collections/players/query", "{\"where\": [{\"or\": [" + cmp("score", "ge", "90") + ", "
                + cmp("email", "eq", "\"p3@example.com\"") + "]}], \"explain\": true}").json();
        assertThat(union.get("scans").asBoolean()).isFalse();
        List<String> ranges = new ArrayList<>();
        union.get("ranges").forEach(r -> ranges.add(r.get("index").asString() + " " + r.get("interval").asString()));
        assertThat(ranges).containsExactlyInAnyOrder("score [90, +∞)", "email [\"p3@example.com\", \"p3@example.com\"]");
        JsonNode all = http.post("/v1/collections/players/query", "{\"explain\": true}").json();
        assertThat(all.get("scans").asBoolean()).isTrue();
        assertThat(all.get("order").asString()).isEqualTo("keys");
        JsonNode sorted = http.post("/v1/collections/players/query", "{\"where\": [" + cmp("score", "lt", "5")
                + "], \"orderBy\": [{\"field\": \"score\"}], \"explain\": true}").json();
        assertThat(sorted.get("order").asString()).isEqualTo("index");
    }

    @Test
    void malformedTreesAreRefusedNamingWhatIsWrong() {
        problem("{\"where\": [{\"or\": [" + cmp("score", "ge", "1") + "]}]}", "invalid-query", "at least two");
        problem("{\"where\": [{\"or\": [" + cmp("score", "ge", "1") + ", " + cmp("score", "le", "3") + "], \"field\": \"score\"}]}",
                "unknown-field", "\"or\"");
        problem("{\"where\": [{\"or\": [" + cmp("score", "ge", "1") + ", " + cmp("score", "le", "3") + "], \"and\": []}]}",
                "unknown-field", "\"and\"");
        problem("{\"where\": [{\"not\": [" + cmp("score", "ge", "1") + "]}]}", "invalid-query", "condition object");
        problem("{\"where\": [{\"or\": [" + cmp("score", "ge", "1") + ", " + cmp("height", "le", "3") + "]}]}", "invalid-query", "height");
        problem("{\"where\": [{\"or\": [" + cmp("score", "ge", "1") + ", 5]}]}", "invalid-query", "object");
        problem("{\"explain\": \"yes\"}", "invalid-query", "explain");
        String deep = cmp("score", "ge", "1");
        for (int i = 0; i < QueryHandler.MAX_DEPTH; i++) {
            deep = "{\"not\": " + deep + "}";
        }
        problem("{\"where\": [" + deep + "]}", "invalid-query", QueryHandler.MAX_DEPTH + " deep");
        StringBuilder wide = new StringBuilder("{\"where\": [{\"or\": [");
        for (int i = 0; i < QueryHandler.MAX_CONDITIONS; i++) {
            wide.append(i == 0 ? "" : ", ").append(cmp("score", "eq", Integer.toString(i)));
        }
        problem(wide.append("]}]}").toString(), "invalid-query", "at most " + QueryHandler.MAX_CONDITIONS);
        // At the bounds: accepted.
        String ok = cmp("score", "ge", "1");
        for (int i = 1; i < QueryHandler.MAX_DEPTH; i++) {
            ok = "{\"not\": " + ok + "}";
        }
        assertThat(http.post("/v1/collections/players/query", "{\"where\": [" + ok + "]}").status()).isEqualTo(200);
    }

    private void problem(String body, String type, String detail) {
        Http.Response r = http.post("/v1/collections/players/query", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("type").asString()).endsWith(type);
        assertThat(r.json().get("detail").asString()).contains(detail);
    }
}
