package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.server.DepotServer;
import dev.depot.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's client speaks HTTP/1.1 correctly: many requests on one connection, bodies with
 * {@code Content-Length}, empty answers (204), problem documents, a long chunked answer.
 */
class KeepAliveClientTest {
    @Test
    void manyExchangesOnOneConnection() throws Exception {
        try (Depot depot = Depot.open("memory:");
                DepotServer server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofSeconds(1)));
                KeepAliveClient c = new KeepAliveClient("127.0.0.1", server.port())) {
            assertThat(c.send("PUT", "/v1/collections/c", bytes("{\"key\":\"/id\"}")).status()).isEqualTo(201);
            for (int i = 0; i < 200; i++) {
                KeepAliveClient.Response put = c.send("PUT", "/v1/collections/c/records/k" + i,
                        bytes("{\"id\":\"k" + i + "\",\"n\":" + i + "}"));
                assertThat(put.status()).isEqualTo(201);
                assertThat(put.text()).isEqualTo("{\"key\":\"k" + i + "\",\"version\":1}");
                KeepAliveClient.Response get = c.send("GET", "/v1/collections/c/records/k" + i, null);
                assertThat(get.status()).isEqualTo(200);
                assertThat(get.text()).isEqualTo("{\"id\":\"k" + i + "\",\"n\":" + i + "}");
            }
            assertThat(c.send("DELETE", "/v1/collections/c/records/k0", null).status()).isEqualTo(204);
            KeepAliveClient.Response missing = c.send("GET", "/v1/collections/c/records/k0", null);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.text()).contains("\"status\":404");
            KeepAliveClient.Response list = c.send("POST", "/v1/collections/c/query", bytes("{\"limit\": 1000}"));
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.text()).contains("\"id\":\"k199\"").doesNotContain("\"id\":\"k0\"");
            assertThat(c.send("GET", "/health/live", null).status()).isEqualTo(200);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
