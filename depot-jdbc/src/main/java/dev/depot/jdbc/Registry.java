package dev.depot.jdbc;

import dev.depot.spi.IndexSpec;
import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry table: per collection its table, key type and stored indexes (name, type,
 * uniqueness, column, SQL index), one index per line. It is what schema evolution compares
 * declarations with, and it says which collection owns which table.
 */
final class Registry {
    /**
     * A collection as stored; {@code sqlIndexes} are the names of the SQL indexes on the columns
     * (lines written before names were injective have none: their indexes have the legacy name).
     */
    record Entry(String collection, KeyType keyType, String table, List<IndexSpec> indexes, List<String> columns,
            List<String> sqlIndexes, List<Boolean> stale) {
        Entry(String collection, KeyType keyType, String table, List<IndexSpec> indexes, List<String> columns, List<String> sqlIndexes) {
            this(collection, keyType, table, indexes, columns, sqlIndexes, indexes.stream().map(i -> false).toList());
        }

        /**
         * The columns of {@code spec}'s indexes, in its order; an index of another declaration that this
         * one lacks keeps its column, unmaintained by this declaration's writes.
         */
        List<String> columnsFor(dev.depot.spi.CollectionSpec spec) {
            List<String> out = new ArrayList<>();
            for (IndexSpec i : spec.indexes()) {
                out.add(columns.get(indexes.indexOf(i)));
            }
            return out;
        }
    }

    private final String prefix;
    private final String selectOwner;

    private final String selectOne;
    private final String selectAll;
    private final String insert;
    private final String update;

    Registry(String prefix) {
        String t = prefix + "collections";
        this.prefix = prefix;
        this.selectOwner = "SELECT coll FROM " + t + " WHERE tbl = ? AND coll <> ? ORDER BY coll";
        this.selectOne = "SELECT coll, key_type, tbl, idx FROM " + t + " WHERE coll = ?";
        this.selectAll = "SELECT coll, key_type, tbl, idx FROM " + t + " ORDER BY coll";
        this.insert = "INSERT INTO " + t + " (coll, key_type, tbl, idx) VALUES (?, ?, ?, ?)";
        this.update = "UPDATE " + t + " SET idx = ? WHERE coll = ?";
    }

    static String ddl(String prefix, Dialect d) {
        return "CREATE TABLE IF NOT EXISTS " + prefix + "collections (coll VARCHAR(64) NOT NULL PRIMARY KEY, "
                + "key_type VARCHAR(16) NOT NULL, tbl VARCHAR(64) NOT NULL, idx " + d.textType() + " NOT NULL)"
                + d.tableOptions();
    }

    Entry find(Connection c, String collection) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(selectOne)) {
            ps.setString(1, collection);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? entry(rs) : null;
            }
        }
    }

    /** Another collection whose records live in {@code table}, or null if none. */
    String otherOwner(Connection c, String table, String collection) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(selectOwner)) {
            ps.setString(1, table);
            ps.setString(2, collection);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    Map<String, Entry> all(Connection c) throws SQLException {
        Map<String, Entry> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(selectAll); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Entry e = entry(rs);
                out.put(e.collection(), e);
            }
        }
        return out;
    }

    void insert(Connection c, Entry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setString(1, e.collection());
            ps.setString(2, e.keyType().name());
            ps.setString(3, e.table());
            ps.setString(4, encode(e));
            ps.executeUpdate();
        }
    }

    /** The insert of {@code e} as one SQL statement with literals, for a DDL script. */
    String insertSql(Entry e) {
        return "INSERT INTO " + prefix + "collections (coll, key_type, tbl, idx) VALUES (" + literal(e.collection()) + ", "
                + literal(e.keyType().name()) + ", " + literal(e.table()) + ", " + literal(encode(e)) + ")";
    }

    /** A standard SQL string literal (quotes doubled); the text holds no backslash (names are URL-encoded). */
    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    void updateIndexes(Connection c, Entry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(update)) {
            ps.setString(1, encode(e));
            ps.setString(2, e.collection());
            ps.executeUpdate();
        }
    }

    private Entry entry(ResultSet rs) throws SQLException {
        String table = rs.getString(3);
        List<IndexSpec> indexes = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        List<String> sqlIndexes = new ArrayList<>();
        List<Boolean> stale = new ArrayList<>();
        for (String line : rs.getString(4).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ");
            indexes.add(new IndexSpec(URLDecoder.decode(f[0], StandardCharsets.UTF_8), IndexType.valueOf(f[1]), f[2].equals("u")));
            columns.add(f[3]);
            sqlIndexes.add(f.length > 4 ? f[4] : Names.legacyIndex(prefix, table, f[3]));
            stale.add(f.length > 5 && f[5].equals("stale"));
        }
        return new Entry(rs.getString(1), KeyType.valueOf(rs.getString(2)), table, indexes, columns, sqlIndexes, stale);
    }

    private static String encode(Entry e) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < e.indexes().size(); i++) {
            IndexSpec x = e.indexes().get(i);
            s.append(URLEncoder.encode(x.name(), StandardCharsets.UTF_8)).append(' ').append(x.type().name())
                    .append(' ').append(x.unique() ? "u" : "n").append(' ').append(e.columns().get(i))
                    .append(' ').append(e.sqlIndexes().get(i)).append(e.stale().get(i) ? " stale" : "").append('\n');
        }
        return s.toString();
    }
}
