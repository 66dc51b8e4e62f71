package dev.depot;

import dev.depot.spi.IndexType;
import java.util.List;

/** Extracts and normalises a value's index values, naming the index when one is invalid. */
final class RecordIndexes {
    private RecordIndexes() {}

    /**
     * The index values of {@code value}, each checked by its type, and their String values together
     * within {@link IndexType#MAX_STRING_BYTES_PER_RECORD}; an error names the collection (the index,
     * or the key when the total is too large) and never a value.
     */
    static <V> Object[] extract(Schema<?, V> schema, Object storedKey, V value) {
        List<Schema.IndexDefinition<V>> defs = schema.indexDefinitions();
        Object[] out = new Object[defs.size()];
        long stringBytes = 0;
        for (int i = 0; i < out.length; i++) {
            Schema.IndexDefinition<V> d = defs.get(i);
            try {
                out[i] = d.type().coerce(d.extractor().apply(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(schema.name() + ": " + d.describe() + ": " + e.getMessage(), e);
            }
            if (out[i] instanceof String s) {
                stringBytes += 3L * s.length(); // at most 3 UTF-8 bytes a char: counted exactly only when that may pass the limit
            }
        }
        if (stringBytes > IndexType.MAX_STRING_BYTES_PER_RECORD) {
            stringBytes = 0;
            for (Object v : out) {
                if (v instanceof String s) {
                    stringBytes += dev.depot.spi.CodePoints.utf8Length(s);
                }
            }
        }
        if (stringBytes > IndexType.MAX_STRING_BYTES_PER_RECORD) {
            throw new IllegalArgumentException(Documents.where(schema, storedKey) + ": the record's String index values hold "
                    + stringBytes + " UTF-8 bytes together, more than the limit of " + IndexType.MAX_STRING_BYTES_PER_RECORD
                    + " (IndexType.MAX_STRING_BYTES_PER_RECORD)");
        }
        return out;
    }
}
