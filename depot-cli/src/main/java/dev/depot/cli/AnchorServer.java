package dev.depot.cli;

import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The anchor of the HTTP benchmarks: a bare Javalin server with Javalin's default configuration
 * (platform threads, no access log, no metrics, no tenants) answering the benchmarked Depot routes
 * with the same bytes from a {@link ConcurrentHashMap} and a {@link LinkedBlockingQueue}. It parses
 * JSON bodies as Depot does (any JSON API must), so Depot ÷ anchor is the price of Depot's server
 * work on top of what the machine, Jetty and Jackson cost for the same exchange.
 *
 * <ul>
 * <li>{@code GET /v1/collections/{c}/records/{k}}: the stored body with an {@code ETag}, or 404;
 * <li>{@code PUT} there: parses the body, stores its bytes, answers {@code {"key", "version"}};
 * <li>{@code POST /v1/queues/{q}/messages}: parses {@code {"messages": [{"payload"}]}}, queues the
 *     payloads, answers {@code {"ids": [...]}};
 * <li>{@code POST /v1/queues/{q}/leases}: takes up to {@code max} items, answers {@code {"leases":
 *     [{"id", "token", "payload"}]}};
 * <li>{@code POST /v1/queues/{q}/complete}: removes the named leases, answers {@code {"applied", "stale"}}.
 * </ul>
 * One queue for every name: an anchor, not a server.
 */
public final class AnchorServer implements AutoCloseable {
    private record Item(String id, byte[] payload) {}

    private final ObjectMapper json = JsonMapper.builder().build();
    private final Map<String, byte[]> records = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final LinkedBlockingQueue<Item> ready = new LinkedBlockingQueue<>();
    private final Map<String, Item> leased = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Javalin app;

    private AnchorServer() {
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.routes.get("/v1/collections/{name}/records/{key}", ctx -> {
                byte[] body = records.get(ctx.pathParam("key"));
                if (body == null) {
                    ctx.status(404);
                    return;
                }
                ctx.header("ETag", "\"1\"");
                ctx.contentType("application/json").result(body);
            });
            c.routes.put("/v1/collections/{name}/records/{key}", ctx -> {
                byte[] body = ctx.bodyAsBytes();
                json.readTree(body);
                records.put(ctx.pathParam("key"), body);
                long version = versions.incrementAndGet();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("key", ctx.pathParam("key"));
                out.put("version", version);
                ctx.header("ETag", "\"" + version + "\"");
                ctx.contentType("application/json").result(json.writeValueAsBytes(out));
            });
            c.routes.post("/v1/queues/{name}/messages", ctx -> {
                List<String> out = new ArrayList<>();
                for (JsonNode m : json.readTree(ctx.bodyAsBytes()).get("messages")) {
                    Item item = new Item(Long.toString(ids.incrementAndGet()), json.writeValueAsBytes(m.get("payload")));
                    ready.add(item);
                    out.add(item.id());
                }
                ctx.status(201).contentType("application/json").result(json.writeValueAsBytes(Map.of("ids", out)));
            });
            c.routes.post("/v1/queues/{name}/leases", ctx -> {
                int max = json.readTree(ctx.bodyAsBytes()).path("max").asInt(1);
                List<Item> items = new ArrayList<>(max);
                ready.drainTo(items, max);
                List<Map<String, Object>> out = new ArrayList<>(items.size());
                for (Item item : items) {
                    leased.put(item.id(), item);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", item.id());
                    m.put("token", item.id());
                    m.put("payload", json.readTree(item.payload()));
                    out.add(m);
                }
                ctx.contentType("application/json").result(json.writeValueAsBytes(Map.of("leases", out)));
            });
            c.routes.post("/v1/queues/{name}/complete", ctx -> {
                List<String> applied = new ArrayList<>();
                List<String> stale = new ArrayList<>();
                for (JsonNode l : json.readTree(ctx.bodyAsBytes()).get("leases")) {
                    String id = l.get("id").asString();
                    (leased.remove(id) != null ? applied : stale).add(id);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("applied", applied);
                out.put("stale", stale);
                ctx.contentType("application/json").result(json.writeValueAsBytes(out));
            });
        });
    }

    /** Starts the anchor on {@code 127.0.0.1} and a free port. */
    public static AnchorServer start() {
        AnchorServer server = new AnchorServer();
        server.app.start("127.0.0.1", 0);
        return server;
    }

    /** Empties the queue (ready and leased items), as a benchmark does between iterations. */
    public void clearQueue() {
        ready.clear();
        leased.clear();
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
