package dev.depot;

import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;

/** Extraction of keys and index values from JSON documents by JSON pointer. */
final class JsonPointers {
    private JsonPointers() {}

    static void validate(String pointer) {
        if (pointer == null || !pointer.startsWith("/")) {
            throw new IllegalArgumentException("JSON pointer must start with '/': " + pointer);
        }
        JsonPointer.compile(pointer);
    }

    static String keyAt(String collection, JsonNode node, String pointer) {
        JsonNode v = node.at(pointer);
        if (v.isString() || v.isNumber()) {
            return v.asString();
        }
        throw new IllegalArgumentException(collection + ": document has no text or number key at " + pointer);
    }

    /** The scalar at {@code pointer} as a Java value (String, Long, Double, Boolean), or null. */
    static Object valueAt(JsonNode node, String pointer) {
        JsonNode v = node.at(pointer);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        throw new IllegalArgumentException("value at " + pointer + " is not a scalar");
    }
}
