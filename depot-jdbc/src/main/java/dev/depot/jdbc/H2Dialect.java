package dev.depot.jdbc;

import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * H2 2.x. H2 compares strings by UTF-16 code unit (Java's {@code compareTo}), which puts U+1F600
 * before U+FFFD; so string keys and string index values are stored as their UTF-8 bytes in
 * VARBINARY columns, which H2 compares as unsigned bytes: code point order. Snapshots use H2's
 * {@code SNAPSHOT} level, because its REPEATABLE READ fixes each table at its first read only.
 */
final class H2Dialect extends Dialect {
    /**
     * H2 2.4.240 turns {@code col IN (…)} and {@code col = ? OR col = ?} into an IN-list lookup on
     * the (col, k) index; a cached command re-run with another limit or keyset bound ({@code col > ?
     * OR (col = ? AND k > ?)}) then returns rows out of order and drops some (reproduced with plain
     * JDBC: the second run of one prepared statement). A fresh parse is correct, so such statements
     * bypass H2's query cache. Kit: {@code OrNotTests}, paging an OR and an IN in pages of 1 to 3.
     */
    @Override
    boolean reparsesInLists() {
        return true;
    }


    @Override
    String name() {
        return "h2";
    }

    /**
     * A locking read. H2 (2.4.240) answers a repeated query of a session from the result it cached,
     * as long as no commit has advanced the modification id of the query's tables since; but a commit
     * advances it only after it has become visible and released its row locks (SessionLocal.commit:
     * the MVStore commit, then the mark). A cached outbox read taken while an earlier commit of a key
     * was being made visible can so be served again, without that commit's events, after a later
     * writer of the key got the row lock from it: the later writer then numbered its own event first
     * and the feed showed the key's versions out of order (FeedIntegrityTest, once in a few hundred
     * thousand commits). A {@code FOR UPDATE} query is never served from that cache and reads the
     * latest committed rows. Only numberers, which hold the counter lock, lock or delete outbox rows,
     * so it does not wait. Kit: {@code H2StaleOutboxReadTest}.
     */
    /**
     * Turns off H2's reuse of a session's previous result for a repeated query (see {@link
     * #outboxRead} for the window it opens): without it a reader that saw a commit's event could
     * read the record as before that commit, from the result its session cached a moment earlier
     * (FeedIntegrityTest saw it). Database-wide (one statement at open covers every session, Depot's
     * pool and an application's DataSource alike); it needs an admin.
     */
    @Override
    String databaseSettingSql() {
        return "SET OPTIMIZE_REUSE_RESULTS FALSE";
    }

    /** One gate per database (its file, or its in-memory name) in this JVM; a few bytes each. */
    private static final java.util.concurrent.ConcurrentHashMap<String, SchemaChangeGate> GATES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * H2 (2.4.240) adds a column by copying the table into a new one and dropping the old. Its
     * exclusive table lock does not keep data transactions out: {@code SELECT … FOR UPDATE} takes no
     * table lock, so the copy went through while a data transaction held row locks in the old table,
     * and that transaction then wrote its rows, checked against the old table, into the new one while
     * another writer locked the same keys there; and a statement that began before the copy and waited
     * for the table wrote into the old table, whose rows were then dropped, after its commit had been
     * acknowledged. Two depots writing while a third added an index made two writes of one key the same
     * version, deleted a key twice, updated a deleted key and lost acknowledged writes
     * ({@code MultiDepotChurnProbeTest}; the copy is H2's, plain JDBC shows it too). An embedded H2
     * database is reachable from one JVM only (a file is locked by the JVM that opened it), so a lock
     * of this JVM, per database, keeps data transactions and schema changes apart completely: every
     * Depot data transaction holds it shared, every schema change ({@link JdbcBackend#alter}) exclusively;
     * and a snapshot that reads a table copied since it began is refused ({@link SchemaChangeGate}).
     * H2 reached through a server ({@code AUTO_SERVER}, an application's DataSource) from several JVMs
     * is not covered: there, declare new indexes while no other process writes the collection.
     */
    @Override
    SchemaChangeGate schemaChangeGate(Connection c) throws SQLException {
        String database;
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(DATABASE_PATH(), 'mem:' || DATABASE())");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            database = rs.getString(1);
        }
        return GATES.computeIfAbsent(database, k -> new SchemaChangeGate());
    }

    @Override
    String outboxRead() {
        return " FOR UPDATE";
    }


    /**
     * No CHECK on H2: through an application's unpooled {@code JdbcDataSource} (a new session per
     * connection) H2 2.4.240 fails every insert with "Check constraint invalid" on it, while through
     * a pool it passes. The check is for people reading PostgreSQL and MariaDB; Depot writes only names.
     */
    @Override
    String opColumn() {
        return "op VARCHAR(6) NOT NULL";
    }

    @Override
    List<String> opsToNames(String table) {
        return super.opsToNames(table).subList(0, 2); // the conversion without the CHECK (see opColumn)
    }

    @Override
    String driverClass() {
        return "org.h2.Driver";
    }

    @Override
    String keyType(KeyType type) {
        return switch (type) {
            case LONG -> "BIGINT";
            case STRING -> "VARBINARY(1020)";
            case UUID -> "VARCHAR(36)";
        };
    }

    @Override
    String columnType(IndexType type) {
        return switch (type) {
            case STRING -> "VARBINARY";
            case UUID -> "VARCHAR(36)";
            case LONG, INSTANT -> "BIGINT";
            case DOUBLE -> "DOUBLE PRECISION";
            case BOOLEAN -> "BOOLEAN";
        };
    }

    @Override
    String bytesType() {
        return "VARBINARY";
    }

    @Override
    List<String> commentStatements(String table, String tableText, Map<String, String> columns) {
        return commentOn(table, tableText, columns);
    }

    @Override
    String textType() {
        return "VARCHAR";
    }

    @Override
    void bindKey(PreparedStatement ps, int i, KeyType type, Object key) throws SQLException {
        if (type == KeyType.STRING) {
            ps.setBytes(i, ((String) key).getBytes(StandardCharsets.UTF_8));
        } else {
            super.bindKey(ps, i, type, key);
        }
    }

    @Override
    Object readKey(ResultSet rs, int col, KeyType type) throws SQLException {
        return type == KeyType.STRING ? new String(rs.getBytes(col), StandardCharsets.UTF_8) : super.readKey(rs, col, type);
    }

    @Override
    void bindValue(PreparedStatement ps, int i, IndexType type, Object v) throws SQLException {
        if (type == IndexType.STRING && v != null) {
            ps.setBytes(i, ((String) v).getBytes(StandardCharsets.UTF_8));
        } else {
            super.bindValue(ps, i, type, v);
        }
    }

    @Override
    Object readValue(ResultSet rs, int col, IndexType type) throws SQLException {
        if (type == IndexType.STRING) {
            byte[] b = rs.getBytes(col);
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }
        return super.readValue(rs, col, type);
    }

    @Override
    int sqlType(IndexType type) {
        return type == IndexType.STRING ? Types.VARBINARY : super.sqlType(type);
    }

    @Override
    void beginSnapshot(Connection c) throws SQLException {
        execute(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
        c.setAutoCommit(false);
    }

    @Override
    void endSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(true);
        execute(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }

    @Override
    Failure classifyOne(SQLException e) {
        return switch (e.getErrorCode()) {
            // concurrent update, lock timeout, deadlock
            case 90131, 50200, 40001 -> Failure.CONFLICT;
            case 23505 -> Failure.UNIQUE;
            // connection broken, database closed, database is being shut down
            case 90067, 90098, 90121 -> Failure.UNAVAILABLE;
            case 90100 -> Failure.FULL; // no space available on the disk
            default -> super.classifyOne(e);
        };
    }
}
