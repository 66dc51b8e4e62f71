package dev.depot.server;

import dev.depot.ChangeEvent;
import dev.depot.ChangeFeed;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.ObjectMapper;

/**
 * The change feed over HTTP: a long poll ({@code GET /v1/changes?after=N&wait=10s}) and a stream of
 * Server-Sent Events ({@code GET /v1/changes/stream}) whose event ids are sequences, so a client
 * that reconnects with {@code Last-Event-ID} resumes exactly after the last event it saw.
 *
 * <p>Waiting is polling {@link ChangeFeed#lastSequence()} with a growing pause (10 ms to 200 ms):
 * simple and backend-neutral; a shared notifier is left for later.
 */
final class FeedHandlers {
    static final int MAX_LIMIT = 1000;
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final ChangeFeed feed;
    private final ObjectMapper json;
    private final BooleanSupplier stopping;

    FeedHandlers(ChangeFeed feed, ObjectMapper json, BooleanSupplier stopping) {
        this.feed = feed;
        this.json = json;
        this.stopping = stopping;
    }

    void poll(Context ctx) throws InterruptedException {
        Tenant tenant = Tenant.of(ctx);
        long after = sequence(ctx.queryParam("after"), "after");
        int limit = Limits.parse(ctx.queryParam("limit"), MAX_LIMIT, MAX_LIMIT);
        Duration wait = wait(ctx.queryParam("wait"));
        long deadline = System.nanoTime() + wait.toNanos();
        List<Map<String, Object>> events = new java.util.ArrayList<>();
        long last = scan(tenant, after, limit, events);
        long pause = 10;
        while (events.isEmpty() && System.nanoTime() < deadline && !stopping.getAsBoolean()) {
            Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            pause = Math.min(pause * 2, 200);
            if (feed.lastSequence() > last) {
                last = scan(tenant, last, limit, events);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", events);
        out.put("last", last);
        ctx.json(out);
    }

    /**
     * Adds up to {@code limit} of the tenant's events after {@code after} to {@code into} (under the
     * names it uses) and returns the last sequence read: other tenants' events and the server's own
     * move the position on without being shown. It reads on past them until {@code limit} events are
     * shown or the feed ends, but reads at most {@link #SCAN_PAGES} pages per call, so that a tenant
     * with few events among many others' gets a short (even empty) page with {@code last} moved on,
     * not a long request.
     */
    private long scan(Tenant tenant, long after, int limit, List<Map<String, Object>> into) {
        long last = after;
        for (int page = 0; page < SCAN_PAGES && into.size() < limit; page++) {
            int want = limit - into.size();
            List<ChangeEvent> read = feed.since(last, want);
            for (ChangeEvent e : read) {
                last = e.sequence();
                if (tenant.owns(e.collection())) {
                    into.add(event(e, tenant.visible(e.collection())));
                }
            }
            if (read.size() < want) {
                break; // the end of the feed
            }
        }
        return last;
    }

    /** Pages of other tenants' events one request reads past at most. */
    private static final int SCAN_PAGES = 16;

    void stream(Context ctx) throws IOException, InterruptedException {
        Tenant tenant = Tenant.of(ctx);
        String lastEventId = ctx.header("Last-Event-ID");
        long after = lastEventId != null && !lastEventId.isBlank()
                ? sequence(lastEventId.trim(), "Last-Event-ID")
                : sequence(ctx.queryParam("after"), "after");
        ctx.status(200);
        ctx.contentType("text/event-stream");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        write(out, "retry: 1000\n\n");
        long lastWrite = System.nanoTime();
        long pause = 10;
        while (!stopping.getAsBoolean()) {
            List<ChangeEvent> events = feed.since(after, MAX_LIMIT);
            if (!events.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                for (ChangeEvent e : events) {
                    after = e.sequence();
                    if (tenant.owns(e.collection())) {
                        sb.append("id: ").append(e.sequence()).append('\n')
                                .append("event: change\n")
                                .append("data: ").append(json.writeValueAsString(event(e, tenant.visible(e.collection()))))
                                .append("\n\n");
                    }
                }
                if (sb.isEmpty()) {
                    continue;
                }
                write(out, sb.toString());
                lastWrite = System.nanoTime();
                pause = 10;
                continue;
            }
            if (System.nanoTime() - lastWrite > KEEP_ALIVE.toNanos()) {
                write(out, ": keep-alive\n\n"); // also how a closed client is noticed
                lastWrite = System.nanoTime();
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 200);
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static Map<String, Object> event(ChangeEvent e, String collection) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sequence", e.sequence());
        m.put("collection", collection);
        m.put("key", e.key());
        m.put("op", e.op().name().toLowerCase(java.util.Locale.ROOT));
        m.put("version", e.version());
        m.put("time", e.time().toString());
        m.put("origin", e.origin());
        return m;
    }

    private static long sequence(String raw, String name) {
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("invalid-feed-position", name + " must be a sequence number >= 0");
        }
    }

    /** {@code 10s}, {@code 500ms} or a number of seconds; at most {@link #MAX_WAIT}. */
    static Duration wait(String raw) {
        return Durations.parse(raw, "wait", MAX_WAIT);
    }
}
