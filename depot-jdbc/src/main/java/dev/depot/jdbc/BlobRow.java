package dev.depot.jdbc;

import dev.depot.BlobInfo;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of the {@code blobs} table: a directory ({@code info} null) or a blob with its content id.
 * Also the one place that maps a row's columns ({@link #COLUMNS}) to a {@link BlobInfo} and back.
 */
record BlobRow(String key, Long id, BlobInfo info) {
    /** The columns every row read selects, in this order. */
    static final String COLUMNS = "path, id, size, etag, ctype, meta, created, modified";

    boolean isBlob() {
        return id != null;
    }

    /** Reads a row selected with {@link #COLUMNS} starting at column {@code at}. */
    static BlobRow read(ResultSet rs, int at) throws SQLException {
        String key = text(rs.getBytes(at));
        long id = rs.getLong(at + 1);
        if (rs.wasNull()) {
            return new BlobRow(key, null, null);
        }
        BlobInfo info = new BlobInfo(key, rs.getLong(at + 2), rs.getString(at + 3), rs.getString(at + 4),
                metadata(rs.getString(at + 5)), EpochMicros.toInstant(rs.getLong(at + 6)), EpochMicros.toInstant(rs.getLong(at + 7)));
        return new BlobRow(key, id, info);
    }

    /** Binds id, size, etag, ctype, meta, created, modified from {@code at}. */
    static void bindContent(PreparedStatement ps, int at, long id, BlobInfo info) throws SQLException {
        ps.setLong(at, id);
        ps.setLong(at + 1, info.size());
        ps.setString(at + 2, info.etag());
        ps.setString(at + 3, info.contentType());
        ps.setString(at + 4, metadataText(info.metadata()));
        ps.setLong(at + 5, EpochMicros.of(info.created()));
        ps.setLong(at + 6, EpochMicros.of(info.modified()));
    }

    static byte[] bytes(String path) {
        return path.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] path) {
        return new String(path, StandardCharsets.UTF_8);
    }

    /**
     * User metadata as {@code key=value} lines in key order, readable in a SQL console; unambiguous
     * because keys hold no {@code =} and values no control character (core checks both). Null if empty.
     */
    static String metadataText(Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString();
    }

    static Map<String, String> metadata(String text) {
        if (text == null || text.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        for (String line : text.split("\n", -1)) {
            int eq = line.indexOf('=');
            out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }
}
