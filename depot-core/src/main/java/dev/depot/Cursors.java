package dev.depot;

import dev.depot.spi.IndexType;
import dev.depot.spi.QueryPlan;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Opaque keyset cursors. A cursor records the order it belongs to (index name, direction), the
 * order value and the key of the last item, as base64url JSON. The format is the same on every
 * backend, so a cursor survives a change of backend.
 */
final class Cursors {
    private static final int FORMAT = 1;
    private final Schema<?, ?> schema;

    Cursors(Schema<?, ?> schema) {
        this.schema = schema;
    }

    String encode(int orderIndex, boolean descending, Object orderValue, Object key) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.add(FORMAT);
        a.add(orderIndex == QueryPlan.KEY_ORDER ? "" : schema.spec().index(orderIndex).name());
        a.add(descending ? "d" : "a");
        if (orderValue == null) {
            a.addNull();
        } else {
            switch (schema.spec().index(orderIndex).type()) {
                case LONG -> a.add((Long) orderValue);
                case DOUBLE -> a.add((Double) orderValue);
                case BOOLEAN -> a.add((Boolean) orderValue);
                default -> a.add(orderValue.toString());
            }
        }
        a.add(schema.spec().keyType().text(key));
        byte[] json = JsonCodec.MAPPER.writeValueAsBytes(a);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
    }

    QueryPlan.Bound decode(String cursor, int orderIndex, boolean descending) {
        JsonNode a;
        try {
            a = JsonCodec.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor.getBytes(StandardCharsets.US_ASCII)));
        } catch (RuntimeException e) {
            throw invalid("it is not a cursor this library produced");
        }
        if (!a.isArray() || a.size() != 5 || a.get(0).asInt() != FORMAT) {
            throw invalid("it is not a cursor this library produced");
        }
        String order = orderIndex == QueryPlan.KEY_ORDER ? "" : schema.spec().index(orderIndex).name();
        if (!a.get(1).asString().equals(order) || !a.get(2).asString().equals(descending ? "d" : "a")) {
            throw invalid("it belongs to a query with another order");
        }
        // A cursor is user input: its order value and key must pass the rules real values and keys
        // pass, or a forged one would reach the database (PostgreSQL rejects NUL with SQLSTATE 22021).
        try {
            Object value = null;
            JsonNode v = a.get(3);
            if (!v.isNull()) {
                if (orderIndex == QueryPlan.KEY_ORDER) {
                    throw invalid("it carries an order value for key order");
                }
                IndexType type = schema.spec().index(orderIndex).type();
                value = switch (type) {
                    case LONG -> v.isIntegralNumber() && v.canConvertToLong() ? v.asLong() : null;
                    case DOUBLE -> v.isNumber() ? type.coerce(v.asDouble()) : infinity(v);
                    case BOOLEAN -> v.isBoolean() ? v.asBoolean() : null;
                    default -> v.isString() ? type.coerce(v.asString()) : null;
                };
                if (value == null) {
                    throw invalid("its values do not fit this collection");
                }
            }
            JsonNode k = a.get(4);
            if (!k.isString()) {
                throw invalid("its values do not fit this collection");
            }
            Object key = schema.spec().keyType().parse(k.asString());
            schema.keys().checkStored(key);
            return new QueryPlan.Bound(value, key);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(schema.name() + ": invalid cursor")) {
                throw e;
            }
            throw invalid("its values do not fit this collection");
        }
    }

    /** JSON has no infinities; Jackson writes them as the strings "Infinity" and "-Infinity". */
    private static Double infinity(JsonNode v) {
        if (!v.isString()) {
            return null;
        }
        return switch (v.asString()) {
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    private IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException(schema.name() + ": invalid cursor: " + why);
    }
}
