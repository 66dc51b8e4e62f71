package dev.depot.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * SQL identifiers for Depot's tables, columns and indexes. Every identifier is lowercase
 * {@code [a-z0-9_]}, at most 63 characters (PostgreSQL truncates above 63, MariaDB refuses above
 * 64) and needs no quoting on any database.
 *
 * <p>Names are injective: two distinct collection (index) names never get one table (column).
 * A name that fits is used as is ("plain"). One that does not is shortened to a form no plain name
 * can take — a table name of exactly 63 characters (plain ones have at most 60), a column starting
 * {@code x__} (plain ones continue with a letter) — ending in 64 bits of SHA-256 of the full name.
 * Two shortened names could in theory still share a hash; {@link Catalog} checks the registry and
 * refuses, never adopting a table another collection owns. Plain names are the ones Depot has
 * always used, so existing tables keep their names; shortened ones are read from the registry.
 */
final class Names {
    private static final Pattern PLAIN_INDEX = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    /** The longest plain table name. */
    static final int MAX_PLAIN = 60;
    /** The length of every shortened table name: longer than any plain one, within PostgreSQL's 63. */
    static final int SHORTENED = 63;
    private static final int HASH = 16;
    private static final int INDEX_HASH = 24;
    private static final int COLUMN_HEAD = 30;

    private Names() {}

    /** The table of a collection, e.g. {@code depot_c_players}. */
    static String table(String prefix, String collection) {
        String plain = prefix + "c_" + collection;
        if (plain.length() <= MAX_PLAIN) {
            return plain;
        }
        String head = plain.substring(0, SHORTENED - 1 - HASH);
        return head + "_" + hash(collection, HASH);
    }

    /** The column holding an index's values, e.g. {@code x_score}; see {@link #hashedColumn}. */
    static String column(String indexName) {
        return PLAIN_INDEX.matcher(indexName).matches() ? "x_" + indexName : hashedColumn(indexName);
    }

    /**
     * The column of an index whose name is not plain (upper case, longer than 40), or whose plain
     * column is already taken in its table (by a column named under Depot's earlier CRC32 scheme).
     * It starts with {@code x__}, which no plain column and no earlier column does.
     */
    static String hashedColumn(String indexName) {
        String cleaned = indexName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (cleaned.length() > COLUMN_HEAD) {
            cleaned = cleaned.substring(0, COLUMN_HEAD);
        }
        return "x__" + cleaned + "_" + hash(indexName, HASH);
    }

    /**
     * The {@code n}th spare column of an index ({@code n >= 2}), for a declaration of it when both
     * {@link #column} and {@link #hashedColumn} still hold other declarations of that name (kept for
     * processes that still run with them). It ends in {@code _n}: a hashed column ends in 16 hex
     * digits after its last underscore, so none has this form.
     */
    static String spareColumn(String indexName, int n) {
        if (n < 2 || n > 99) {
            throw new IllegalArgumentException("spare column number out of range: " + n);
        }
        return hashedColumn(indexName) + "_" + n;
    }

    /**
     * The SQL index on a column; schema-wide unique on PostgreSQL, H2 and SQLite, so it hashes the
     * table (unique in the schema) and the column (unique in the table) with 96 bits.
     */
    static String index(String prefix, String table, String column) {
        return prefix + "i_" + hash(table + "." + column, INDEX_HASH);
    }

    /**
     * The readable name of the SQL index on a collection's index, {@code <prefix><collection>_<index>_idx}
     * (e.g. {@code depot_players_score_idx}), lowercased with other characters as {@code _}. A name
     * longer than 63 characters keeps its head and ends in 48 bits of SHA-256 of the full name and
     * {@code _idx}. Readable names are not injective ({@code a_b}/{@code c} and {@code a}/{@code b_c}
     * meet), so {@link SchemaEvolution} uses one only if no table or index of the registry has it
     * and falls back to {@link #index} otherwise.
     */
    static String readableIndex(String prefix, String collection, String indexName) {
        String full = (prefix + collection + "_" + indexName).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_idx";
        if (full.length() <= SHORTENED) {
            return full;
        }
        String hash = hash(prefix + collection + "." + indexName, 12);
        return full.substring(0, SHORTENED - "_idx".length() - hash.length() - 1) + "_" + hash + "_idx";
    }

    /**
     * The SQL index name Depot used before names were injective (a CRC32, so two columns of the
     * schema could share one); still the name of indexes created then, which the registry marks.
     */
    static String legacyIndex(String prefix, String table, String column) {
        CRC32 crc = new CRC32();
        crc.update((table + "." + column).getBytes(StandardCharsets.UTF_8));
        return prefix + "i_" + String.format("%08x", crc.getValue());
    }

    private static String hash(String s, int hexDigits) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, hexDigits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
