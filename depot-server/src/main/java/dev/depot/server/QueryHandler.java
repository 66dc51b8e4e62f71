package dev.depot.server;

import dev.depot.Condition;
import dev.depot.Direction;
import dev.depot.Explanation;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/collections/{name}/query}: conditions on declared indexes (the elements of
 * {@code where} all hold; an element may be {@code {"or": [...]}}, {@code {"and": [...]}} or {@code
 * {"not": {...}}}, as {@link Q#or}, {@link Q#and} and {@link Q#not}), ordering, a limit and a cursor,
 * answered as {@code {"items": [...], "nextCursor": ...}}; with {@code "explain": true}, the plan
 * instead ({@link Query#explain()}): the same on every backend.
 *
 * <pre>{"where": [{"or": [{"field": "name", "op": "eq", "value": "ann"}, {"field": "score", "op": "ge", "value": 90}]}],
 *  "orderBy": [{"field": "score", "direction": "desc"}], "limit": 20, "cursor": "..."}</pre>
 */
final class QueryHandler {
    private static final KnownFields BODY = KnownFields.of("where", "orderBy", "limit", "cursor", "explain");
    private static final KnownFields CONDITION = KnownFields.of("field", "op", "value", "values");
    private static final KnownFields OR = KnownFields.of("or");
    private static final KnownFields AND = KnownFields.of("and");
    private static final KnownFields NOT = KnownFields.of("not");
    /** Bounds on a request's condition tree: deeper or larger ones are refused, not planned. */
    static final int MAX_DEPTH = 16;
    static final int MAX_CONDITIONS = 256;
    private static final KnownFields ORDER = KnownFields.of("field", "direction");

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final Collections collections;
    private final Bodies bodies;

    QueryHandler(Collections collections, Bodies bodies) {
        this.collections = collections;
        this.bodies = bodies;
    }

    void query(Context ctx) {
        String collection = ctx.pathParam("name");
        Records<String, JsonNode> records = collections.require(Tenant.of(ctx), collection).records();
        JsonNode body = bodies.object(ctx);
        BODY.check(body, "query");
        Query<JsonNode> q;
        try {
            q = conditions(records.query(), body);
        } catch (IllegalArgumentException e) {
            // Undeclared fields and values that do not fit the index type: the message names them.
            throw bad(e.getMessage());
        }
        JsonNode explain = body.get("explain");
        if (explain != null && !explain.isNull() && !explain.isBoolean()) {
            throw bad("explain must be true or false");
        }
        if (explain != null && explain.asBoolean()) {
            ctx.json(explanation(q.explain()));
            return;
        }
        JsonNode cursor = body.get("cursor");
        if (cursor != null && !cursor.isNull()) {
            if (!cursor.isString()) {
                throw ProblemException.badRequest("bad-cursor", "cursor must be the string a previous page returned");
            }
            try {
                q = q.after(cursor.asString());
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("bad-cursor", e.getMessage());
            }
        }
        Page<JsonNode> page;
        try {
            page = q.page();
        } catch (IllegalArgumentException e) {
            // Cursors are checked against the query when the page is read.
            throw ProblemException.badRequest(cursor != null && !cursor.isNull() ? "bad-cursor" : "invalid-query", e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", page.items());
        out.put("nextCursor", page.nextCursor());
        ctx.json(out);
    }

    private static Map<String, Object> explanation(Explanation e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ranges", e.ranges().stream().map(r -> Map.of("index", r.index(), "interval", r.interval())).toList());
        out.put("scans", e.scans());
        out.put("order", e.order().name().toLowerCase(Locale.ROOT));
        return out;
    }

    private static Query<JsonNode> conditions(Query<JsonNode> q, JsonNode body) {
        int[] count = {0};
        for (JsonNode c : array(body, "where")) {
            q = q.where(condition(c, "where", 1, count));
        }
        for (JsonNode o : array(body, "orderBy")) {
            ORDER.check(o, "orderBy");
            String field = string(o, "field", "orderBy");
            JsonNode dir = o.get("direction");
            Direction direction = Direction.ASC;
            if (dir != null) {
                String d = dir.isString() ? dir.asString().toUpperCase(Locale.ROOT) : "";
                if (!d.equals("ASC") && !d.equals("DESC")) {
                    throw bad("orderBy on '" + field + "': direction must be \"asc\" or \"desc\"");
                }
                direction = Direction.valueOf(d);
            }
            q = q.orderBy(field, direction);
        }
        int limit = DEFAULT_LIMIT;
        JsonNode l = body.get("limit");
        if (l != null && !l.isNull()) {
            if (!l.isIntegralNumber() || !l.canConvertToLong() || l.asLong() < 1 || l.asLong() > MAX_LIMIT) {
                throw bad("limit must be an integer from 1 to " + MAX_LIMIT);
            }
            limit = l.asInt();
        }
        return q.limit(limit);
    }

    /**
     * One element of a condition tree: a comparison, or {@code or}/{@code and} of two or more
     * elements, or {@code not} of one; {@code path} names it in errors ({@code where[0].or[1]}).
     */
    private static Condition condition(JsonNode c, String path, int depth, int[] count) {
        if (depth > MAX_DEPTH) {
            throw bad(path + ": conditions nest at most " + MAX_DEPTH + " deep");
        }
        if (++count[0] > MAX_CONDITIONS) {
            throw bad("a query has at most " + MAX_CONDITIONS + " conditions");
        }
        boolean comparison = c.has("field") || c.has("op"); // then "or", "and", "not" beside it are strays
        if (!comparison && (c.has("or") || c.has("and"))) {
            String kind = c.has("or") ? "or" : "and";
            (kind.equals("or") ? OR : AND).check(c, path);
            List<JsonNode> parts = array(c, kind);
            if (parts.size() < 2) {
                throw bad(path + ": \"" + kind + "\" needs an array of at least two conditions");
            }
            Condition[] out = new Condition[parts.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = condition(parts.get(i), path + "." + kind + "[" + i + "]", depth + 1, count);
            }
            return kind.equals("or") ? Q.or(out) : Q.and(out);
        }
        if (!comparison && c.has("not")) {
            NOT.check(c, path);
            JsonNode inner = c.get("not");
            if (!inner.isObject()) {
                throw bad(path + ": \"not\" needs a condition object");
            }
            return Q.not(condition(inner, path + ".not", depth + 1, count));
        }
        CONDITION.check(c, path);
        return comparison(c);
    }

    private static Condition comparison(JsonNode c) {
        String field = string(c, "field", "where");
        String op = string(c, "op", "where").toLowerCase(Locale.ROOT);
        Q.Field<Object> f = Q.field(field);
        return switch (op) {
            case "eq" -> f.eq(value(c, field, op));
            case "lt" -> f.lt(value(c, field, op));
            case "le" -> f.le(value(c, field, op));
            case "gt" -> f.gt(value(c, field, op));
            case "ge" -> f.ge(value(c, field, op));
            case "startswith", "starts_with" -> {
                Object v = value(c, field, op);
                if (!(v instanceof String s)) {
                    throw bad("where on '" + field + "': startsWith needs a string value");
                }
                yield f.startsWith(s);
            }
            case "in" -> f.in(values(c, field, op, -1));
            case "between" -> {
                List<Object> v = values(c, field, op, 2);
                yield f.between(v.get(0), v.get(1));
            }
            case "isnull", "is_null" -> f.isNull();
            case "isnotnull", "is_not_null" -> f.isNotNull();
            default -> throw bad("where on '" + field + "': unknown op '" + op
                    + "'; use eq, lt, le, gt, ge, in, between, startsWith, isNull or isNotNull");
        };
    }

    private static Object value(JsonNode c, String field, String op) {
        JsonNode v = c.get("value");
        if (v == null || v.isNull()) {
            throw bad("where on '" + field + "': " + op + " needs a non-null \"value\" (use isNull for null)");
        }
        return scalar(v, field);
    }

    private static List<Object> values(JsonNode c, String field, String op, int exactly) {
        JsonNode v = c.get("values");
        if (v == null || !v.isArray() || v.isEmpty() || (exactly > 0 && v.size() != exactly)) {
            throw bad("where on '" + field + "': " + op + " needs \"values\", an array of "
                    + (exactly > 0 ? exactly : "at least one") + " non-null values");
        }
        List<Object> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (e.isNull()) {
                throw bad("where on '" + field + "': " + op + " values must not be null");
            }
            out.add(scalar(e, field));
        }
        return out;
    }

    private static Object scalar(JsonNode v, String field) {
        if (v.isString()) {
            return v.asString();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        throw bad("where on '" + field + "': values must be strings, numbers or booleans");
    }

    private static List<JsonNode> array(JsonNode body, String name) {
        JsonNode a = body.get(name);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw bad("\"" + name + "\" must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isObject()) {
                throw bad("every element of \"" + name + "\" must be an object");
            }
            out.add(e);
        }
        return out;
    }

    private static String string(JsonNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || !v.isString()) {
            throw bad("every element of \"" + where + "\" needs a string \"" + field + "\"");
        }
        return v.asString();
    }

    private static ProblemException bad(String detail) {
        return ProblemException.badRequest("invalid-query", detail);
    }
}
