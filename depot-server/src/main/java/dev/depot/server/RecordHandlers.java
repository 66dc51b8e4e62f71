package dev.depot.server;

import dev.depot.AlreadyExistsException;
import dev.depot.NotFoundException;
import dev.depot.Records;
import dev.depot.VersionConflictException;
import dev.depot.Versioned;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Declaring collections and the CRUD of their records, with versions as ETags. */
final class RecordHandlers {
    private final Collections collections;
    private final Bodies bodies;
    private final ObjectMapper json;

    RecordHandlers(Collections collections, Bodies bodies, ObjectMapper json) {
        this.collections = collections;
        this.bodies = bodies;
        this.json = json;
    }

    void declare(Context ctx) {
        String name = ctx.pathParam("name");
        Declaration d = Declaration.parse(name, bodies.object(ctx));
        boolean created = collections.declare(Tenant.of(ctx), d);
        ctx.status(created ? 201 : 200).json(d);
    }

    void describe(Context ctx) {
        Tenant tenant = Tenant.of(ctx);
        ctx.json(collections.require(tenant, ctx.pathParam("name")).declaration().withName(ctx.pathParam("name")));
    }

    void list(Context ctx) {
        ctx.json(Map.of("collections", collections.all(Tenant.of(ctx))));
    }

    void get(Context ctx) {
        Records<String, JsonNode> records = collections.require(Tenant.of(ctx), ctx.pathParam("name")).records();
        String key = ctx.pathParam("key");
        Versioned<JsonNode> v = records.getVersioned(key).orElseThrow(() -> missing(ctx, key));
        String etag = Etags.of(v.version());
        ctx.header("ETag", etag);
        String inm = ctx.header("If-None-Match");
        if (inm != null && Etags.noneMatchHits(inm, Long.toString(v.version()))) {
            ctx.status(304);
            return;
        }
        ctx.contentType("application/json").result(json.writeValueAsBytes(v.value()));
    }

    void put(Context ctx) {
        String collection = ctx.pathParam("name");
        Records<String, JsonNode> records = collections.require(Tenant.of(ctx), collection).records();
        String key = ctx.pathParam("key");
        JsonNode value = bodies.object(ctx);
        String bodyKey = records.schema().keyOf(value);
        if (!bodyKey.equals(key)) {
            throw ProblemException.badRequest("key-mismatch", "collection '" + collection
                    + "': the key in the body (at " + collections.require(Tenant.of(ctx), collection).declaration().key()
                    + ") differs from the key in the path");
        }
        String ifMatch = ctx.header("If-Match");
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifMatch != null && ifNoneMatch != null) {
            throw ProblemException.badRequest("invalid-precondition", "If-Match and If-None-Match cannot be combined");
        }
        long version;
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw ProblemException.badRequest("invalid-precondition",
                        "If-None-Match on PUT supports only '*' (create only)");
            }
            try {
                version = records.insert(value);
            } catch (AlreadyExistsException e) {
                throw stale("collection '" + collection + "': the record exists (If-None-Match: *)");
            }
        } else if (ifMatch != null) {
            version = updateMatching(records, collection, value, ifMatch);
        } else {
            version = records.save(value);
        }
        ctx.header("ETag", Etags.of(version));
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("key", key);
        out.put("version", version);
        ctx.status(version == 1 ? 201 : 200);
        bodies.send(ctx, out);
    }

    private long updateMatching(Records<String, JsonNode> records, String collection, JsonNode value, String ifMatch) {
        try {
            if (ifMatch.trim().equals("*")) {
                return records.update(value);
            }
            return records.update(value, matched(records, collection, records.schema().keyOf(value), ifMatch));
        } catch (NotFoundException e) {
            throw stale("collection '" + collection + "': the record does not exist (If-Match)");
        } catch (VersionConflictException e) {
            throw stale("collection '" + collection + "': the record is not at the version If-Match names");
        }
    }

    /**
     * The version to write at for an {@code If-Match} other than {@code *}: the one it names, or, for a
     * list ({@code "3", "5"}: RFC 9110, any may match), the record's current version if the list holds
     * it — the write is then conditional on that version, so a change in between still fails it.
     */
    private static long matched(Records<String, JsonNode> records, String collection, String key, String ifMatch) {
        List<Long> named = Etags.versions(ifMatch);
        if (named.isEmpty()) {
            throw stale("collection '" + collection + "': If-Match names no version");
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        long current = records.getVersioned(key)
                .orElseThrow(() -> stale("collection '" + collection + "': the record does not exist (If-Match)"))
                .version();
        if (!named.contains(current)) {
            throw stale("collection '" + collection + "': the record is not at a version If-Match names");
        }
        return current;
    }

    void delete(Context ctx) {
        String collection = ctx.pathParam("name");
        Records<String, JsonNode> records = collections.require(Tenant.of(ctx), collection).records();
        String key = ctx.pathParam("key");
        String ifMatch = ctx.header("If-Match");
        boolean deleted;
        if (ifMatch == null || ifMatch.trim().equals("*")) {
            deleted = records.delete(key);
            if (!deleted && ifMatch != null) {
                throw stale("collection '" + collection + "': the record does not exist (If-Match)");
            }
        } else {
            try {
                deleted = records.delete(key, matched(records, collection, key, ifMatch));
            } catch (VersionConflictException e) {
                throw stale("collection '" + collection + "': the record is not at the version If-Match names");
            }
            if (!deleted) {
                throw stale("collection '" + collection + "': the record does not exist (If-Match)");
            }
        }
        if (!deleted) {
            throw missing(ctx, key);
        }
        ctx.status(204);
    }

    private static ProblemException stale(String detail) {
        return new ProblemException(412, "stale-version", "Precondition failed", detail);
    }

    private static ProblemException missing(Context ctx, String key) {
        return ProblemException.notFound("record-not-found",
                "collection '" + ctx.pathParam("name") + "' has no record with that key");
    }

}
