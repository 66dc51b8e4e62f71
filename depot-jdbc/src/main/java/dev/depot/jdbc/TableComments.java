package dev.depot.jdbc;

import dev.depot.spi.IndexSpec;
import dev.depot.spi.KeyType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Depot says in the database's own comments about the tables it keeps: for a DBA reading the
 * schema without Depot's documentation. Texts quote collection and index names (never values), cut
 * to fit MariaDB's comment limits (1024 characters per column).
 */
final class TableComments {
    private static final int MAX_NAME = 200;

    private TableComments() {}

    static String collection(String collection) {
        return "Depot collection '" + cut(collection) + "': one row per record. Written only through Depot"
                + " (versions, stamps and index columns must stay consistent); read freely.";
    }

    /** Comments of the key, version and stamp columns (the document's are its {@link DocFormat}'s). */
    static Map<String, String> baseColumns(KeyType keyType) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("k", "The record key (" + keyType + ").");
        out.put("ver", "The record version: 1 when inserted, one more per write.");
        out.put("s", "The stamp of the commit that last wrote the row (Depot's first-committer-wins check).");
        return out;
    }

    /** The comment of an index column. */
    static String index(IndexSpec index) {
        return "Depot index '" + cut(index.name()) + "' (" + index.type() + (index.unique() ? ", unique" : "")
                + "): the value the schema extracts from doc; NULL when the record has none.";
    }

    private static String cut(String name) {
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME) + "...";
    }
}
