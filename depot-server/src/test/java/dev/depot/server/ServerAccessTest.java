package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenants isolate everything; API keys: 401 without or with a wrong key, 403 outside role or tenant. */
class ServerAccessTest {
    static final String ADMIN = "admin-key-0123456789";
    static final String ACME_WRITER = "acme-writer-0123456789";
    static final String ACME_READER = "acme-reader-0123456789";

    Depot depot;
    DepotServer server;
    Http http;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        ApiKeys keys = ApiKeys.parse(ADMIN + " admin *; " + ACME_WRITER + " write acme,default\n" + ACME_READER + " read acme");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)).withApiKeys(keys));
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    private static String[] as(String key, String tenant) {
        return tenant == null ? new String[] {"Authorization", "Bearer " + key}
                : new String[] {"Authorization", "Bearer " + key, "X-Depot-Tenant", tenant};
    }

    @Test
    void tenantsNeverSeeEachOthersData() {
        assertThat(http.put("/v1/collections/notes", "{\"key\": \"/id\"}", as(ADMIN, "acme")).status()).isEqualTo(201);
        assertThat(http.put("/v1/collections/notes", "{\"key\": \"/n\"}", as(ADMIN, "globex")).status()).isEqualTo(201);
        assertThat(http.put("/v1/collections/notes/records/a", "{\"id\": \"a\", \"secret\": \"acme's\"}", as(ADMIN, "acme")).status())
                .isEqualTo(201);
        assertThat(http.get("/v1/collections/notes/records/a", as(ADMIN, "globex")).status()).isEqualTo(404);
        assertThat(http.get("/v1/collections/notes/records/a", as(ADMIN, null)).status()).isEqualTo(404);
        assertThat(http.get("/v1/collections", as(ADMIN, "acme")).json().get("collections").get(0).get("key").asString())
                .isEqualTo("/id");
        assertThat(http.get("/v1/collections", as(ADMIN, null)).json().get("collections")).isEmpty();

        // Change feed: globex sees none of acme's events, acme sees its own under the name it uses.
        assertThat(http.get("/v1/changes", as(ADMIN, "globex")).json().get("events")).isEmpty();
        var acmeEvents = http.get("/v1/changes", as(ADMIN, "acme")).json().get("events");
        assertThat(acmeEvents).hasSize(1);
        assertThat(acmeEvents.get(0).get("collection").asString()).isEqualTo("notes");

        // Blobs and queues too.
        http.send("PUT", "/v1/blobs/files/x", "acme", as(ADMIN, "acme"));
        assertThat(http.get("/v1/blobs/files/x", as(ADMIN, "globex")).status()).isEqualTo(404);
        assertThat(http.get("/v1/blobs/files", as(ADMIN, "globex")).json().get("items")).isEmpty();
        http.post("/v1/queues/jobs/messages", "{\"messages\": [{\"payload\": 1}]}", as(ADMIN, "acme"));
        assertThat(http.post("/v1/queues/jobs/leases", "{}", as(ADMIN, "globex")).json().get("leases")).isEmpty();
        assertThat(http.post("/v1/queues/jobs/leases", "{}", as(ADMIN, "acme")).json().get("leases")).hasSize(1);

        assertThat(http.put("/v1/collections/a__b", "{\"key\": \"/id\"}", as(ADMIN, null)).status()).isEqualTo(400);
        Http.Response bad = http.put("/v1/collections/notes/records/b", "{\"nope\": 1}", as(ADMIN, "acme"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("detail").asString()).doesNotContain("acme__").contains("notes");
        assertThat(http.get("/v1/collections", as(ADMIN, "Not-A-Tenant")).status()).isEqualTo(400);
    }

    @Test
    void keysAreRequiredAndBoundToRolesAndTenants() {
        Http.Response none = http.get("/v1/collections");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(none.contentType()).startsWith("application/problem+json");
        Http.Response wrong = http.get("/v1/collections", as("wrong-key-0123456789", null));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("wrong-key");

        assertThat(http.get("/v1/collections", as(ACME_READER, "acme")).status()).isEqualTo(200);
        assertThat(http.get("/v1/collections", as(ACME_READER, null)).status()).isEqualTo(403);
        assertThat(http.put("/v1/collections/notes", "{\"key\": \"/id\"}", as(ACME_WRITER, "acme")).status()).isEqualTo(403);
        assertThat(http.put("/v1/collections/notes", "{\"key\": \"/id\"}", as(ADMIN, "acme")).status()).isEqualTo(201);
        assertThat(http.put("/v1/collections/notes/records/a", "{\"id\": \"a\"}", as(ACME_READER, "acme")).status()).isEqualTo(403);
        assertThat(http.put("/v1/collections/notes/records/a", "{\"id\": \"a\"}", as(ACME_WRITER, "acme")).status()).isEqualTo(201);
        assertThat(http.get("/v1/collections/notes/records/a", as(ACME_READER, "acme")).status()).isEqualTo(200);
        assertThat(http.put("/v1/collections/notes/records/a", "{\"id\": \"a\"}", as(ACME_WRITER, "globex")).status()).isEqualTo(403);

        assertThat(http.get("/metrics", as(ACME_WRITER, null)).status()).isEqualTo(403);
        assertThat(http.get("/metrics", as(ADMIN, null)).status()).isEqualTo(200);
        assertThat(http.get("/health/ready").status()).isEqualTo(200);
        assertThat(http.get("/openapi.json").status()).isEqualTo(200);
    }

    @Test
    void keysNeverAppearInAnswersOrInToString() {
        // The access log is method, route template, status and time by construction (DepotServer.configure).
        Http.Response wrong = http.get("/v1/collections", as("not-a-key-but-secret", null));
        assertThat(wrong.body()).doesNotContain("not-a-key-but-secret");
        Http.Response forbidden = http.get("/v1/collections", as(ACME_READER, "globex"));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body()).doesNotContain(ACME_READER);
        assertThat(ApiKeys.parse(ADMIN + " read *").toString()).doesNotContain(ADMIN);
    }

    @Test
    void aKeyFileHoldsHashesOnly(@TempDir Path dir) throws Exception {
        String hash = HexFormat.of().formatHex(ApiKeys.sha256(ADMIN));
        Path file = dir.resolve("keys");
        Files.writeString(file, "# admins\nsha256:" + hash + " admin *\n");
        ApiKeys keys = ApiKeys.fromEnvironment("@" + file);
        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.find(ADMIN)).isNotNull();
        assertThat(keys.find(ADMIN + "x")).isNull();

        Files.writeString(file, ADMIN + " admin *\n");
        assertThatThrownBy(() -> ApiKeys.load(file)).hasMessageContaining("line 1").hasMessageContaining("hashes")
                .message().doesNotContain(ADMIN);
        assertThatThrownBy(() -> ApiKeys.parse(ADMIN + " owner *")).hasMessageContaining("role").message().doesNotContain(ADMIN);
        assertThatThrownBy(() -> ApiKeys.parse("short read *")).hasMessageContaining("16 characters").message().doesNotContain("short");
        assertThatThrownBy(() -> ApiKeys.parse(ADMIN + " read Acme")).hasMessageContaining("tenants");
        assertThat(ApiKeys.fromEnvironment(" ").enabled()).isFalse();
    }
}
