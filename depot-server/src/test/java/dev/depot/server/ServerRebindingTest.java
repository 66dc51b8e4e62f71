package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a page of {@code evil.example}, its name re-pointed at 127.0.0.1, reached an open
 * {@code depot serve} on loopback as its own origin and could read and write everything. An open
 * server on loopback now answers only requests addressed to localhost or an IP address.
 */
class ServerRebindingTest {
    private static String request(Http http, String method, String path, String host, String body) {
        String b = body == null ? "" : body;
        return http.raw((method + " " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                + "Connection: close\r\n" + (body == null ? "" : "Content-Type: application/json\r\n")
                + "Content-Length: " + b.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + b).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anOpenLoopbackServerAnswersOnlyLocalhostAndAddresses() {
        try (Depot depot = Depot.open("memory:");
                DepotServer server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)))) {
            Http http = new Http(server.url());
            assertThat(http.put("/v1/collections/players", ServerRecordsTest.PLAYERS).status()).isEqualTo(201);
            int port = java.net.URI.create(server.url()).getPort();
            for (String host : new String[] {"evil.example:" + port, "evil.example", "localhost.evil.example:" + port, "127.0.0.1.nip.io",
                    "localhost:" + port + "@evil.example", "LOCALHOST:99999999", "[::1]x", ""}) {
                String read = request(http, "GET", "/v1/collections/players/records/ann", host, null);
                assertThat(read).as(host).startsWith("HTTP/1.1 ");
                if (!read.startsWith("HTTP/1.1 400")) { // Jetty refuses some malformed Host headers itself
                    assertThat(read).as(host).startsWith("HTTP/1.1 403").contains("host-not-allowed").doesNotContain("evil");
                }
                String write = request(http, "PUT", "/v1/collections/players/records/eve", host, ServerRecordsTest.player("eve", 1));
                assertThat(write).as(host).matches("(?s)HTTP/1.1 (403|400).*");
            }
            assertThat(http.get("/v1/collections/players/records/eve").status()).as("nothing written").isEqualTo(404);
            for (String host : new String[] {"localhost:" + port, "LocalHost", "localhost.:" + port, "app.localhost:" + port,
                    "127.0.0.1:" + port, "127.0.0.1", "[::1]:" + port, "[::1]"}) {
                assertThat(request(http, "GET", "/v1/collections/players", host, null)).as(host).startsWith("HTTP/1.1 200");
            }
            assertThat(request(http, "PUT", "/v1/collections/players/records/bob", "localhost:" + port, ServerRecordsTest.player("bob", 2)))
                    .startsWith("HTTP/1.1 201");
        }
    }

    @Test
    void withApiKeysOrOnAnotherInterfaceNoHostIsRefused() {
        String key = "k-0123456789abcdef-admin";
        try (Depot depot = Depot.open("memory:");
                DepotServer keyed = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200))
                        .withApiKeys(ApiKeys.parse(key + " admin *")));
                DepotServer wildcard = DepotServer.start(depot, ServerConfig.of("0.0.0.0", 0).withStopTimeout(Duration.ofMillis(200)))) {
            String keyedAnswer = new Http(keyed.url()).raw(("GET /v1/collections HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer " + key
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(keyedAnswer).as("the key is the guard").startsWith("HTTP/1.1 200");
            assertThat(request(new Http(wildcard.url()), "GET", "/v1/collections", "depot.internal:8080", null))
                    .as("bound to every interface on purpose").startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void hostsAreReadAsNamesAndPorts() {
        assertThat(RebindingGuard.allowed(null)).isTrue();
        assertThat(RebindingGuard.allowed("localhost")).isTrue();
        assertThat(RebindingGuard.allowed("10.0.0.7:8080")).isTrue();
        assertThat(RebindingGuard.allowed("[fe80::1%25eth0]:80")).isTrue();
        assertThat(RebindingGuard.allowed("localhost:")).isTrue();
        assertThat(RebindingGuard.allowed("localhostx")).isFalse();
        assertThat(RebindingGuard.allowed("xlocalhost")).isFalse();
        assertThat(RebindingGuard.allowed("1.2.3.4.evil.example")).isFalse();
        assertThat(RebindingGuard.allowed("localhost:80:80")).isFalse();
        assertThat(RebindingGuard.allowed("[::1]:80x")).isFalse();
        assertThat(RebindingGuard.allowed("[not-an-address]")).isFalse();
        assertThat(RebindingGuard.allowed("")).isFalse();
    }
}
