package dev.depot.bench;

import dev.depot.Depot;
import dev.depot.cli.AnchorServer;
import dev.depot.cli.KeepAliveClient;
import dev.depot.server.DepotServer;
import dev.depot.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Depot's HTTP server over {@code memory:} against a bare Javalin anchor ({@link AnchorServer}:
 * Javalin's defaults, the same routes answered with the same bytes from a map and a queue), both on
 * loopback in this JVM, driven by 8 client threads with one keep-alive HTTP/1.1 connection each
 * ({@link KeepAliveClient}, the load generator of {@code depot bench}). Records are small JSON
 * objects over 64 keys per thread; queue rows move batches of 100 and count items. The lease +
 * complete rows refill the queue with one untimed produce of 100 before each invocation.
 *
 * <pre>
 * java -cp depot-bench/target/benchmarks.jar org.openjdk.jmh.Main 'HttpBench' -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@Threads(8)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.log.dev.depot.server.access=warn",
        "-Dorg.slf4j.simpleLogger.log.io.javalin=off", "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn"})
public class HttpBench {
    static final int KEYS = 64;
    static final int BATCH = 100;
    private static final Pattern LEASE = Pattern.compile("\\{\"id\":\"([^\"]+)\",\"token\":\"([^\"]+)\"");

    /** Both servers, shared by the client threads. */
    @State(Scope.Benchmark)
    public static class Servers {
        Depot depot;
        DepotServer server;
        AnchorServer anchor;

        @Setup(Level.Trial)
        public void start() throws IOException {
            depot = Depot.open("memory:");
            server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofSeconds(1)));
            anchor = AnchorServer.start();
            try (KeepAliveClient c = new KeepAliveClient("127.0.0.1", server.port())) {
                if (c.send("PUT", "/v1/collections/bench", bytes("{\"key\": \"/id\"}")).status() != 201) {
                    throw new IllegalStateException("could not declare the collection");
                }
            }
        }

        /** The produce rows only add: what an iteration added goes, so the queues never grow past one iteration's items. */
        @TearDown(Level.Iteration)
        public void drain() {
            depot.queue("produced").clear();
            depot.queue("leased").clear();
            anchor.clearQueue();
        }

        @TearDown(Level.Trial)
        public void stop() {
            anchor.close();
            server.close();
            depot.close();
        }
    }

    /** A thread's two connections, its keys (created on both servers) and its request bodies. */
    @State(Scope.Thread)
    public static class Client {
        private static final java.util.concurrent.atomic.AtomicInteger THREADS = new java.util.concurrent.atomic.AtomicInteger();
        KeepAliveClient depot;
        KeepAliveClient anchor;
        final String[] paths = new String[KEYS];
        final byte[][] bodies = new byte[KEYS][];
        byte[] produce;
        final byte[] lease = bytes("{\"max\": " + BATCH + "}");
        int next;

        @Setup(Level.Trial)
        public void connect(Servers s) throws IOException {
            depot = new KeepAliveClient("127.0.0.1", s.server.port());
            anchor = new KeepAliveClient("127.0.0.1", s.anchor.port());
            int thread = THREADS.getAndIncrement();
            for (int k = 0; k < KEYS; k++) {
                String id = "t" + thread + "-" + k;
                paths[k] = "/v1/collections/bench/records/" + id;
                bodies[k] = bytes("{\"id\":\"" + id + "\",\"name\":\"player " + id + "\",\"score\":" + k + "}");
                expect(depot.send("PUT", paths[k], bodies[k]), 200, 201);
                expect(anchor.send("PUT", paths[k], bodies[k]), 200, 201);
            }
            StringBuilder b = new StringBuilder("{\"messages\": [");
            for (int i = 0; i < BATCH; i++) {
                b.append(i == 0 ? "" : ",").append("{\"payload\": {\"n\": ").append(i).append("}}");
            }
            produce = bytes(b.append("]}").toString());
        }

        int key() {
            next = (next + 1) % KEYS;
            return next;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            depot.close();
            anchor.close();
        }
    }

    /** For the lease rows: 100 items produced, untimed, before each invocation, on the server the row measures. */
    @State(Scope.Thread)
    public static class DepotRefill {
        @Setup(Level.Invocation)
        public void refill(Client c) throws IOException {
            expect(c.depot.send("POST", "/v1/queues/leased/messages", c.produce), 201);
        }
    }

    /** As {@link DepotRefill}, on the anchor. */
    @State(Scope.Thread)
    public static class AnchorRefill {
        @Setup(Level.Invocation)
        public void refill(Client c) throws IOException {
            expect(c.anchor.send("POST", "/v1/queues/leased/messages", c.produce), 201);
        }
    }

    @Benchmark
    public int depotGet(Servers s, Client c) throws IOException {
        return c.depot.send("GET", c.paths[c.key()], null).status();
    }

    @Benchmark
    public int anchorGet(Servers s, Client c) throws IOException {
        return c.anchor.send("GET", c.paths[c.key()], null).status();
    }

    @Benchmark
    public int depotPut(Servers s, Client c) throws IOException {
        int k = c.key();
        return c.depot.send("PUT", c.paths[k], c.bodies[k]).status();
    }

    @Benchmark
    public int anchorPut(Servers s, Client c) throws IOException {
        int k = c.key();
        return c.anchor.send("PUT", c.paths[k], c.bodies[k]).status();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int depotProduce(Servers s, Client c) throws IOException {
        return c.depot.send("POST", "/v1/queues/produced/messages", c.produce).status();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int anchorProduce(Servers s, Client c) throws IOException {
        return c.anchor.send("POST", "/v1/queues/produced/messages", c.produce).status();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int depotLeaseComplete(Servers s, Client c, DepotRefill r) throws IOException {
        return leaseComplete(c.depot, c.lease);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int anchorLeaseComplete(Servers s, Client c, AnchorRefill r) throws IOException {
        return leaseComplete(c.anchor, c.lease);
    }

    /** Leases up to 100 and completes what came back; the completed count (100 unless another thread took some). */
    static int leaseComplete(KeepAliveClient c, byte[] lease) throws IOException {
        KeepAliveClient.Response leased = c.send("POST", "/v1/queues/leased/leases", lease);
        StringBuilder refs = new StringBuilder("{\"leases\": [");
        int n = 0;
        for (Matcher m = LEASE.matcher(leased.text()); m.find(); n++) {
            refs.append(n == 0 ? "" : ",").append("{\"id\":\"").append(m.group(1)).append("\",\"token\":\"").append(m.group(2)).append("\"}");
        }
        if (n > 0) {
            expect(c.send("POST", "/v1/queues/leased/complete", bytes(refs.append("]}").toString())), 200);
        }
        return n;
    }

    static void expect(KeepAliveClient.Response r, int... statuses) {
        for (int s : statuses) {
            if (r.status() == s) {
                return;
            }
        }
        throw new IllegalStateException("HTTP " + r.status() + ": " + r.text());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
