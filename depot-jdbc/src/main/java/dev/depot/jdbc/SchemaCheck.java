package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * For {@code ddl=validate}: what of the tables, columns and indexes Depot needs is missing from the
 * database's catalog (in the connection's own schema), collected so one message lists all of it.
 * Names compare case-insensitively, as unquoted SQL names do.
 */
final class SchemaCheck {
    private final List<String> missing = new ArrayList<>();

    /** Notes the table if absent, else each absent column and index. */
    void table(Connection c, String table, List<String> columns, List<String> indexes) throws SQLException {
        Set<String> have = names(c, table, false);
        if (have.isEmpty()) {
            missing.add("table " + table);
            return;
        }
        for (String col : columns) {
            if (!have.contains(col.toLowerCase(Locale.ROOT))) {
                missing.add("column " + table + "." + col);
            }
        }
        if (!indexes.isEmpty()) {
            Set<String> idx = names(c, table, true);
            for (String i : indexes) {
                if (!idx.contains(i.toLowerCase(Locale.ROOT))) {
                    missing.add("index " + i + " on " + table);
                }
            }
        }
    }

    /** Fails listing everything missing, if anything is. */
    void failIfMissing(String what, String display) {
        if (!missing.isEmpty()) {
            throw new IllegalStateException(what + ": with ddl=validate Depot creates nothing, and the database lacks "
                    + String.join(", ", missing) + " (" + display + "); apply Depot's DDL first (JdbcDepots.ddl) or open once with ddl=create");
        }
    }

    /** The SQL index names of a table, lower-cased; empty if there is no such table. */
    static Set<String> indexes(Connection c, String table) throws SQLException {
        return names(c, table, true);
    }

    /** Column (or index) names of a table, lower-cased; empty if there is no such table. */
    private static Set<String> names(Connection c, String table, boolean indexes) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        Set<String> out = new TreeSet<>();
        for (String t : new TreeSet<>(List.of(table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)))) {
            try (ResultSet rs = indexes ? md.getIndexInfo(c.getCatalog(), c.getSchema(), t, false, false)
                    : md.getColumns(c.getCatalog(), c.getSchema(), t, "%")) {
                while (rs.next()) {
                    String n = rs.getString(indexes ? "INDEX_NAME" : "COLUMN_NAME");
                    if (n != null) {
                        out.add(n.toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }
}
