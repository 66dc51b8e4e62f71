package dev.depot.jdbc;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Everything a transaction wrote, per collection, in first-write order. Used by one thread. */
final class Overlay {
    private final Map<String, TableOverlay> tables = new LinkedHashMap<>();

    TableOverlay of(Table t) {
        TableOverlay o = tables.get(t.spec.name());
        if (o == null) {
            o = new TableOverlay(t);
            tables.put(t.spec.name(), o);
        } else if (o.table != t) {
            // Index positions of the writes so far would no longer match the table.
            throw new IllegalStateException("collection '" + t.spec.name()
                    + "' was redeclared with other indexes during this transaction");
        }
        return o;
    }

    /** The collection's part, or null if the transaction has not touched it. */
    TableOverlay peek(Table t) {
        TableOverlay o = tables.get(t.spec.name());
        return o == null || o.isEmpty() ? null : o;
    }

    Collection<TableOverlay> tables() {
        return tables.values();
    }
}
