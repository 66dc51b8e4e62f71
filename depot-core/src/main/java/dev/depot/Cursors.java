package dev.depot;

import dev.depot.spi.IndexType;
import dev.depot.spi.QueryPlan;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.CRC32C;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Opaque keyset cursors. A cursor records the collection and the order it belongs to (index name,
 * direction), the order value and the key of the last item, as a JSON array followed by the CRC-32C
 * of its bytes, in base64url. The format is the same on every backend, so a cursor survives a change
 * of backend. A cursor of another collection, or one damaged in transit (a character changed, cut
 * short), is refused as invalid rather than taken as another position, which would skip rows. The
 * checksum is not a signature: a cursor is user input, and its values are checked like any other.
 */
final class Cursors {
    private static final int FORMAT = 2;
    private static final int CHECK_BYTES = 4;
    private final Schema<?, ?> schema;

    Cursors(Schema<?, ?> schema) {
        this.schema = schema;
    }

    String encode(int orderIndex, boolean descending, Object orderValue, Object key) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.add(FORMAT);
        a.add(schema.name());
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
        byte[] out = Arrays.copyOf(json, json.length + CHECK_BYTES);
        ByteBuffer.wrap(out, json.length, CHECK_BYTES).putInt(check(json, json.length));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** CRC-32C of the first {@code length} bytes. */
    static int check(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    QueryPlan.Bound decode(String cursor, int orderIndex, boolean descending) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor.getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            throw invalid("it is not a cursor this library produced");
        }
        int length = raw.length - CHECK_BYTES;
        if (length <= 0 || ByteBuffer.wrap(raw, length, CHECK_BYTES).getInt() != check(raw, length)) {
            throw invalid("it is not a cursor this library produced, or it was changed");
        }
        JsonNode a;
        try {
            a = JsonCodec.MAPPER.readTree(Arrays.copyOf(raw, length));
        } catch (RuntimeException e) {
            throw invalid("it is not a cursor this library produced");
        }
        if (!a.isArray() || a.size() != 6 || !a.get(0).isInt() || a.get(0).intValue() != FORMAT
                || !a.get(1).isString() || !a.get(2).isString() || !a.get(3).isString()) {
            throw invalid("it is not a cursor this library produced");
        }
        if (!a.get(1).stringValue().equals(schema.name())) {
            throw invalid("it belongs to another collection");
        }
        String order = orderIndex == QueryPlan.KEY_ORDER ? "" : schema.spec().index(orderIndex).name();
        if (!a.get(2).stringValue().equals(order) || !a.get(3).stringValue().equals(descending ? "d" : "a")) {
            throw invalid("it belongs to a query with another order");
        }
        JsonNode v = a.get(4);
        if (!v.isNull() && orderIndex == QueryPlan.KEY_ORDER) {
            throw invalid("it carries an order value for key order");
        }
        // A cursor is user input: its order value and key must pass the rules real values and keys
        // pass, or a forged one would reach the database (PostgreSQL rejects NUL with SQLSTATE 22021).
        Object value;
        Object key;
        try {
            value = v.isNull() ? null : orderValue(schema.spec().index(orderIndex).type(), v);
            key = keyOf(a.get(5));
        } catch (IllegalArgumentException e) {
            value = null;
            key = null;
        }
        if ((value == null && !v.isNull()) || key == null) {
            throw invalid("its values do not fit this collection");
        }
        return new QueryPlan.Bound(value, key);
    }

    /** The order value in its normalised form, checked like a query value; null if it has the wrong JSON type. */
    private static Object orderValue(IndexType type, JsonNode v) {
        return switch (type) {
            case LONG -> v.isIntegralNumber() && v.canConvertToLong() ? v.asLong() : null;
            case DOUBLE -> v.isNumber() ? type.coerce(v.asDouble()) : infinity(v);
            case BOOLEAN -> v.isBoolean() ? v.booleanValue() : null;
            default -> v.isString() ? type.coerce(v.stringValue()) : null;
        };
    }

    /** The normalised key, checked like a key given to any call; null if it is not text. */
    private Object keyOf(JsonNode k) {
        if (!k.isString()) {
            return null;
        }
        Object key = schema.spec().keyType().parse(k.stringValue());
        schema.keys().checkStored(key);
        return key;
    }

    /** JSON has no infinities; Jackson writes them as the strings "Infinity" and "-Infinity". */
    private static Double infinity(JsonNode v) {
        if (!v.isString()) {
            return null;
        }
        return switch (v.stringValue()) {
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    private IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException(schema.name() + ": invalid cursor: " + why);
    }
}
