package dev.depot.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Closing the server lets an in-flight request finish with a real answer instead of cutting it off. */
class ServerShutdownTest {

    @Test
    void anInFlightLongPollIsAnsweredWhenTheServerStops() throws Exception {
        try (Depot depot = Depot.open("memory:")) {
            DepotServer server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0));
            Http http = new Http(server.url());
            long last = depot.changes().lastSequence();
            CompletableFuture<Http.Response> waiting =
                    CompletableFuture.supplyAsync(() -> http.get("/v1/changes?after=" + last + "&wait=30s"));
            long giveUp = System.nanoTime() + 10_000_000_000L; // bounded: a broken server fails below, not hangs
            while (server.inFlight() == 0 && !waiting.isDone() && System.nanoTime() < giveUp) {
                Thread.sleep(5);
            }
            assertThat(server.inFlight()).isEqualTo(1);
            server.close();
            Http.Response r = waiting.get();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("events").size()).isZero();
            assertThat(r.json().get("last").asLong()).isEqualTo(last);
        }
    }
}
