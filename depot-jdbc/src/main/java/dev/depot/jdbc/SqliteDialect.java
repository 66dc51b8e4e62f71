package dev.depot.jdbc;

import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite in WAL mode: readers hold snapshots while one writer commits. Text uses the BINARY collation
 * (memcmp of UTF-8, i.e. code point order). Transactions are driven with explicit {@code BEGIN} /
 * {@code BEGIN IMMEDIATE} statements: a snapshot is a deferred read transaction, and a write
 * transaction takes the database's single write lock up front, which is what makes it exclusive.
 */
final class SqliteDialect extends Dialect {

    /** SQLite has no timestamp type: epoch microseconds, whose numeric order is time order. */
    @Override
    String eventTimeType() {
        return "INTEGER";
    }

    @Override
    void bindEventTime(java.sql.PreparedStatement ps, int i, java.time.Instant time) throws SQLException {
        ps.setLong(i, EpochMicros.of(time));
    }

    @Override
    java.time.Instant readEventTime(java.sql.ResultSet rs, int col) throws SQLException {
        return EpochMicros.toInstant(rs.getLong(col));
    }

    @Override
    String eventTimeOfParts() {
        return "t_sec * 1000000 + t_nano / 1000";
    }

    /** SQLite cannot change a column's constraints: {@code t} is added NOT NULL with a default, then filled. */
    @Override
    String eventTimeNotNull(String table) {
        return null;
    }

    @Override
    String renameIndex(String table, String from, String to) {
        return null; // SQLite has no ALTER INDEX: the index is made again under its new name
    }

    @Override
    String name() {
        return "sqlite";
    }

    @Override
    String driverClass() {
        return "org.sqlite.JDBC";
    }

    @Override
    Properties driverProperties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("busy_timeout", "30000");
        p.setProperty("synchronous", "NORMAL");
        return p;
    }

    /** A local file has no network to wait on; the one wait is for the write lock, bounded like a statement. */
    @Override
    void timeoutProperties(Properties p, Timeouts t) {
        p.setProperty("busy_timeout", Long.toString(t.statement().toMillis()));
    }

    @Override
    String poolIsolation() {
        return null;
    }

    @Override
    String keyType(KeyType type) {
        return type == KeyType.LONG ? "INTEGER" : "TEXT";
    }

    @Override
    String columnType(IndexType type) {
        return switch (type) {
            case STRING, UUID -> "TEXT";
            case LONG, INSTANT, BOOLEAN -> "INTEGER";
            case DOUBLE -> "REAL";
        };
    }

    @Override
    String bytesType() {
        return "BLOB";
    }

    @Override
    String textType() {
        return "TEXT";
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    @Override
    String forUpdate() {
        return "";
    }

    /**
     * SQLite keeps a column's declared type (an earlier layout's SMALLINT holds names as text once
     * updated), so the rows say: any ordinal left.
     */
    @Override
    boolean ordinalOps(Connection c, String table) throws SQLException {
        try (var ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE typeof(op) = 'integer' LIMIT 1");
                var rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    @Override
    List<String> opsToNames(String table) {
        return List.of("UPDATE " + table + " SET op = CASE op WHEN 0 THEN 'INSERT' WHEN 1 THEN 'UPDATE' WHEN 2 THEN 'DELETE' END "
                + "WHERE typeof(op) = 'integer'");
    }

    @Override
    String identityColumn() {
        return "id INTEGER PRIMARY KEY"; // the rowid: max + 1 at insert
    }

    /** A write transaction already is the only one: the counter is always free. */
    @Override
    String tryLock() {
        return "";
    }

    @Override
    boolean parallelWriters() {
        return false;
    }

    @Override
    void beginSnapshot(Connection c) throws SQLException {
        execute(c, "BEGIN");
    }

    /** Transactions are statement-driven; the connection never leaves auto-commit mode. */
    @Override
    String beginStatement() {
        return "BEGIN IMMEDIATE";
    }

    @Override
    void rollback(Connection c) {
        try {
            super.rollback(c);
        } catch (SQLException e) {
            // "no transaction is active": BEGIN itself failed; nothing to undo.
        }
    }

    @Override
    void endSnapshot(Connection c) {}

    @Override
    boolean tableNewerThanSnapshot(SQLException e) {
        return String.valueOf(e.getMessage()).contains("no such table");
    }

    @Override
    boolean snapshotHasSchema() {
        return true;
    }

    @Override
    Failure classifyOne(SQLException e) {
        if (e instanceof SQLiteException s) {
            SQLiteErrorCode code = s.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                return Failure.UNIQUE;
            }
            if (code == SQLiteErrorCode.SQLITE_FULL) {
                return Failure.FULL;
            }
            if (code == SQLiteErrorCode.SQLITE_BUSY || code == SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT
                    || code == SQLiteErrorCode.SQLITE_LOCKED) {
                return Failure.CONFLICT;
            }
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("UNIQUE constraint failed") || m.contains("PRIMARY KEY")) {
            return Failure.UNIQUE;
        }
        if (m.contains("SQLITE_FULL") || m.contains("database or disk is full")) {
            return Failure.FULL;
        }
        if (m.contains("SQLITE_BUSY") || m.contains("database is locked")) {
            return Failure.CONFLICT;
        }
        return super.classifyOne(e);
    }
}
