package dev.depot.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MariaDB: the document in a {@code JSON} column ({@code LONGTEXT} checked by {@code JSON_VALID},
 * kept as written, so SQL can read it with {@code JSON_VALUE(doc, '$.name')} or {@code doc->>'$.name'}
 * on MySQL), read back as the same text, hence the same bytes. What {@code JSON_VALID} refuses or
 * the text cannot hold goes to {@code raw} instead, with {@code doc} NULL: bytes that are not UTF-8
 * JSON (another codec's) and JSON nested deeper than MariaDB's 32 levels or escaping half a
 * surrogate pair (which its JSON functions refuse).
 */
final class JsonTextDocs implements DocFormat {
    /** MariaDB's JSON functions refuse documents nested deeper (JSON_VALID is false from 32 levels, MariaDB 10.11). */
    static final int MAX_DEPTH = 31;

    @Override
    public String columns() {
        return "doc, raw";
    }

    @Override
    public int width() {
        return 2;
    }

    @Override
    public String marks() {
        return "?, ?";
    }

    @Override
    public String sets() {
        return "doc = ?, raw = ?";
    }

    @Override
    public String definitions(Dialect d) {
        Map<String, String> c = comments();
        return "doc JSON" + d.columnComment(c.get("doc")) + ", raw LONGBLOB" + d.columnComment(c.get("raw"))
                + ", CHECK (doc IS NOT NULL OR raw IS NOT NULL)";
    }

    @Override
    public Map<String, String> comments() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("doc", "The record's document as JSON text, exactly as the codec wrote it (query it: JSON_VALUE(doc, '$.name'));"
                + " NULL when it is in raw.");
        out.put("raw", "The document's bytes when doc cannot hold them (not JSON, nested deeper than 31 levels, a lone surrogate escape);"
                + " Depot reads raw when it is not NULL.");
        return out;
    }

    @Override
    public java.util.List<String> upgradeFromBytes(String table, Dialect d) {
        Map<String, String> c = comments();
        return java.util.List.of("ALTER TABLE " + table + " CHANGE COLUMN doc raw LONGBLOB" + d.columnComment(c.get("raw"))
                + ", ADD COLUMN doc JSON" + d.columnComment(c.get("doc")) + ", ADD CHECK (doc IS NOT NULL OR raw IS NOT NULL)");
    }

    @Override
    public int bind(PreparedStatement ps, int i, byte[] doc, boolean anyKeyOrder) throws SQLException {
        JsonShape shape = JsonShape.of(doc);
        if (shape.json() && shape.depth() <= MAX_DEPTH && !shape.loneSurrogate()) {
            ps.setString(i, new String(doc, StandardCharsets.UTF_8));
            ps.setNull(i + 1, Types.BINARY);
        } else {
            ps.setNull(i, Types.VARCHAR);
            ps.setBytes(i + 1, doc);
        }
        return i + 2;
    }

    @Override
    public byte[] read(ResultSet rs, int col) throws SQLException {
        byte[] raw = rs.getBytes(col + 1);
        return raw != null ? raw : rs.getString(col).getBytes(StandardCharsets.UTF_8);
    }
}
