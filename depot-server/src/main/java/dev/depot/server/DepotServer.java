package dev.depot.server;

import dev.depot.Depot;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves a {@link Depot} over HTTP/JSON: collections with dynamic JSON schemas, record CRUD with
 * versions as ETags, queries with cursor paging, the change feed (long poll and Server-Sent Events)
 * and health checks. Every refusal is an RFC 9457 problem document and writes nothing. The server
 * holds no state of its own beyond a cache of collection declarations, which live in the depot.
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
        this.app = Javalin.create(c -> {
            configure(c, json);
            c.routes.exception(Exception.class, problems::handle);
            c.routes.error(404, ctx -> unmatched(ctx, problems, 404));
            c.routes.error(405, ctx -> unmatched(ctx, problems, 405));
            route(c, HandlerType.GET, "/health/live", health::live, problems);
            route(c, HandlerType.GET, "/health/ready", health::ready, problems);
            route(c, HandlerType.GET, "/v1/collections", records::list, problems);
            route(c, HandlerType.PUT, "/v1/collections/{name}", records::declare, problems);
            route(c, HandlerType.GET, "/v1/collections/{name}", records::describe, problems);
            route(c, HandlerType.GET, "/v1/collections/{name}/records/{key}", records::get, problems);
            route(c, HandlerType.PUT, "/v1/collections/{name}/records/{key}", records::put, problems);
            route(c, HandlerType.DELETE, "/v1/collections/{name}/records/{key}", records::delete, problems);
            route(c, HandlerType.POST, "/v1/collections/{name}/query", query::query, problems);
            route(c, HandlerType.GET, "/v1/changes", feed::poll, problems);
            route(c, HandlerType.GET, "/v1/changes/stream", feed::stream, problems);
        });
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
        c.concurrency.useVirtualThreads = true;
        c.http.maxRequestSize = config.maxBodyBytes();
        c.http.generateEtags = false;
        c.jsonMapper(new JacksonMapper(json));
        // Our count ends when a handler returns; Jetty's graceful handler also waits for the
        // response to be written before the connector closes.
        c.jetty.modifyServer(server -> {
            server.setStopTimeout(Math.max(1, config.stopTimeout().toMillis()));
            GracefulHandler graceful = new GracefulHandler();
            graceful.setHandler(server.getHandler());
            server.setHandler(graceful);
        });
        // Method, route template, status and time: never a path (it carries keys), a body or a header.
        c.requestLogger.http((ctx, ms) -> ACCESS.info("{} {} {} {}ms",
                ctx.method(), Routes.template(ctx), ctx.statusCode(), Math.round(ms)));
    }

    private void route(JavalinConfig c, HandlerType method, String path, Handler handler, Problems problems) {
        c.routes.addHttpHandler(method, path, ctx -> {
            ctx.attribute(Routes.TEMPLATE, path);
            inFlight.incrementAndGet();
            try {
                if (stopping) {
                    problems.write(ctx, 503, "stopping", "Service unavailable", "the server is stopping");
                    return;
                }
                handler.handle(ctx);
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private static void unmatched(Context ctx, Problems problems, int status) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith("application/problem+json")) {
            return; // a handler's own 404 (unknown collection or record) already says what is missing
        }
        problems.write(ctx, status, status == 404 ? "no-route" : "method-not-allowed",
                status == 404 ? "Not found" : "Method not allowed",
                "no route " + ctx.method() + " for this path; see docs/CONTRACT.md, section Server (HTTP)");
    }
}
