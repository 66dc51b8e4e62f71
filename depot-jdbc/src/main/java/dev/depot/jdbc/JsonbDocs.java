package dev.depot.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PostgreSQL: the document as {@code jsonb} in {@code doc}, so SQL can read it ({@code doc->>'name'}),
 * and its exact bytes in {@code raw} only when {@code jsonb} would not give them back. jsonb keeps
 * no text: it sorts keys (shorter first), drops duplicates, prints numbers without exponent and
 * {@code -0} as {@code 0}, escapes only what it must, and puts a space after {@code :} and {@code ,}.
 * A document already in that form ({@link JsonShape#jsonbCanonical}) is stored in {@code doc} alone
 * and read back as jsonb's text without those spaces: the same bytes. So is a document that differs
 * from that form only in the order of its objects' keys when its reader does not care ({@code
 * anyKeyOrder}: the default codec reading records by member name): it comes back in jsonb's key
 * order and decodes to an equal value, without a second copy. Any other JSON is stored in
 * both; a string holding U+0000, which jsonb refuses, shows in {@code doc} as the six characters
 * {@code \u0000}; bytes that are not JSON PostgreSQL takes (another codec's) are in {@code raw}
 * alone, with {@code doc} NULL. Reads take {@code raw} when it is there.
 */
final class JsonbDocs implements DocFormat {
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
        return "CAST(? AS jsonb), ?";
    }

    @Override
    public String sets() {
        return "doc = CAST(? AS jsonb), raw = ?";
    }

    @Override
    public String definitions(Dialect d) {
        return "doc JSONB, raw BYTEA, CHECK (doc IS NOT NULL OR raw IS NOT NULL)";
    }

    @Override
    public Map<String, String> comments() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("doc", "The record's document as JSON (query it: doc->>'name'); NULL if the codec wrote no JSON."
                + " U+0000 in a string shows as the text \\u0000.");
        out.put("raw", "The document's exact bytes, kept only when doc's jsonb text would not give them back"
                + " (number form, U+0000, not JSON, key order when the reader keeps it); Depot reads raw when it is not NULL.");
        return out;
    }

    @Override
    public java.util.List<String> upgradeFromBytes(String table, Dialect d) {
        java.util.List<String> out = new java.util.ArrayList<>(java.util.List.of(
                "ALTER TABLE " + table + " RENAME COLUMN doc TO raw",
                "ALTER TABLE " + table + " ALTER COLUMN raw DROP NOT NULL",
                "ALTER TABLE " + table + " ADD COLUMN doc JSONB",
                "ALTER TABLE " + table + " ADD CHECK (doc IS NOT NULL OR raw IS NOT NULL)"));
        out.addAll(d.commentStatements(table, null, comments()));
        return out;
    }

    @Override
    public int bind(PreparedStatement ps, int i, byte[] doc, boolean anyKeyOrder) throws SQLException {
        JsonShape shape = JsonShape.of(doc);
        if (!shape.json() || !shape.pgParsable()) {
            ps.setNull(i, Types.VARCHAR);
            ps.setBytes(i + 1, doc);
        } else if (shape.jsonbCanonical() || (anyKeyOrder && shape.jsonbCanonicalButKeyOrder())) {
            ps.setString(i, new String(doc, StandardCharsets.UTF_8));
            ps.setNull(i + 1, Types.BINARY);
        } else {
            byte[] json = shape.hasNul() ? JsonShape.withoutNul(doc, shape.nulEscapes()) : doc;
            ps.setString(i, new String(json, StandardCharsets.UTF_8));
            ps.setBytes(i + 1, doc);
        }
        return i + 2;
    }

    @Override
    public byte[] read(ResultSet rs, int col) throws SQLException {
        byte[] raw = rs.getBytes(col + 1);
        return raw != null ? raw : JsonShape.compact(rs.getString(col)).getBytes(StandardCharsets.UTF_8);
    }
}
