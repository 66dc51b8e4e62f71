package dev.depot.cli;

import dev.depot.Depot;
import dev.depot.server.DepotServer;
import dev.depot.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code depot bench}: a quick HTTP benchmark against an anchor in the same run. Starts a server over
 * {@code memory:} and the {@link AnchorServer} (bare Javalin answering the same routes with the same
 * bytes) on loopback, and drives both with the same load generator ({@link KeepAliveClient}: one
 * keep-alive HTTP/1.1 connection per client thread): PUT and GET of small JSON records, then queue
 * produce and lease + complete in batches of 100. Every phase is warmed up (the JIT compiles the
 * server's paths) before it is measured; the answer is Depot's rate, the anchor's and their ratio,
 * which is what carries over from one machine (or one load) to another.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Quick HTTP benchmark: a server over memory: and a bare Javalin anchor on loopback, driven alike:",
                "PUT then GET of small records, then queue produce and lease + complete in batches of 100.",
                "Prints Depot's rate, the anchor's and Depot ÷ anchor per phase (client and server share the machine)."})
final class BenchCommand implements Callable<Integer> {
    private static final int KEYS = 64;
    private static final int BATCH = 100;
    /** Ids and tokens of a lease answer; the load generator avoids a JSON parse per item. */
    private static final Pattern LEASE = Pattern.compile("\\{\"id\":\"([^\"]+)\",\"token\":\"([^\"]+)\"");

    @Option(names = "--seconds", defaultValue = "5", description = "Measured one-second rounds per phase and server, taking turns;"
            + " the median round counts (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Warmup seconds before each measurement, not counted (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", defaultValue = "8", description = "Client threads, one keep-alive connection each (default: ${DEFAULT-VALUE}).")
    int threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private enum Phase {
        PUT("PUT req/s"), GET("GET req/s"), PRODUCE("produce items/s"), LEASE_COMPLETE("lease+complete items/s");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    /** One measurement: units per second, and the failed requests (any status other than the expected). */
    private record Rate(double perSecond, long errors) {}

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 600 || warmup < 0 || warmup > 600 || threads < 1 || threads > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be 1..600, --warmup 0..600 and --threads 1..256");
        }
        PrintWriter out = spec.commandLine().getOut();
        // One access-log line per request would measure the terminal; set before the server's logger exists.
        System.setProperty("org.slf4j.simpleLogger.log.dev.depot.server.access", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "off");
        try (Depot depot = Depot.open("memory:");
                DepotServer server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofSeconds(1)));
                AnchorServer anchor = AnchorServer.start()) {
            int[] ports = {server.port(), anchor.port()};
            try (KeepAliveClient c = new KeepAliveClient("127.0.0.1", server.port())) {
                expect(c.send("PUT", "/v1/collections/bench", bytes("{\"key\": \"/id\"}")), 201);
            }
            for (int port : ports) { // every key the GET phase reads exists, whatever the PUT phase reached
                try (KeepAliveClient c = new KeepAliveClient("127.0.0.1", port)) {
                    for (int t = 0; t < threads; t++) {
                        for (int k = 0; k < KEYS; k++) {
                            String id = "t" + t + "-" + k;
                            c.send("PUT", "/v1/collections/bench/records/" + id, bytes("{\"id\":\"" + id + "\",\"score\":0}"));
                        }
                    }
                }
            }
            out.printf(Locale.ROOT, "depot bench: %d client threads (one keep-alive HTTP/1.1 connection each), %d s warmup, then"
                    + " the median of %d one-second rounds per phase and server, taking turns%n", threads, warmup, seconds);
            out.printf(Locale.ROOT, "%-24s %14s %14s %16s%n", "phase", "depot", "anchor", "depot ÷ anchor");
            for (Phase phase : Phase.values()) {
                for (int s = 0; s < 2 && warmup > 0; s++) {
                    run(phase, ports[s], warmup);
                }
                // One-second rounds taking turns, and the median round of each: a load that comes and
                // goes on the machine then weighs on both servers alike.
                List<List<Rate>> rounds = List.of(new ArrayList<>(), new ArrayList<>());
                for (int r = 0; r < seconds; r++) {
                    for (int s = 0; s < 2; s++) {
                        rounds.get(s).add(run(phase, ports[s], 1));
                    }
                }
                Rate depotRate = median(rounds.get(0));
                Rate anchorRate = median(rounds.get(1));
                out.printf(Locale.ROOT, "%-24s %14s %14s %15.2f×%n", phase.label, format(depotRate), format(anchorRate),
                        depotRate.perSecond() / anchorRate.perSecond());
            }
            out.flush();
        }
        return 0;
    }

    /** The median rate, with the errors of every round. */
    private static Rate median(List<Rate> rounds) {
        List<Rate> sorted = new ArrayList<>(rounds);
        sorted.sort(java.util.Comparator.comparingDouble(Rate::perSecond));
        long errors = rounds.stream().mapToLong(Rate::errors).sum();
        return new Rate(sorted.get(sorted.size() / 2).perSecond(), errors);
    }

    private static String format(Rate r) {
        return String.format(Locale.ROOT, "%,.0f", r.perSecond()) + (r.errors() == 0 ? "" : " (" + r.errors() + " errors)");
    }

    /**
     * Runs {@code phase} against the server on {@code port} for {@code secs} seconds. Lease + complete
     * ends early when the queue is empty (it drains what the produce phase left), counting the time
     * it ran.
     */
    private Rate run(Phase phase, int port, int secs) throws Exception {
        byte[] produceBody = produceBody();
        byte[] leaseBody = bytes("{\"max\": " + BATCH + "}");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        LongAdder units = new LongAdder();
        LongAdder errors = new LongAdder();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(secs).toNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                try (KeepAliveClient c = new KeepAliveClient("127.0.0.1", port)) {
                    int i = 0;
                    while (System.nanoTime() < end) {
                        switch (phase) {
                            case PUT, GET -> {
                                String id = "t" + thread + "-" + (i++ % KEYS);
                                String path = "/v1/collections/bench/records/" + id;
                                KeepAliveClient.Response r = phase == Phase.GET ? c.send("GET", path, null)
                                        : c.send("PUT", path, bytes("{\"id\":\"" + id + "\",\"name\":\"player " + id + "\",\"score\":" + i + "}"));
                                count(r.status() == 200 || r.status() == 201, 1, units, errors);
                            }
                            case PRODUCE -> count(c.send("POST", "/v1/queues/bench/messages", produceBody).status() == 201,
                                    BATCH, units, errors);
                            case LEASE_COMPLETE -> {
                                KeepAliveClient.Response leased = c.send("POST", "/v1/queues/bench/leases", leaseBody);
                                StringBuilder refs = new StringBuilder("{\"leases\": [");
                                int n = 0;
                                for (Matcher m = LEASE.matcher(leased.text()); m.find(); n++) {
                                    refs.append(n == 0 ? "" : ",").append("{\"id\":\"").append(m.group(1))
                                            .append("\",\"token\":\"").append(m.group(2)).append("\"}");
                                }
                                if (n == 0) {
                                    count(leased.status() == 200, 0, units, errors);
                                    return null;
                                }
                                KeepAliveClient.Response done = c.send("POST", "/v1/queues/bench/complete", bytes(refs.append("]}").toString()));
                                count(done.status() == 200 && !done.text().contains("\"stale\":[\""), n, units, errors);
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double taken = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Rate(units.sum() / taken, errors.sum());
    }

    private static void count(boolean ok, int n, LongAdder units, LongAdder errors) {
        if (ok) {
            units.add(n);
        } else {
            errors.increment();
        }
    }

    private static byte[] produceBody() {
        StringBuilder batch = new StringBuilder("{\"messages\": [");
        for (int i = 0; i < BATCH; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"payload\": {\"n\": ").append(i).append("}}");
        }
        return bytes(batch.append("]}").toString());
    }

    private static void expect(KeepAliveClient.Response r, int status) throws IOException {
        if (r.status() != status) {
            throw new IOException("the benchmark's setup got HTTP " + r.status() + ": " + r.text());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
