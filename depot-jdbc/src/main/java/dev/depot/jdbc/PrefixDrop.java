package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drops the tables of one depot, named by its table prefix: the collection tables its registry lists,
 * then Depot's own tables (those {@link Catalog#ownTables} creates). Nothing is chosen by a name
 * pattern, so a table outside this depot is never touched — not even one whose name merely starts with
 * the prefix (another depot's prefix {@code app_x_} starts with {@code app_}, and an application may
 * keep its own {@code app_audit}). So every table Depot makes must be either a collection table in the
 * registry or one of {@link Catalog#ownTables}; {@code PrefixDropTest} fails if a depot leaves any.
 */
final class PrefixDrop {
    private static final Pattern CREATE_TABLE = Pattern.compile("^CREATE TABLE IF NOT EXISTS (\\S+)");

    private PrefixDrop() {}

    /** Drops this depot's tables; returns those that existed, in the order dropped. */
    static List<String> drop(Connection c, Dialect d, String prefix) throws SQLException {
        Set<String> tables = new LinkedHashSet<>();
        String registry = prefix + "collections";
        if (exists(c, registry)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT tbl FROM " + registry + " ORDER BY coll");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String t = rs.getString(1);
                    // Every collection table is <prefix>c_…; a registry row saying otherwise is not trusted.
                    if (t != null && t.startsWith(prefix + "c_")) {
                        tables.add(t);
                    }
                }
            }
        }
        tables.addAll(ownTableNames(d, prefix));
        List<String> dropped = new ArrayList<>();
        for (String t : tables) {
            if (exists(c, t)) {
                Dialect.execute(c, "DROP TABLE IF EXISTS " + t);
                dropped.add(t);
            }
        }
        return dropped;
    }

    /** The names of Depot's own tables, read from their DDL so a table added there is dropped too. */
    static List<String> ownTableNames(Dialect d, String prefix) {
        List<String> out = new ArrayList<>();
        for (String sql : Catalog.ownTables(d, prefix)) {
            Matcher m = CREATE_TABLE.matcher(sql);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Whether the table exists in the connection's own schema (names compare as unquoted SQL names do). */
    private static boolean exists(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String t : new TreeSet<>(List.of(table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)))) {
            try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), t, new String[] {"TABLE"})) {
                while (rs.next()) {
                    if (rs.getString("TABLE_NAME").equalsIgnoreCase(table)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
