package dev.depot.server;

import dev.depot.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A collection declared over HTTP: the JSON pointer of the key and the indexes, each a name, a
 * type, a pointer and whether it is unique. Two declarations are the same when these are equal.
 */
record Declaration(String name, String key, List<IndexDecl> indexes) {
    private static final KnownFields DECLARATION = KnownFields.of("name", "key", "indexes");
    private static final KnownFields INDEX = KnownFields.of("name", "type", "pointer", "unique");


    record IndexDecl(String name, String type, String pointer, boolean unique) {}

    static final Map<String, Class<?>> TYPES = Map.of(
            "string", String.class,
            "long", Long.class,
            "double", Double.class,
            "boolean", Boolean.class,
            "instant", Instant.class,
            "uuid", UUID.class);

    /** Parses {@code {"key": "/id", "indexes": [{"name":"score","type":"long","pointer":"/score","unique":false}]}}. */
    static Declaration parse(String name, JsonNode body) {
        DECLARATION.check(body, "collection '" + name + "'");
        JsonNode named = body.get("name"); // a declaration as GET returns it can be PUT back
        if (named != null && !named.isNull() && !(named.isString() && named.asString().equals(name))) {
            throw ProblemException.badRequest("invalid-declaration",
                    "collection '" + name + "': \"name\" differs from the collection in the path");
        }
        JsonNode key = body.get("key");
        if (key == null || !key.isString()) {
            throw ProblemException.badRequest("invalid-declaration",
                    "collection '" + name + "': \"key\" must be a JSON pointer string such as \"/id\"");
        }
        JsonNode list = body.get("indexes");
        java.util.ArrayList<IndexDecl> indexes = new java.util.ArrayList<>();
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw ProblemException.badRequest("invalid-declaration",
                        "collection '" + name + "': \"indexes\" must be an array");
            }
            for (JsonNode i : list) {
                if (i.isObject()) {
                    INDEX.check(i, "collection '" + name + "': indexes[" + indexes.size() + "]");
                }
                String iname = text(name, i, "name");
                String type = text(name, i, "type").toLowerCase(Locale.ROOT);
                if (!TYPES.containsKey(type)) {
                    throw ProblemException.badRequest("invalid-declaration", "collection '" + name + "': index '" + iname
                            + "' has type '" + type + "'; use one of " + new java.util.TreeSet<>(TYPES.keySet()));
                }
                JsonNode unique = i.get("unique");
                if (unique != null && !unique.isBoolean()) {
                    throw ProblemException.badRequest("invalid-declaration",
                            "collection '" + name + "': index '" + iname + "': \"unique\" must be true or false");
                }
                indexes.add(new IndexDecl(iname, type, text(name, i, "pointer"), unique != null && unique.asBoolean()));
            }
        }
        Declaration d = new Declaration(name, key.asString(), List.copyOf(indexes));
        d.schema(); // validates names and pointers now, as a 400
        return d;
    }

    private static String text(String collection, JsonNode index, String field) {
        JsonNode v = index == null ? null : index.get(field);
        if (v == null || !v.isString()) {
            throw ProblemException.badRequest("invalid-declaration",
                    "collection '" + collection + "': every index needs a string \"" + field + "\"");
        }
        return v.asString();
    }

    /** The same declaration under another name (a tenant's stored name, or the name it uses). */
    Declaration withName(String newName) {
        return new Declaration(newName, key, indexes);
    }

    /** The dynamic JSON schema; an invalid name or pointer is an {@link IllegalArgumentException}. */
    Schema<String, JsonNode> schema() {
        Schema.JsonBuilder b = Schema.json(name).key(key);
        for (IndexDecl i : indexes) {
            if (i.unique()) {
                b.uniqueIndex(i.name(), TYPES.get(i.type()), i.pointer());
            } else {
                b.index(i.name(), TYPES.get(i.type()), i.pointer());
            }
        }
        return b.build();
    }
}
