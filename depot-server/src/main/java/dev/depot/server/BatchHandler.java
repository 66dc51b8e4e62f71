package dev.depot.server;

import dev.depot.Capability;
import dev.depot.Depot;
import dev.depot.NotFoundException;
import dev.depot.Records;
import dev.depot.Transaction;
import dev.depot.VersionConflictException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/batch}: up to {@value #MAX_OPERATIONS} operations in one transaction, all applied
 * or none. Operations: {@code put} (a record; {@code "ifVersion": n} updates only at version n,
 * {@code "ifAbsent": true} only creates), {@code delete} (optionally {@code ifVersion}), and on
 * backends with queues {@code produce} and {@code complete}. A refused operation is a problem
 * document whose detail starts with {@code operations[i]}; a lost race at commit is 409.
 */
final class BatchHandler {
    private static final KnownFields BODY = KnownFields.of("operations");
    private static final KnownFields PUT = KnownFields.of("op", "collection", "value", "ifVersion", "ifAbsent");
    private static final KnownFields DELETE = KnownFields.of("op", "collection", "key", "ifVersion");
    private static final KnownFields PRODUCE = KnownFields.of("op", "queue", "message");
    private static final KnownFields COMPLETE = KnownFields.of("op", "queue", "lease");

    static final int MAX_OPERATIONS = 1000;

    private final Depot depot;
    private final Collections collections;
    private final QueueHandlers queues;
    private final Bodies bodies;

    BatchHandler(Depot depot, Collections collections, QueueHandlers queues, Bodies bodies) {
        this.depot = depot;
        this.collections = collections;
        this.queues = queues;
        this.bodies = bodies;
    }

    void batch(Context ctx) {
        if (!depot.capabilities().has(Capability.TRANSACTIONS)) {
            throw new ProblemException(501, "not-supported", "Not implemented", "this backend has no transactions");
        }
        Tenant tenant = Tenant.of(ctx);
        JsonNode body = bodies.object(ctx);
        BODY.check(body, "batch");
        JsonNode ops = body.get("operations");
        if (ops == null || !ops.isArray() || ops.isEmpty() || ops.size() > MAX_OPERATIONS) {
            throw ProblemException.badRequest("invalid-batch", "\"operations\" must be an array of 1 to " + MAX_OPERATIONS + " operations");
        }
        List<Map<String, Object>> results = depot.transact(tx -> {
            List<Map<String, Object>> out = new ArrayList<>(ops.size());
            for (int i = 0; i < ops.size(); i++) {
                String where = "operations[" + i + "]";
                try {
                    out.add(apply(tx, tenant, ops.get(i), where));
                } catch (RuntimeException e) {
                    ProblemException p = Problems.classify(e);
                    if (p == null) {
                        throw e;
                    }
                    throw new ProblemException(p.status(), p.type(), p.title(), where + ": " + p.getMessage());
                }
            }
            return out;
        });
        ctx.json(Map.of("results", results));
    }

    private Map<String, Object> apply(Transaction tx, Tenant tenant, JsonNode op, String where) {
        if (op == null || !op.isObject() || !op.path("op").isString()) {
            throw ProblemException.badRequest("invalid-batch", "each operation must be an object with \"op\": put, delete, produce or complete");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        switch (op.get("op").asString()) {
            case "put" -> {
                PUT.check(op, "a put");
                Records<String, JsonNode> records = records(tx, tenant, op);
                JsonNode value = op.get("value");
                if (value == null || !value.isObject()) {
                    throw ProblemException.badRequest("invalid-batch", "\"value\" must be a JSON object");
                }
                long ifVersion = version(op);
                boolean ifAbsent = op.path("ifAbsent").asBoolean(false);
                long version;
                try {
                    if (ifAbsent) {
                        version = records.insert(value);
                    } else if (ifVersion > 0) {
                        version = records.update(value, ifVersion);
                    } else {
                        version = records.save(value);
                    }
                } catch (NotFoundException | VersionConflictException e) {
                    throw new ProblemException(412, "stale-version", "Precondition failed",
                            "the record is absent or not at version " + ifVersion);
                }
                out.put("key", records.schema().keyOf(value));
                out.put("version", version);
            }
            case "delete" -> {
                DELETE.check(op, "a delete");
                Records<String, JsonNode> records = records(tx, tenant, op);
                if (!op.path("key").isString()) {
                    throw ProblemException.badRequest("invalid-batch", "\"key\" must be a string");
                }
                String key = op.get("key").asString();
                long ifVersion = version(op);
                boolean deleted;
                try {
                    deleted = ifVersion > 0 ? records.delete(key, ifVersion) : records.delete(key);
                } catch (VersionConflictException e) {
                    throw new ProblemException(412, "stale-version", "Precondition failed", "the record is not at version " + ifVersion);
                }
                if (!deleted && ifVersion > 0) {
                    throw new ProblemException(412, "stale-version", "Precondition failed", "the record is absent (ifVersion)");
                }
                out.put("key", key);
                out.put("deleted", deleted);
            }
            case "produce" -> {
                PRODUCE.check(op, "a produce");
                String queue = queueName(op);
                queues.queue(tenant, queue); // 501 without queues; makes the queue known
                tx.queue(tenant.physical("queue", queue)).produce(queues.message(op.get("message"), "message"));
                out.put("queue", queue);
            }
            case "complete" -> {
                COMPLETE.check(op, "a complete");
                String queue = queueName(op);
                var q = queues.queue(tenant, queue);
                tx.queue(q.name()).complete(QueueHandlers.lease(q, op.get("lease"), "lease"));
                out.put("queue", queue);
            }
            default -> throw ProblemException.badRequest("invalid-batch", "\"op\" must be put, delete, produce or complete");
        }
        return out;
    }

    private Records<String, JsonNode> records(Transaction tx, Tenant tenant, JsonNode op) {
        if (!op.path("collection").isString()) {
            throw ProblemException.badRequest("invalid-batch", "\"collection\" must be a string");
        }
        return tx.records(collections.require(tenant, op.get("collection").asString()).records().schema());
    }

    private static String queueName(JsonNode op) {
        if (!op.path("queue").isString()) {
            throw ProblemException.badRequest("invalid-batch", "\"queue\" must be a string");
        }
        return op.get("queue").asString();
    }

    private static long version(JsonNode op) {
        JsonNode v = op.get("ifVersion");
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) { // a BigInteger has no asLong: 400, not 500
            throw ProblemException.badRequest("invalid-batch", "\"ifVersion\" must be a version number >= 1");
        }
        return v.asLong();
    }
}
