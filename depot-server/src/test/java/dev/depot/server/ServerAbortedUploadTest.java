package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away in the middle of a blob upload publishes nothing: with a Content-Length
 * it did not reach, or in a chunked body it never ended, the connection closed mid-body. The blob
 * that was at the path before stays, whole, and the server serves the next request normally.
 */
class ServerAbortedUploadTest {
    Depot depot;
    DepotServer server;
    URI base;

    @BeforeEach
    void start() {
        depot = Depot.open("memory:");
        server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofMillis(200)));
        base = URI.create(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
        depot.close();
    }

    @Test
    void anUploadCutShortOfItsLengthPublishesNothing() throws Exception {
        byte[] before = "the blob before".getBytes(StandardCharsets.UTF_8);
        depot.blobs("docs").put("kept", before);
        cut("PUT /v1/blobs/docs/kept HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", 5_000);
        cut("PUT /v1/blobs/docs/fresh HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", 5_000);
        settled();
        assertThat(depot.blobs("docs").get("kept")).isEqualTo(before);
        assertThat(depot.blobs("docs").exists("fresh")).isFalse();
    }

    @Test
    void aChunkedUploadNeverEndedPublishesNothing() throws Exception {
        byte[] before = "the blob before".getBytes(StandardCharsets.UTF_8);
        depot.blobs("docs").put("kept", before);
        String head = "PUT /v1/blobs/docs/kept HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        cut(head + Integer.toHexString(4_000) + "\r\n", 4_000); // one whole chunk, then no last chunk
        cut(head.replace("kept", "fresh") + Integer.toHexString(4_000) + "\r\n", 1_000); // cut inside a chunk
        settled();
        assertThat(depot.blobs("docs").get("kept")).isEqualTo(before);
        assertThat(depot.blobs("docs").exists("fresh")).isFalse();
    }

    /** Sends {@code head} and {@code bodyBytes} bytes of body, then closes the connection. */
    private void cut(String head, int bodyBytes) throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] body = new byte[bodyBytes];
            Arrays.fill(body, (byte) 'x');
            out.write(body);
            out.flush();
        }
    }

    /**
     * Waits until the server has answered both cut PUTs (its metrics count every request it finished,
     * whatever the status), so what they publish, if anything, is published.
     */
    private void settled() {
        Http http = new Http(server.url());
        await(() -> putsFinished(http.get("/metrics").body()) >= 2);
    }

    private static long putsFinished(String metrics) {
        long n = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("depot_http_request_duration_seconds_count{") && line.contains("method=\"PUT\"")) {
                n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("server answers again").isLessThan(deadline);
        }
    }
}
