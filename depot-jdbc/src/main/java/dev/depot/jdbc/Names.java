package dev.depot.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * SQL identifiers for Depot's tables, columns and indexes. Every identifier is lowercase
 * {@code [a-z0-9_]}, at most 60 characters (PostgreSQL truncates at 63, MariaDB refuses above 64)
 * and needs no quoting on any database. Names that would be too long or are not plain get a hash
 * suffix, so two distinct inputs never share an identifier.
 */
final class Names {
    private static final Pattern PLAIN = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final int MAX = 60;

    private Names() {}

    /** The table of a collection, e.g. {@code depot_c_players}. */
    static String table(String prefix, String collection) {
        String plain = prefix + "c_" + collection;
        if (plain.length() <= MAX) {
            return plain;
        }
        return plain.substring(0, MAX - 9) + "_" + hash(collection);
    }

    /** The column holding an index's values, e.g. {@code x_score}. */
    static String column(String indexName) {
        if (PLAIN.matcher(indexName).matches()) {
            return "x_" + indexName;
        }
        String cleaned = indexName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (cleaned.length() > 30) {
            cleaned = cleaned.substring(0, 30);
        }
        return "x_" + cleaned + "_" + hash(indexName);
    }

    /** The SQL index on a column; schema-wide unique on PostgreSQL, H2 and SQLite. */
    static String index(String prefix, String table, String column) {
        return prefix + "i_" + hash(table + "." + column);
    }

    private static String hash(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
