package dev.depot;

import java.util.List;

/** Extracts and normalises a value's index values, naming the index when one is invalid. */
final class RecordIndexes {
    private RecordIndexes() {}

    static <V> Object[] extract(Schema<?, V> schema, V value) {
        List<Schema.IndexDefinition<V>> defs = schema.indexDefinitions();
        Object[] out = new Object[defs.size()];
        for (int i = 0; i < out.length; i++) {
            Schema.IndexDefinition<V> d = defs.get(i);
            try {
                out[i] = d.type().coerce(d.extractor().apply(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(schema.name() + ": " + d.describe() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
