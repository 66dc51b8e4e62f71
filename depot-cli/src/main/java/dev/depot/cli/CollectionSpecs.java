package dev.depot.cli;

import dev.depot.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The collections {@code depot schema} prints DDL for, one per line, in a format that needs no parser
 * library:
 *
 * <pre>
 * # collection  key-type  index:type[:unique] ...
 * players uuid name:string email:string:unique score:long
 * orders  long customer:uuid placed:instant
 * </pre>
 *
 * Key types are {@code string}, {@code long} and {@code uuid}; index types {@code string},
 * {@code long}, {@code double}, {@code boolean}, {@code instant} and {@code uuid} (an {@code int} or
 * enum index in Java is a {@code long} or {@code string} one here). The DDL depends on nothing else:
 * how keys and index values are taken from a value lives in the application's code. {@code #} starts
 * a comment; blank lines are skipped. A mistake names the source, the line and what was wrong.
 */
final class CollectionSpecs {
    static final Map<String, Class<?>> KEY_TYPES = Map.of("string", String.class, "long", Long.class, "uuid", UUID.class);
    static final Map<String, Class<?>> INDEX_TYPES = Map.of("string", String.class, "long", Long.class, "double", Double.class,
            "boolean", Boolean.class, "instant", Instant.class, "uuid", UUID.class);

    private CollectionSpecs() {}

    /** The schemas of every collection line in {@code text}; {@code source} names it in errors. */
    static List<Schema<?, ?>> parse(String source, String text) {
        List<Schema<?, ?>> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int n = 0;
        for (String raw : text.split("\r?\n", -1)) {
            n++;
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + " line " + n;
            Schema<?, ?> schema = line(where, line);
            if (!names.add(schema.name())) {
                throw new IllegalArgumentException(where + ": collection '" + schema.name() + "' is given twice");
            }
            out.add(schema);
        }
        return out;
    }

    /** One collection line: {@code NAME KEYTYPE [INDEX:TYPE[:unique]]...}. */
    static Schema<?, ?> line(String where, String line) {
        String[] words = line.strip().split("\\s+");
        if (words.length < 2) {
            throw new IllegalArgumentException(where + ": expected 'collection key-type [index:type[:unique]]...', got '" + line + "'");
        }
        String name = words[0];
        Class<?> keyType = KEY_TYPES.get(words[1].toLowerCase(Locale.ROOT));
        if (keyType == null) {
            throw new IllegalArgumentException(where + ": collection '" + name + "' has key type '" + words[1] + "'; use one of "
                    + new TreeSet<>(KEY_TYPES.keySet()));
        }
        try {
            return build(where, name, keyType, words);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) {
                throw e;
            }
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static <K> Schema<K, Object> build(String where, String name, Class<K> keyType, String[] words) {
        // The extractors are never called: only names, types and uniqueness reach the DDL.
        Schema.Builder<K, Object> b = Schema.of(name, keyType, Object.class).key(v -> null);
        for (int i = 2; i < words.length; i++) {
            String[] parts = words[i].split(":", -1);
            boolean unique = parts.length == 3 && parts[2].equalsIgnoreCase("unique");
            if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !unique)) {
                throw new IllegalArgumentException(where + ": collection '" + name + "': '" + words[i]
                        + "' is not an index; write name:type or name:type:unique");
            }
            Class<?> type = INDEX_TYPES.get(parts[1].toLowerCase(Locale.ROOT));
            if (type == null) {
                throw new IllegalArgumentException(where + ": collection '" + name + "': index '" + parts[0] + "' has type '"
                        + parts[1] + "'; use one of " + new TreeSet<>(INDEX_TYPES.keySet()));
            }
            if (unique) {
                b.uniqueIndex(parts[0], type, v -> null);
            } else {
                b.index(parts[0], type, v -> null);
            }
        }
        return b.build();
    }
}
