package dev.depot.server;

import dev.depot.BucketStats;
import dev.depot.Depot;
import dev.depot.DepotStats;
import dev.depot.QueueStats;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} in the Prometheus text exposition format (version 0.0.4): a latency histogram
 * per method, route template and status (requests counted by its {@code _count}), and gauges of
 * what the depot holds: records per collection, retained change events, blobs per bucket and items
 * per state of the queues this server has served. Written by hand: a few counters do not justify a
 * metrics library in the server.
 */
final class Metrics {
    static final double[] BOUNDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    record Key(String method, String route, int status) {}

    static final class Series {
        final LongAdder[] buckets = new LongAdder[BOUNDS.length];
        final LongAdder count = new LongAdder();
        final LongAdder sumMicros = new LongAdder();

        Series() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }
    }

    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    private final Depot depot;
    private final Supplier<Iterable<String>> queues;

    Metrics(Depot depot, Supplier<Iterable<String>> queues) {
        this.depot = depot;
        this.queues = queues;
    }

    void record(String method, String route, int status, double millis) {
        Series s = series.computeIfAbsent(new Key(method, route, status), k -> new Series());
        double seconds = millis / 1000.0;
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds <= BOUNDS[i]) {
                s.buckets[i].increment(); // cumulative at export
                break;
            }
        }
        s.count.increment();
        s.sumMicros.add(Math.round(millis * 1000));
    }

    void serve(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        ctx.result(render().getBytes(StandardCharsets.UTF_8));
    }

    String render() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP depot_http_request_duration_seconds Time to answer HTTP requests, by method, route template and status.\n");
        sb.append("# TYPE depot_http_request_duration_seconds histogram\n");
        Map<String, Series> sorted = new TreeMap<>();
        series.forEach((k, s) -> sorted.put("method=\"" + k.method() + "\",route=\"" + escape(k.route()) + "\",status=\""
                + k.status() + "\"", s));
        sorted.forEach((labels, s) -> {
            long cumulative = 0;
            for (int i = 0; i < BOUNDS.length; i++) {
                cumulative += s.buckets[i].sum();
                sb.append("depot_http_request_duration_seconds_bucket{").append(labels).append(",le=\"").append(BOUNDS[i])
                        .append("\"} ").append(cumulative).append('\n');
            }
            long count = s.count.sum();
            sb.append("depot_http_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(count).append('\n');
            sb.append("depot_http_request_duration_seconds_sum{").append(labels).append("} ").append(s.sumMicros.sum() / 1e6).append('\n');
            sb.append("depot_http_request_duration_seconds_count{").append(labels).append("} ").append(count).append('\n');
        });
        DepotStats stats = depot.stats();
        sb.append("# HELP depot_records Records per collection (stored names, tenant prefix included).\n");
        sb.append("# TYPE depot_records gauge\n");
        new TreeMap<>(stats.records()).forEach((c, n) ->
                sb.append("depot_records{collection=\"").append(escape(c)).append("\"} ").append(n).append('\n'));
        sb.append("# HELP depot_change_events Change events retained.\n# TYPE depot_change_events gauge\n");
        sb.append("depot_change_events ").append(stats.changeEvents()).append('\n');
        if (stats.approximateHeapBytes() >= 0) {
            sb.append("# HELP depot_heap_bytes Heap held by the data (memory backend).\n# TYPE depot_heap_bytes gauge\n");
            sb.append("depot_heap_bytes ").append(stats.approximateHeapBytes()).append('\n');
        }
        sb.append("# HELP depot_blobs Blobs per bucket.\n# TYPE depot_blobs gauge\n");
        Map<String, BucketStats> buckets = new TreeMap<>(stats.blobs());
        buckets.forEach((b, s) -> sb.append("depot_blobs{bucket=\"").append(escape(b)).append("\"} ").append(s.blobs()).append('\n'));
        sb.append("# HELP depot_blob_bytes Blob content bytes per bucket.\n# TYPE depot_blob_bytes gauge\n");
        buckets.forEach((b, s) -> sb.append("depot_blob_bytes{bucket=\"").append(escape(b)).append("\"} ").append(s.bytes()).append('\n'));
        sb.append("# HELP depot_queue_items Items per state of the queues this server has served.\n# TYPE depot_queue_items gauge\n");
        Map<String, QueueStats> qs = new TreeMap<>();
        for (String q : queues.get()) {
            qs.put(q, depot.queue(q).stats());
        }
        qs.forEach((q, s) -> {
            String l = "depot_queue_items{queue=\"" + escape(q) + "\",state=\"";
            sb.append(l).append("ready\"} ").append(s.ready()).append('\n');
            sb.append(l).append("leased\"} ").append(s.leased()).append('\n');
            sb.append(l).append("scheduled\"} ").append(s.scheduled()).append('\n');
            sb.append(l).append("dead\"} ").append(s.dead()).append('\n');
        });
        return sb.toString();
    }

    static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
