package dev.depot.cli;

import dev.depot.Depot;
import dev.depot.server.DepotServer;
import dev.depot.server.ServerConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code depot bench}: a quick HTTP benchmark. Starts a server over {@code memory:} on a free
 * loopback port and measures, with keep-alive clients in this process, PUT and then GET of small
 * JSON records, then producing queue items and leasing + completing them, in batches of 100. A smoke figure for this machine, not the JMH suite (module depot-bench).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Quick HTTP benchmark: a server over memory: on loopback, PUT then GET of small records,",
                "then queue produce and lease + complete in batches of 100.",
                "Client and server share this process and machine: a smoke figure, not a rigorous one."})
final class BenchCommand implements Callable<Integer> {
    private static final int KEYS = 64;
    private static final int BATCH = 100;
    /** Ids and tokens of a lease answer; the benchmark avoids a JSON parse per item on the client side. */
    private static final java.util.regex.Pattern LEASE =
            java.util.regex.Pattern.compile("\\{\"id\":\"([^\"]+)\",\"token\":\"([^\"]+)\"");

    @Option(names = "--seconds", defaultValue = "3", description = "Seconds per phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--threads", defaultValue = "8", description = "Client threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 600 || threads < 1 || threads > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be 1..600 and --threads 1..256");
        }
        PrintWriter out = spec.commandLine().getOut();
        // One access-log line per request would measure the terminal; set before the server's logger exists.
        System.setProperty("org.slf4j.simpleLogger.log.dev.depot.server.access", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "off");
        try (Depot depot = Depot.open("memory:");
                DepotServer server = DepotServer.start(depot, ServerConfig.of("127.0.0.1", 0).withStopTimeout(Duration.ofSeconds(1)))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = server.url();
            send(client, HttpRequest.newBuilder(URI.create(base + "/v1/collections/bench"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"key\": \"/id\"}")).build());
            for (int t = 0; t < threads; t++) {
                for (int k = 0; k < KEYS; k++) { // every key the GET phase reads exists, whatever the PUT phase reached
                    String id = "t" + t + "-" + k;
                    send(client, HttpRequest.newBuilder(URI.create(base + "/v1/collections/bench/records/" + id))
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"score\":0}")).build());
                }
            }
            out.println("depot bench: " + threads + " client threads, " + seconds + " s per phase, server " + base);
            out.println(phase(client, base, true) + " PUT req/s");
            out.println(phase(client, base, false) + " GET req/s");
            out.println(queuePhase(client, base, true) + " queue items/s produced (batches of " + BATCH + ")");
            out.println(queuePhase(client, base, false) + " queue items/s leased and completed (batches of " + BATCH + ")");
            out.flush();
        }
        return 0;
    }

    private String phase(HttpClient client, String base, boolean put) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        LongAdder done = new LongAdder();
        LongAdder errors = new LongAdder();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                int i = 0;
                while (System.nanoTime() < end) {
                    String id = "t" + thread + "-" + (i++ % KEYS);
                    URI uri = URI.create(base + "/v1/collections/bench/records/" + id);
                    HttpRequest req = put
                            ? HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(
                                    "{\"id\":\"" + id + "\",\"name\":\"player " + id + "\",\"score\":" + i + "}")).build()
                            : HttpRequest.newBuilder(uri).GET().build();
                    int status = send(client, req);
                    if (status >= 400) {
                        errors.increment();
                    }
                    done.increment();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        double secondsTaken = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "%,.0f", done.sum() / secondsTaken)
                + (errors.sum() == 0 ? "" : " (" + errors.sum() + " errors)");
    }

    /** Produces batches for the phase's time, or leases and completes batches until the queue is empty or time is up. */
    private String queuePhase(HttpClient client, String base, boolean produce) throws Exception {
        StringBuilder batch = new StringBuilder("{\"messages\": [");
        for (int i = 0; i < BATCH; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"payload\": {\"n\": ").append(i).append("}}");
        }
        String produceBody = batch.append("]}").toString();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        LongAdder items = new LongAdder();
        LongAdder errors = new LongAdder();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    if (produce) {
                        int status = send(client, post(base + "/v1/queues/bench/messages", produceBody));
                        if (status == 201) {
                            items.add(BATCH);
                        } else {
                            errors.increment();
                        }
                        continue;
                    }
                    HttpResponse<String> leased = client.send(post(base + "/v1/queues/bench/leases", "{\"max\": " + BATCH + "}"),
                            HttpResponse.BodyHandlers.ofString());
                    List<String> refs = new ArrayList<>();
                    java.util.regex.Matcher m = LEASE.matcher(leased.body());
                    while (m.find()) {
                        refs.add("{\"id\":\"" + m.group(1) + "\",\"token\":\"" + m.group(2) + "\"}");
                    }
                    if (refs.isEmpty()) {
                        return null;
                    }
                    int status = send(client, post(base + "/v1/queues/bench/complete", "{\"leases\": [" + String.join(",", refs) + "]}"));
                    if (status == 200) {
                        items.add(refs.size());
                    } else {
                        errors.increment();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        double secondsTaken = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "%,.0f", items.sum() / secondsTaken)
                + (errors.sum() == 0 ? "" : " (" + errors.sum() + " errors)");
    }

    private static HttpRequest post(String uri, String body) {
        return HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static int send(HttpClient client, HttpRequest req) {
        try {
            return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return 599;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 599;
        }
    }
}
