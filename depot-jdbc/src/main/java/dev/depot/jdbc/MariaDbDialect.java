package dev.depot.jdbc;

import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Properties;

/**
 * MariaDB (10.6 or later, for SKIP LOCKED; MySQL URLs use the same driver): every table in {@code utf8mb4_nopad_bin} (code point order, and unlike
 * {@code utf8mb4_bin} trailing spaces count). Doubles are stored as order-preserving BIGINTs because
 * InnoDB's DOUBLE cannot hold infinities. MariaDB's default NULL placement already is Depot's.
 */
final class MariaDbDialect extends Dialect {

    @Override
    String name() {
        return "mariadb";
    }

    @Override
    String driverClass() {
        return "org.mariadb.jdbc.Driver";
    }

    /**
     * {@code allowMultiQueries}: the fast path sends its feed insert and counter update as one round
     * trip ({@link Feed#appendNumbered}); Depot binds every value, so no statement carries user text.
     */
    @Override
    Properties driverProperties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("allowMultiQueries", "true");
        return p;
    }

    /** Read by {@link JdbcBackend#multiStatements}: whether a connection of Depot's pool takes several statements at once. */
    @Override
    String multiStatementProperty() {
        return "allowMultiQueries";
    }

    @Override
    void timeoutProperties(Properties p, Timeouts t) {
        p.setProperty("connectTimeout", Long.toString(t.connect().toMillis()));
        p.setProperty("socketTimeout", Long.toString(t.socket().toMillis()));
        p.setProperty("tcpKeepAlive", "true");
    }

    /**
     * The statement timeout, enforced by the server ({@code max_statement_time}, error 1969). Written
     * as an executable comment so that MySQL, which lacks the variable, ignores it (there the socket
     * timeout bounds a statement).
     */
    @Override
    String connectionInitSql(Timeouts t) {
        return "/*M! SET SESSION max_statement_time=" + t.statement().toMillis() / 1000.0 + " */";
    }

    @Override
    String keyType(KeyType type) {
        return switch (type) {
            case LONG -> "BIGINT";
            case STRING -> "VARCHAR(255)";
            case UUID -> "VARCHAR(36)";
        };
    }

    @Override
    String columnType(IndexType type) {
        return switch (type) {
            // Core caps index strings at 512 code points; with a 255-character key the (value, key)
            // index is at most 3068 bytes, inside InnoDB's 3072.
            case STRING -> "VARCHAR(" + IndexType.MAX_STRING_CODE_POINTS + ")";
            case UUID -> "VARCHAR(36)";
            case LONG, INSTANT, DOUBLE -> "BIGINT";
            case BOOLEAN -> "BOOLEAN";
        };
    }

    private static final DocFormat DOCS = new JsonTextDocs();

    @Override
    DocFormat docs() {
        return DOCS;
    }

    @Override
    String bytesType() {
        return "LONGBLOB";
    }

    @Override
    String textType() {
        return "TEXT";
    }

    @Override
    String tableOptions() {
        return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
    }

    /** MariaDB reads a backslash in a literal as an escape (unless NO_BACKSLASH_ESCAPES): doubled, it stands for itself. */
    @Override
    String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    String columnComment(String text) {
        return " COMMENT " + literal(text);
    }

    @Override
    String tableComment(String text) {
        return " COMMENT=" + literal(text);
    }

    @Override
    List<String> opsToNames(String table) {
        return List.of("ALTER TABLE " + table + " MODIFY op VARCHAR(6) NOT NULL",
                "UPDATE " + table + " SET op = " + OP_NAMES,
                "ALTER TABLE " + table + " ADD CHECK (op IN ('INSERT', 'UPDATE', 'DELETE'))");
    }

    @Override
    String identityColumn() {
        return "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY";
    }

    /**
     * Write transactions are statement-driven only on Depot's own pool ({@code allowMultiQueries}):
     * Connector/J sends a round trip for each setAutoCommit, so JDBC's way costs three per commit;
     * here {@code SET autocommit = 0} begins and {@code COMMIT; SET autocommit = 1} ends, two. The
     * session stays out of auto-commit for the whole transaction, and that is what makes a deadlock
     * safe: Connector/J pipelines a JDBC batch statement by statement (also with multi-queries), and
     * when InnoDB rolls the transaction back on a deadlock at one of them the server still runs the
     * rest. In a session in auto-commit (as after {@code START TRANSACTION}) each of those commits on
     * its own — a queue lease that no caller received (QueueTests' delivery test: an attempt counted
     * twice; {@code MariaDbBatchDeadlockTest} shows it with plain JDBC). Out of auto-commit they open
     * a new transaction, which the caller's rollback discards. Elsewhere (an application's
     * DataSource, no multi-statements) JDBC's {@code setAutoCommit(false)} gives the same.
     */
    private final boolean statementTransactions;

    MariaDbDialect() {
        this(true);
    }

    private MariaDbDialect(boolean statementTransactions) {
        this.statementTransactions = statementTransactions;
    }

    @Override
    Dialect withoutMultiStatements() {
        return statementTransactions ? new MariaDbDialect(false) : this;
    }

    @Override
    String beginStatement() {
        return statementTransactions ? "SET autocommit = 0" : null;
    }

    @Override
    String commitStatement() {
        return "COMMIT; SET autocommit = 1";
    }

    @Override
    String rollbackStatement() {
        return "ROLLBACK; SET autocommit = 1";
    }

    @Override
    boolean numbersAfterCommit() {
        return true;
    }

    @Override
    String outboxRead() {
        return " FOR UPDATE SKIP LOCKED"; // MariaDB 10.6+
    }

    @Override
    boolean outboxReadSkipsLocked() {
        return true;
    }

    /** MariaDB has no timestamp with time zone beyond 2038 ({@code TIMESTAMP}): UTC wall time in {@code DATETIME(6)}. */
    @Override
    String eventTimeType() {
        return "DATETIME(6)";
    }

    /** As UTC wall time, whatever the session's time zone (the driver sends a LocalDateTime as it is). */
    @Override
    void bindEventTime(PreparedStatement ps, int i, java.time.Instant time) throws SQLException {
        ps.setObject(i, java.time.LocalDateTime.ofInstant(time, java.time.ZoneOffset.UTC));
    }

    @Override
    java.time.Instant readEventTime(ResultSet rs, int col) throws SQLException {
        return rs.getObject(col, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
    }

    @Override
    String eventTimeOfParts() {
        return "TIMESTAMPADD(MICROSECOND, t_sec * 1000000 + t_nano DIV 1000, TIMESTAMP '1970-01-01 00:00:00')";
    }

    @Override
    String eventTimeNotNull(String table) {
        return "ALTER TABLE " + table + " MODIFY t DATETIME(6) NOT NULL";
    }

    @Override
    String renameIndex(String table, String from, String to) {
        return "ALTER TABLE " + table + " RENAME INDEX " + from + " TO " + to; // MariaDB 10.5.2+
    }

    /** Each DDL statement commits by itself here: new columns and their indexes go in one atomic ALTER. */
    @Override
    boolean addsIndexesInOneAlter() {
        return true;
    }

    /**
     * One second per attempt, the least {@code lock_wait_timeout} takes (whole seconds): a waiting
     * ALTER's metadata lock request holds up every later query of its table.
     */
    @Override
    String boundLockWaits() {
        return "SET SESSION lock_wait_timeout = 1";
    }

    @Override
    String unboundLockWaits() {
        return "SET SESSION lock_wait_timeout = DEFAULT";
    }

    @Override
    boolean lockWaitRanOut(SQLException e) {
        for (Throwable t : chain(e)) {
            if (t instanceof SQLException s && s.getErrorCode() == 1205) { // ER_LOCK_WAIT_TIMEOUT
                return true;
            }
        }
        return false;
    }

    @Override
    String dropIndex(String table, String index) {
        return "DROP INDEX IF EXISTS " + index + " ON " + table;
    }

    /**
     * MariaDB's filesort compares only the first {@code max_sort_length} bytes of each value's sort
     * key (default 1024), and utf8mb4 weighs up to 4 bytes per character: index strings of up to 512
     * code points that differ past the 256th character sorted as ties, so a sorted page came back in
     * key order among them and the next keyset page repeated or skipped rows (found by
     * {@code QueryEdgeProbeTest}: {@code "n"×512} and {@code "n"×511+"o"}). 4096 bytes cover any
     * index value (512 × 4 bytes) and key (255 bytes); set per statement, so it holds on an
     * application's DataSource too, and written as an executable comment that MySQL ignores.
     */
    @Override
    String sortedSelectPrefix() {
        return "/*M! SET STATEMENT max_sort_length=4096 FOR */ ";
    }

    @Override
    String ascending(String column) {
        return column + " ASC"; // NULL is the smallest value in MariaDB
    }

    @Override
    String descending(String column) {
        return column + " DESC";
    }

    @Override
    void bindValue(PreparedStatement ps, int i, IndexType type, Object v) throws SQLException {
        if (type == IndexType.DOUBLE && v != null) {
            ps.setLong(i, SortableDoubles.encode((Double) v));
        } else {
            super.bindValue(ps, i, type, v);
        }
    }

    @Override
    Object readValue(ResultSet rs, int col, IndexType type) throws SQLException {
        if (type == IndexType.DOUBLE) {
            long bits = rs.getLong(col);
            return rs.wasNull() ? null : SortableDoubles.decode(bits);
        }
        return super.readValue(rs, col, type);
    }

    @Override
    int sqlType(IndexType type) {
        return type == IndexType.DOUBLE ? Types.BIGINT : super.sqlType(type);
    }

    /** 1412: "Table definition has changed, please retry transaction" (created or altered after the read view). */
    @Override
    boolean tableNewerThanSnapshot(SQLException e) {
        return e.getErrorCode() == 1412;
    }

    @Override
    Failure classifyOne(SQLException e) {
        return switch (e.getErrorCode()) {
            case 1062 -> Failure.UNIQUE;
            // 1020 record changed since last read, 1205 lock wait timeout, 1213 deadlock
            case 1020, 1205, 1213 -> Failure.CONFLICT;
            // 1927 connection killed, 2006 server gone away, 2013 lost connection, 1053 server shutdown
            case 1927, 2006, 2013, 1053 -> Failure.UNAVAILABLE;
            // 1969 max_statement_time exceeded, 3024 MySQL's max_execution_time exceeded
            case 1969, 3024 -> Failure.TIMEOUT;
            // 1021 disk full, 1114 the table is full
            case 1021, 1114 -> Failure.FULL;
            // 3 error writing a file, 1030 error from the storage engine: full when they quote ENOSPC's text
            case 3, 1030 -> dev.depot.spi.StorageFull.says(e.getMessage()) ? Failure.FULL : super.classifyOne(e);
            default -> super.classifyOne(e);
        };
    }

    /** Doubles as signed longs with the same order: flip the magnitude bits of negative numbers. */
    static final class SortableDoubles {
        private SortableDoubles() {}

        static long encode(double d) {
            long bits = Double.doubleToLongBits(d);
            return bits ^ ((bits >> 63) & Long.MAX_VALUE);
        }

        static double decode(long s) {
            return Double.longBitsToDouble(s ^ ((s >> 63) & Long.MAX_VALUE));
        }
    }

    @Override
    String forKeyShare() {
        return " LOCK IN SHARE MODE"; // shared: producers do not wait for each other, only a drop waits for them
    }

    @Override
    String queueLockInInsert() {
        return " LOCK IN SHARE MODE"; // on the queues row; the derived table of the rows is materialized, nothing to lock
    }
}
