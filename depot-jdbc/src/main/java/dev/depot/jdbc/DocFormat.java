package dev.depot.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * How a collection table holds its documents: which columns, their DDL and comments, and how a
 * document is bound and read back. Whatever the columns, {@link #read} returns exactly the bytes
 * {@link #bind} was given (Depot's codecs and version checks see the document the codec wrote).
 * The columns sit together: {@link #columns} is one piece of a select list, read from one position.
 */
interface DocFormat {
    /** The columns, as a select list, e.g. {@code doc} or {@code doc, raw}. */
    String columns();

    /** How many columns {@link #columns} has. */
    int width();

    /** Placeholders for an insert, in the order of {@link #columns}. */
    String marks();

    /** The SET clause of an update, e.g. {@code doc = ?}. */
    String sets();

    /** The column definitions of CREATE TABLE (with inline comments where the dialect has them). */
    String definitions(Dialect d);

    /** What each column keeps, for the database's comments and for {@code ddl=validate} (the names). */
    Map<String, String> comments();

    /**
     * Binds a document from parameter {@code i}; returns the next parameter index. With {@code
     * anyKeyOrder} (see {@link dev.depot.spi.Write#anyKeyOrder}) {@link #read} may give the document
     * back with its objects' members in the column's own order; without, exactly these bytes.
     */
    int bind(PreparedStatement ps, int i, byte[] doc, boolean anyKeyOrder) throws SQLException;

    /** The document held by the columns starting at {@code col}. */
    byte[] read(ResultSet rs, int col) throws SQLException;

    /**
     * The statements that turn a table of Depot's first layout (the codec's bytes in {@code doc},
     * NOT NULL) into this one, keeping every document: they become {@code raw}, and {@code doc} is
     * NULL until {@link SchemaEvolution#upgrade} fills it (reads take raw meanwhile). None if this
     * format is that layout.
     */
    default java.util.List<String> upgradeFromBytes(String table, Dialect d) {
        return java.util.List.of();
    }

    /** The bytes as the codec wrote them, in a binary column: H2 and SQLite. */
    final class Bytes implements DocFormat {
        @Override
        public String columns() {
            return "doc";
        }

        @Override
        public int width() {
            return 1;
        }

        @Override
        public String marks() {
            return "?";
        }

        @Override
        public String sets() {
            return "doc = ?";
        }

        @Override
        public String definitions(Dialect d) {
            return "doc " + d.bytesType() + " NOT NULL" + d.columnComment(comments().get("doc"));
        }

        @Override
        public Map<String, String> comments() {
            return Map.of("doc", "The record's document: the bytes the collection's codec wrote (JSON by default).");
        }

        @Override
        public int bind(PreparedStatement ps, int i, byte[] doc, boolean anyKeyOrder) throws SQLException {
            ps.setBytes(i, doc);
            return i + 1;
        }

        @Override
        public byte[] read(ResultSet rs, int col) throws SQLException {
            return rs.getBytes(col);
        }
    }
}
