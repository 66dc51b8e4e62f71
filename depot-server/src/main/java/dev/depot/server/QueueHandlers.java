package dev.depot.server;

import dev.depot.BatchResult;
import dev.depot.Capability;
import dev.depot.Depot;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Work queues over HTTP: produce, lease (long poll), complete, retry, extend, dead-letter, stats,
 * inspection of items (the dead letters among them) and options. A lease travels as its
 * {@code {"id", "token"}}; the token fences it exactly as in {@link WorkQueue}.
 *
 * <p>Payloads are JSON values ({@code "payload"}) or bytes ({@code "payloadBase64"}). A leased
 * payload that parses as JSON comes back as {@code "payload"}, any other as {@code "payloadBase64"}.
 */
final class QueueHandlers {
    private static final KnownFields OPTIONS = KnownFields.of("leaseTimeout", "maxAttempts", "deadLetterQueue", "deadRetention");
    private static final KnownFields PRODUCE = KnownFields.of("messages");
    static final KnownFields MESSAGE = KnownFields.of("payload", "payloadBase64", "headers", "dedupKey", "delay", "expireAfter");
    private static final KnownFields LEASE = KnownFields.of("max", "wait", "holder");
    private static final KnownFields COMPLETE = KnownFields.of("leases");
    private static final KnownFields RETRY = KnownFields.of("leases", "delay");
    private static final KnownFields EXTEND = KnownFields.of("lease", "by");
    private static final KnownFields DEAD_LETTER = KnownFields.of("lease", "reason");

    static final int MAX_BATCH = 1000;
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** A lease waits in slices, so that a stopping server answers within a slice. */
    private static final Duration SLICE = Duration.ofMillis(500);

    private final Depot depot;
    private final Bodies bodies;
    private final ObjectMapper json;
    private final BooleanSupplier stopping;
    /** Handles by stored name: options belong to the queue, not the handle, so one handle per queue serves all. */
    private final Map<String, WorkQueue> handles = new ConcurrentHashMap<>();

    QueueHandlers(Depot depot, Bodies bodies, ObjectMapper json, BooleanSupplier stopping) {
        this.depot = depot;
        this.bodies = bodies;
        this.json = json;
        this.stopping = stopping;
    }

    /** Stored names of the queues this server has served, for metrics. */
    Set<String> served() {
        return handles.keySet();
    }

    WorkQueue queue(Context ctx) {
        return queue(Tenant.of(ctx), ctx.pathParam("name"));
    }

    WorkQueue queue(Tenant tenant, String name) {
        if (!depot.capabilities().has(Capability.QUEUES)) {
            throw new ProblemException(501, "not-supported", "Not implemented", "this backend has no queues");
        }
        return handles.computeIfAbsent(tenant.physical("queue", name), depot::queue);
    }

    void configure(Context ctx) {
        Tenant tenant = Tenant.of(ctx);
        String name = ctx.pathParam("name");
        JsonNode body = bodies.object(ctx);
        OPTIONS.check(body, "queue options");
        QueueOptions o = QueueOptions.defaults();
        if (body.has("leaseTimeout")) {
            o = o.withLeaseTimeout(Durations.parse(text(body, "leaseTimeout"), "leaseTimeout", Duration.ofDays(7)));
        }
        if (body.has("maxAttempts")) {
            o = o.maxAttempts(integer(body, "maxAttempts", 1, Integer.MAX_VALUE));
        }
        if (body.hasNonNull("deadLetterQueue")) {
            o = o.deadLetter(tenant.physical("queue", text(body, "deadLetterQueue")));
        }
        if (body.has("deadRetention")) {
            o = o.deadRetention(Durations.parse(text(body, "deadRetention"), "deadRetention", Duration.ofDays(3650)));
        }
        if (!depot.capabilities().has(Capability.QUEUES)) {
            throw new ProblemException(501, "not-supported", "Not implemented", "this backend has no queues");
        }
        String physical = tenant.physical("queue", name);
        handles.put(physical, depot.queue(physical, o));
        ctx.json(options(tenant, o));
    }

    /**
     * Drops the queue: 204 if it existed, 404 if not, 409 ({@code queue-in-use}) while another queue
     * names it as its dead-letter queue. Its items go in every state; leases of them are stale.
     */
    void drop(Context ctx) {
        Tenant tenant = Tenant.of(ctx);
        String name = ctx.pathParam("name");
        if (!depot.capabilities().has(Capability.QUEUES)) {
            throw new ProblemException(501, "not-supported", "Not implemented", "this backend has no queues");
        }
        String physical = tenant.physical("queue", name);
        boolean existed;
        try {
            existed = depot.dropQueue(physical);
        } catch (IllegalStateException e) {
            throw new ProblemException(409, "queue-in-use", "Conflict", e.getMessage());
        }
        handles.remove(physical); // the next request opens it again, as a fresh queue
        if (!existed) {
            throw new ProblemException(404, "not-found", "Not found", "queue " + physical + " does not exist");
        }
        ctx.status(204);
    }

    void describe(Context ctx) {
        ctx.json(options(Tenant.of(ctx), queue(ctx).options()));
    }

    private static Map<String, Object> options(Tenant tenant, QueueOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leaseTimeout", o.leaseTimeout().toMillis() + "ms");
        m.put("maxAttempts", o.maxAttempts());
        m.put("deadLetterQueue", o.deadLetterQueue() == null ? null : tenant.visible(o.deadLetterQueue()));
        m.put("deadRetention", o.deadRetention().toSeconds() + "s");
        return m;
    }

    void produce(Context ctx) {
        WorkQueue q = queue(ctx);
        JsonNode produce = bodies.object(ctx);
        PRODUCE.check(produce, "produce");
        JsonNode list = produce.get("messages");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_BATCH) {
            throw ProblemException.badRequest("invalid-messages", "\"messages\" must be an array of 1 to " + MAX_BATCH + " messages");
        }
        List<Message> messages = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            messages.add(message(list.get(i), "messages[" + i + "]"));
        }
        ctx.status(201);
        bodies.send(ctx, Map.of("ids", q.produce(messages)));
    }

    /** A message from {@code {"payload" | "payloadBase64", "headers", "dedupKey", "delay", "expireAfter"}}. */
    Message message(JsonNode m, String where) {
        if (m == null || !m.isObject()) {
            throw ProblemException.badRequest("invalid-messages", where + " must be an object");
        }
        byte[] payload;
        if (m.isObject()) {
            MESSAGE.check(m, where);
        }
        if (m.has("payload") && m.has("payloadBase64")) {
            throw ProblemException.badRequest("invalid-messages", where + ": give payload or payloadBase64, not both");
        } else if (m.has("payloadBase64")) {
            try {
                payload = Base64.getDecoder().decode(text(m, "payloadBase64", where));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid-messages", where + ".payloadBase64 is not valid base64");
            }
        } else if (m.has("payload")) {
            payload = json.writeValueAsBytes(m.get("payload"));
        } else {
            throw ProblemException.badRequest("invalid-messages", where + " needs a payload (any JSON value) or payloadBase64");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = m.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                throw ProblemException.badRequest("invalid-messages", where + ".headers must be an object of strings");
            }
            for (Map.Entry<String, JsonNode> e : h.properties()) {
                if (!e.getValue().isString()) {
                    throw ProblemException.badRequest("invalid-messages", where + ".headers." + e.getKey() + " must be a string");
                }
                headers.put(e.getKey(), e.getValue().asString());
            }
        }
        try {
            Message message = new Message(payload, headers, null, null, null);
            if (m.hasNonNull("dedupKey")) {
                message = message.dedupKey(text(m, "dedupKey", where));
            }
            if (m.hasNonNull("delay")) {
                Duration delay = Durations.parse(text(m, "delay", where), where + ".delay", Duration.ofDays(365));
                message = message.notBefore(Instant.now().plus(delay)); // the server clock: a depot clock is not exposed
            }
            if (m.hasNonNull("expireAfter")) {
                message = message.expireAfter(Durations.parse(text(m, "expireAfter", where), where + ".expireAfter", Duration.ofDays(365)));
            }
            return message;
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-messages", where + ": " + e.getMessage());
        }
    }

    void lease(Context ctx) {
        WorkQueue q = queue(ctx);
        JsonNode body = bodies.object(ctx);
        LEASE.check(body, "lease");
        int max = body.has("max") ? integer(body, "max", 1, MAX_BATCH) : 1;
        Duration wait = body.has("wait") ? Durations.parse(text(body, "wait"), "wait", MAX_WAIT) : Duration.ZERO;
        String holder = body.hasNonNull("holder") ? text(body, "holder") : "http";
        long deadline = System.nanoTime() + wait.toNanos();
        List<Lease> leases = q.lease(holder, max, Duration.ZERO);
        while (leases.isEmpty() && !stopping.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            leases = q.lease(holder, max, Duration.ofNanos(Math.min(left, SLICE.toNanos())));
        }
        List<Map<String, Object>> out = new ArrayList<>(leases.size());
        for (Lease l : leases) {
            out.add(lease(l));
        }
        bodies.send(ctx, Map.of("leases", out));
    }

    private Map<String, Object> lease(Lease l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("token", l.token());
        m.put("attempt", l.attempt());
        m.put("expiresAt", l.expiresAt().toString());
        putPayload(m, l.payload());
        m.put("headers", l.headers());
        m.put("dedupKey", l.dedupKey());
        return m;
    }

    private void putPayload(Map<String, Object> m, byte[] payload) {
        JsonNode parsed = null;
        if (payload.length > 0) {
            try {
                parsed = json.readTree(payload);
            } catch (JacksonException e) {
                parsed = null;
            }
        }
        if (parsed != null && !parsed.isMissingNode()) {
            m.put("payload", parsed);
        } else {
            m.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
        }
    }

    void complete(Context ctx) {
        WorkQueue q = queue(ctx);
        JsonNode complete = bodies.object(ctx);
        COMPLETE.check(complete, "complete");
        List<Lease> leases = leases(q, complete);
        bodies.send(ctx, result(q.complete(leases)));
    }

    void retry(Context ctx) {
        WorkQueue q = queue(ctx);
        JsonNode body = bodies.object(ctx);
        RETRY.check(body, "retry");
        List<Lease> leases = leases(q, body);
        Duration delay = body.has("delay") ? Durations.parse(text(body, "delay"), "delay", Duration.ofDays(365)) : Duration.ZERO;
        bodies.send(ctx, result(q.retry(leases, delay)));
    }

    void extend(Context ctx) {
        WorkQueue q = queue(ctx);
        JsonNode body = bodies.object(ctx);
        EXTEND.check(body, "extend");
        Lease lease = lease(q, body.get("lease"), "lease");
        Duration by = Durations.parse(body.has("by") ? text(body, "by") : null, "by", Duration.ofDays(7));
        if (by.isZero()) {
            throw ProblemException.badRequest("invalid-by", "by must be a positive duration such as 30s");
        }
        Lease extended = q.extend(lease, by);
        ctx.json(Map.of("id", extended.id(), "token", extended.token(), "expiresAt", extended.expiresAt().toString()));
    }

    void deadLetter(Context ctx) {
        WorkQueue q = queue(ctx);
        JsonNode body = bodies.object(ctx);
        DEAD_LETTER.check(body, "dead-letter");
        Lease lease = lease(q, body.get("lease"), "lease");
        String reason = body.hasNonNull("reason") ? text(body, "reason") : "dead-lettered over HTTP";
        q.deadLetter(lease, reason);
        ctx.status(204);
    }

    void stats(Context ctx) {
        QueueStats s = queue(ctx).stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ready", s.ready());
        m.put("leased", s.leased());
        m.put("scheduled", s.scheduled());
        m.put("dead", s.dead());
        m.put("oldestReadyAgeMillis", s.oldestReadyAge().toMillis());
        m.put("waitingConsumers", s.waitingConsumers());
        ctx.json(m);
    }

    void items(Context ctx) {
        WorkQueue q = queue(ctx);
        String stateRaw = ctx.queryParam("state");
        ItemState state = null;
        if (stateRaw != null && !stateRaw.isBlank()) {
            try {
                state = ItemState.valueOf(stateRaw.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("invalid-state", "state must be ready, scheduled, leased or dead");
            }
        }
        int limit = Limits.parse(ctx.queryParam("limit"), 100, MAX_BATCH);
        Page<QueueItem> page;
        try {
            page = q.list(state, limit, ctx.queryParam("cursor"));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("bad-cursor", "cursor must be the nextCursor a previous page returned");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        Tenant tenant = Tenant.of(ctx);
        for (QueueItem i : page.items()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", i.id());
            m.put("state", i.state().name().toLowerCase(Locale.ROOT));
            m.put("attempts", i.attempts());
            m.put("producedAt", text(i.producedAt()));
            m.put("readyAt", text(i.readyAt()));
            m.put("leaseExpiresAt", text(i.leaseExpiresAt()));
            m.put("deadReason", i.deadReason());
            m.put("deadFrom", i.deadFrom() == null ? null : tenant.visible(i.deadFrom()));
            putPayload(m, i.payload());
            m.put("headers", i.headers());
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("nextCursor", page.nextCursor());
        ctx.json(out);
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }

    private List<Lease> leases(WorkQueue q, JsonNode body) {
        JsonNode list = body.get("leases");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_BATCH) {
            throw ProblemException.badRequest("invalid-leases", "\"leases\" must be an array of 1 to " + MAX_BATCH
                    + " objects {\"id\", \"token\"}");
        }
        List<Lease> leases = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            leases.add(lease(q, list.get(i), "leases[" + i + "]"));
        }
        return leases;
    }

    /** A lease rebuilt from its id and token: all that settling reads (the token fences it). */
    static Lease lease(WorkQueue q, JsonNode node, String where) {
        if (node == null || !node.isObject() || !node.path("id").isString() || !node.path("token").isString()) {
            throw ProblemException.badRequest("invalid-leases", where + " must be an object {\"id\", \"token\"} as leasing returned it");
        }
        return new Lease(q.name(), node.get("id").asString(), node.get("token").asString(), new byte[0], Map.of(), null,
                0, null, null, Instant.EPOCH, null, List.of());
    }

    private static Map<String, Object> result(BatchResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", r.applied().stream().map(Lease::id).toList());
        m.put("stale", r.stale().stream().map(Lease::id).toList());
        return m;
    }

    private static String text(JsonNode body, String field) {
        return text(body, field, null);
    }

    private static String text(JsonNode body, String field, String where) {
        JsonNode v = body.get(field);
        if (v == null || !v.isString()) {
            throw ProblemException.badRequest("invalid-request", (where == null ? "" : where + ".") + field + " must be a string");
        }
        return v.asString();
    }

    private static int integer(JsonNode body, String field, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ProblemException.badRequest("invalid-request", field + " must be an integer from " + min + " to " + max);
        }
        return v.asInt();
    }
}
