package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /openapi.json matches the routes both ways; /metrics speaks the Prometheus text format. */
class ServerOpenApiMetricsTest {
    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    private Set<String> documented() {
        Http.Response r = http.get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
        Set<String> ops = new HashSet<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                ops.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                assertThat(op.getValue().get("summary").asString()).isNotBlank();
            }
        }
        return ops;
    }

    @Test
    void everyRouteIsDocumented() {
        Set<String> served = new HashSet<>();
        for (Route r : server.routes()) {
            served.add(r.method().name() + " " + r.openApiPath());
        }
        assertThat(documented()).containsAll(served);
        assertThat(served).hasSizeGreaterThanOrEqualTo(29);
    }

    @Test
    void everyDocumentedRouteExists() {
        // Asked over HTTP, with the parameters filled in: the router, not the route table, answers.
        for (String op : documented()) {
            String method = op.substring(0, op.indexOf(' '));
            String path = op.substring(op.indexOf(' ') + 1)
                    .replace("{name}", "things").replace("{key}", "k").replace("{bucket}", "files").replace("{path}", "a/b");
            if (path.endsWith("/stream")) {
                path += "?after=-1"; // refused before streaming: a stream would not end
            }
            Http.Response r = http.send(method, path, method.equals("GET") || method.equals("HEAD") || method.equals("DELETE") ? null : "{}");
            if (method.equals("HEAD")) {
                assertThat(r.status()).as(op).isNotEqualTo(405);
                continue;
            }
            assertThat(r.status()).as(op).isNotEqualTo(405);
            if (r.status() == 404) {
                assertThat(r.json().get("type").asString()).as(op).doesNotEndWith("/no-route");
            }
        }
    }

    @Test
    void metricsCountRequestsByRouteAndStatusAndShowWhatTheDepotHolds() {
        http.put("/v1/collections/notes", "{\"key\": \"/id\"}");
        http.put("/v1/collections/notes/records/a", "{\"id\": \"a\"}");
        http.get("/v1/collections/notes/records/a");
        http.get("/v1/collections/notes/records/zzz");
        http.post("/v1/queues/jobs/messages", "{\"messages\": [{\"payload\": 1}, {\"payload\": 2}]}");
        Http.Response m = http.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.contentType()).startsWith("text/plain; version=0.0.4");
        String text = m.body();
        assertThat(text).contains("# TYPE depot_http_request_duration_seconds histogram");
        assertThat(text).contains("depot_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/collections/{name}/records/{key}\",status=\"200\"} 1");
        assertThat(text).contains("depot_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/collections/{name}/records/{key}\",status=\"404\"} 1");
        assertThat(text).contains("le=\"+Inf\"");
        assertThat(text).contains("depot_records{collection=\"notes\"} 1");
        assertThat(text).contains("depot_queue_items{queue=\"jobs\",state=\"ready\"} 2");
        assertThat(text).doesNotContain("zzz");
        for (String line : text.split("\n")) {
            assertThat(line).as("exposition line").matches("(# (HELP|TYPE) .*|[a-z_]+(\\{.*\\})? -?[0-9.E+-]+)");
        }
    }

    @Test
    void aBackendWithoutBlobsOrQueuesAnswers501() {
        // Memory has both; the mapping is what this checks, through the exception the API throws.
        ProblemException p = Problems.classify(new UnsupportedOperationException("h2 does not support BLOBS"));
        assertThat(p.status()).isEqualTo(501);
        assertThat(p.getMessage()).contains("BLOBS");
    }

    @Test
    void aFullDiskAnswers507AndAnOutage503WithoutTheBackendsMessage() {
        dev.depot.StorageFullException full = dev.depot.spi.StorageFull.exception("writing bucket 'b' path 'secret-name'",
                new java.io.IOException("No space left on device"));
        ProblemException p = Problems.classify(full);
        assertThat(p.status()).isEqualTo(507);
        assertThat(p.type()).isEqualTo("storage-full");
        assertThat(p.getMessage()).contains("disk is full").doesNotContain("secret-name");
        ProblemException commit = Problems.classify(new dev.depot.CommitOutcomeUnknownException("c-1", full));
        assertThat(commit.status()).isEqualTo(507);
        assertThat(commit.getMessage()).contains("may or may not have been applied");
        ProblemException down = Problems.classify(new dev.depot.BackendUnavailableException("down", null));
        assertThat(down.status()).isEqualTo(503);
    }
}
