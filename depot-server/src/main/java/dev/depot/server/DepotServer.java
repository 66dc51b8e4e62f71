package dev.depot.server;

import dev.depot.Depot;
import dev.depot.Schema;
import tools.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves a {@link Depot} over HTTP/JSON: collections with dynamic JSON schemas, record CRUD with
 * versions as ETags, queries with cursor paging, atomic batches, streamed blobs, work queues, the
 * change feed (long poll and Server-Sent Events), health checks, Prometheus metrics and an OpenAPI
 * document. Tenants ({@code X-Depot-Tenant}) never see each other's data; with {@link ApiKeys}
 * every request needs a key whose role and tenants cover it. Every refusal is an RFC 9457 problem
 * document and writes nothing. The server holds no state of its own beyond a cache of collection
 * declarations, which live in the depot.
 *
 * <p>{@link #close()} stops gracefully: new requests get 503, in-flight ones (long polls and event
 * streams end early) finish within {@link ServerConfig#stopTimeout()}. The depot is not closed: it
 * belongs to the caller.
 */
public final class DepotServer implements AutoCloseable {
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.depot.server.access");
    private static final Logger LOG = LoggerFactory.getLogger(DepotServer.class);

    private final ServerConfig config;
    private final Javalin app;
    private final Metrics metrics;
    private final List<Route> routes;
    private final byte[] openApi;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;
    private final Object lock = new Object();
    private boolean stopped;

    private DepotServer(Depot depot, ServerConfig config) {
        this.config = config;
        ObjectMapper json = JsonMapper.builder().build();
        Problems problems = new Problems(json);
        Bodies bodies = new Bodies(json, config.maxBodyBytes());
        Collections collections = new Collections(depot, json);
        RecordHandlers records = new RecordHandlers(collections, bodies, json);
        QueryHandler query = new QueryHandler(collections, bodies);
        FeedHandlers feed = new FeedHandlers(depot.changes(), json, () -> stopping);
        HealthHandlers health = new HealthHandlers(depot, () -> stopping);
        BlobHandlers blobs = new BlobHandlers(depot, config.maxBlobBytes());
        QueueHandlers queues = new QueueHandlers(depot, bodies, json, () -> stopping);
        BatchHandler batch = new BatchHandler(depot, collections, queues, bodies);
        Access access = new Access(config.apiKeys());
        RebindingGuard rebinding = RebindingGuard.of(config);
        this.metrics = new Metrics(depot, queues::served);
        List<Route> table = new ArrayList<>();
        table.add(new Route(HandlerType.GET, "/health/live", null, false, "health", "the process answers", health::live));
        table.add(new Route(HandlerType.GET, "/health/ready", null, false, "health", "the backend answers", health::ready));
        table.add(new Route(HandlerType.GET, "/openapi.json", null, false, "meta", "this document", this::openApi));
        table.add(new Route(HandlerType.GET, "/metrics", Role.ADMIN, true, "meta", "Prometheus metrics", metrics::serve));
        table.add(new Route(HandlerType.GET, "/v1/collections", Role.READ, false, "records", "list the declared collections", records::list));
        table.add(new Route(HandlerType.PUT, "/v1/collections/{name}", Role.ADMIN, false, "records", "declare a collection", records::declare));
        table.add(new Route(HandlerType.GET, "/v1/collections/{name}", Role.READ, false, "records", "a collection's declaration", records::describe));
        table.add(new Route(HandlerType.GET, "/v1/collections/{name}/records/{key}", Role.READ, false, "records", "read a record", records::get));
        table.add(new Route(HandlerType.PUT, "/v1/collections/{name}/records/{key}", Role.WRITE, false, "records", "save a record", records::put));
        table.add(new Route(HandlerType.DELETE, "/v1/collections/{name}/records/{key}", Role.WRITE, false, "records", "delete a record", records::delete));
        table.add(new Route(HandlerType.POST, "/v1/collections/{name}/query", Role.READ, false, "records", "query by indexes, paged", query::query));
        table.add(new Route(HandlerType.POST, "/v1/batch", Role.WRITE, false, "records", "several writes in one transaction", batch::batch));
        table.add(new Route(HandlerType.GET, "/v1/changes", Role.READ, false, "changes", "change feed, long poll", feed::poll,
                List.of("after", "limit", "wait")));
        table.add(new Route(HandlerType.GET, "/v1/changes/stream", Role.READ, false, "changes", "change feed, Server-Sent Events", feed::stream,
                List.of("after")));
        table.add(new Route(HandlerType.GET, "/v1/blobs/{bucket}", Role.READ, false, "blobs", "list blobs by prefix, paged", blobs::list,
                List.of("prefix", "delimiter", "after", "limit")));
        table.add(new Route(HandlerType.PUT, "/v1/blobs/{bucket}/<path>", Role.WRITE, false, "blobs", "write a blob (streamed)", blobs::put));
        table.add(new Route(HandlerType.GET, "/v1/blobs/{bucket}/<path>", Role.READ, false, "blobs", "read a blob (streamed, Range)", blobs::get));
        table.add(new Route(HandlerType.HEAD, "/v1/blobs/{bucket}/<path>", Role.READ, false, "blobs", "a blob's headers", blobs::head));
        table.add(new Route(HandlerType.DELETE, "/v1/blobs/{bucket}/<path>", Role.WRITE, false, "blobs", "delete a blob", blobs::delete));
        table.add(new Route(HandlerType.PUT, "/v1/queues/{name}", Role.ADMIN, false, "queues", "set a queue's options", queues::configure));
        table.add(new Route(HandlerType.GET, "/v1/queues/{name}", Role.READ, false, "queues", "a queue's options", queues::describe));
        table.add(new Route(HandlerType.DELETE, "/v1/queues/{name}", Role.ADMIN, false, "queues", "drop a queue and its items", queues::drop));
        table.add(new Route(HandlerType.POST, "/v1/queues/{name}/messages", Role.WRITE, false, "queues", "produce 1 to 1000 items", queues::produce));
        table.add(new Route(HandlerType.POST, "/v1/queues/{name}/leases", Role.WRITE, false, "queues", "lease items, long poll", queues::lease));
        table.add(new Route(HandlerType.POST, "/v1/queues/{name}/complete", Role.WRITE, false, "queues", "complete leases (ack)", queues::complete));
        table.add(new Route(HandlerType.POST, "/v1/queues/{name}/retry", Role.WRITE, false, "queues", "retry leases (nack)", queues::retry));
        table.add(new Route(HandlerType.POST, "/v1/queues/{name}/extend", Role.WRITE, false, "queues", "extend a lease", queues::extend));
        table.add(new Route(HandlerType.POST, "/v1/queues/{name}/dead-letter", Role.WRITE, false, "queues", "dead-letter a leased item", queues::deadLetter));
        table.add(new Route(HandlerType.GET, "/v1/queues/{name}/stats", Role.READ, false, "queues", "counts per state", queues::stats));
        table.add(new Route(HandlerType.GET, "/v1/queues/{name}/items", Role.READ, false, "queues", "items by state (dead letters), paged", queues::items,
                List.of("state", "limit", "cursor")));
        this.routes = List.copyOf(table);
        this.openApi = OpenApi.render(routes, version(), json);
        this.app = Javalin.create(c -> {
            configure(c, json);
            c.routes.exception(Exception.class, problems::handle);
            c.routes.error(404, ctx -> unmatched(ctx, problems, 404));
            c.routes.error(405, ctx -> unmatched(ctx, problems, 405));
            // A method the path does not have is 405 with Allow, not 404 "no route" (the path exists).
            c.http.prefer405over404 = true;
            for (Route r : routes) {
                route(c, r, rebinding, access, problems);
            }
        });
    }

    private void openApi(Context ctx) {
        ctx.contentType("application/json").result(openApi);
    }

    private static String version() {
        String v = DepotServer.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** The routes served, in registration order; what the OpenAPI test compares with the document. */
    List<Route> routes() {
        return routes;
    }

    /** Starts a server over {@code depot}; returns once it listens. */
    public static DepotServer start(Depot depot, ServerConfig config) {
        Objects.requireNonNull(depot, "depot");
        Objects.requireNonNull(config, "config");
        DepotServer server = new DepotServer(depot, config);
        server.app.start(config.host(), config.port());
        LOG.info("depot server listening on {}", server.url());
        return server;
    }

    /**
     * The schemas of every collection declared over HTTP in {@code depot} (all tenants, stored
     * names), the server's own catalog first: what a copy of a served depot must carry so that a
     * server on the copy knows the same collections.
     */
    public static List<Schema<String, JsonNode>> declaredSchemas(Depot depot) {
        Collections c = new Collections(depot, JsonMapper.builder().build());
        List<Schema<String, JsonNode>> out = new ArrayList<>();
        out.add(Collections.CATALOG_SCHEMA);
        for (Declaration d : c.stored()) {
            out.add(d.schema());
        }
        return out;
    }

    /** The port it listens on (the chosen one when configured with 0). */
    public int port() {
        return app.port();
    }

    /** Requests being handled now; for tests of graceful stopping. */
    int inFlight() {
        return inFlight.get();
    }

    /** {@code http://host:port}, with loopback for a wildcard host. */
    public String url() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port();
    }

    /** Stops gracefully (see the class comment). Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        stopping = true;
        long deadline = System.nanoTime() + config.stopTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warn("stopping with {} request(s) still in flight after {}", inFlight.get(), config.stopTimeout());
        }
        try {
            app.stop();
        } catch (RuntimeException e) {
            // Jetty waits stopTimeout for idle keep-alive connections to close, then closes them,
            // finishes stopping and reports the timeout: the server is stopped either way.
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
            LOG.debug("idle connections were closed at the stop timeout");
        }
    }

    private void configure(JavalinConfig c, ObjectMapper json) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        // Jetty's own pool does the I/O (selectors, parsing, writing) on platform threads and runs each
        // request's handler on a virtual thread, so long polls and event streams hold no platform
        // thread. Javalin's useVirtualThreads instead runs everything, selector tasks included, on
        // new virtual threads (a thread start per I/O event).
        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("depot-http");
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("depot-request-", 0).factory()));
        c.jetty.threadPool = pool;
        c.http.maxRequestSize = config.maxBodyBytes();
        c.http.generateEtags = false;
        c.jsonMapper(new JacksonMapper(json));
        // Our count ends when a handler returns; Jetty's graceful handler also waits for the
        // response to be written before the connector closes.
        c.jetty.modifyServer(server -> {
            server.setStopTimeout(Math.max(1, config.stopTimeout().toMillis()));
            server.setErrorHandler(new HttpErrors());
            GracefulHandler graceful = new GracefulHandler();
            graceful.setHandler(server.getHandler());
            server.setHandler(graceful);
        });
        c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new HttpErrors())); // what fails in the servlet layer (a path not UTF-8)
        // Method, route template, status and time: never a path (it carries keys), a body or a header.
        // Metrics take the same labels, so a key in a path never becomes a label either.
        c.requestLogger.http((ctx, ms) -> {
            metrics.record(ctx.method().name(), Routes.template(ctx), ctx.statusCode(), ms);
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info("{} {} {} {}ms", ctx.method(), Routes.template(ctx), ctx.statusCode(), Math.round(ms));
            }
        });
    }

    private void route(JavalinConfig c, Route route, RebindingGuard rebinding, Access access, Problems problems) {
        c.routes.addHttpHandler(route.method(), route.path(), ctx -> {
            ctx.attribute(Routes.TEMPLATE, route.path());
            inFlight.incrementAndGet();
            try {
                if (stopping) {
                    problems.write(ctx, 503, "stopping", "Service unavailable", "the server is stopping");
                    return;
                }
                rebinding.check(ctx);
                access.check(ctx, route);
                queryParametersOnce(ctx);
                knownQueryParameters(ctx, route);
                route.handler().handle(ctx);
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private void unmatched(Context ctx, Problems problems, int status) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith("application/problem+json")) {
            return; // a handler's own 404 (unknown collection or record) already says what is missing
        }
        if (status == 405) {
            java.util.Set<String> allowed = new java.util.TreeSet<>();
            for (Route r : routes) {
                if (r.matches(ctx.path())) {
                    allowed.add(r.method().name());
                    if (r.method() == HandlerType.GET) {
                        allowed.add("HEAD");
                    }
                }
            }
            ctx.header("Allow", String.join(", ", allowed));
            problems.write(ctx, 405, "method-not-allowed", "Method not allowed", "this path has no route " + ctx.method()
                    + "; it allows " + String.join(", ", allowed) + " (see docs/CONTRACT.md, section Server (HTTP))");
            return;
        }
        problems.write(ctx, status, "no-route", "Not found",
                "no route " + ctx.method() + " for this path; see docs/CONTRACT.md, section Server (HTTP)");
    }

    /**
     * Refuses a query parameter the route does not read, as request bodies refuse unknown members: a
     * misspelt {@code ?prefx=} or {@code ?limt=} would otherwise be ignored and list everything.
     */
    private static void knownQueryParameters(Context ctx, Route route) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!route.queryParameters().contains(name)) {
                boolean plain = name.length() <= 64 && name.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f);
                throw ProblemException.badRequest("unknown-parameter", (plain ? "unknown query parameter '" + name + "'"
                        : "an unknown query parameter") + "; " + (route.queryParameters().isEmpty() ? "this route takes none"
                        : "expected " + String.join(", ", route.queryParameters())));
            }
        }
    }

    /**
     * Refuses a query parameter given twice ({@code ?limit=1&limit=100000}): the server read the
     * first, a proxy or the client's own check may have read the other.
     */
    private static void queryParametersOnce(Context ctx) {
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (e.getValue().size() > 1) {
                String name = e.getKey();
                boolean plain = name.length() <= 64 && name.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f);
                throw ProblemException.badRequest("duplicate-parameter", (plain ? "query parameter '" + name + "'" : "a query parameter")
                        + " is given " + e.getValue().size() + " times; give it once");
            }
        }
    }
}
