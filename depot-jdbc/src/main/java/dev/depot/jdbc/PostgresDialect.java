package dev.depot.jdbc;

import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * PostgreSQL: text under {@code COLLATE "C"} (byte order of UTF-8, i.e. code point order), DDL inside
 * transactions, and server messages without the {@code DETAIL} line, which would quote stored values.
 */
final class PostgresDialect extends Dialect {

    @Override
    String name() {
        return "postgresql";
    }

    @Override
    String driverClass() {
        return "org.postgresql.Driver";
    }

    @Override
    Properties driverProperties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("logServerErrorDetail", "false");
        p.setProperty("reWriteBatchedInserts", "true");
        return p;
    }

    @Override
    void timeoutProperties(Properties p, Timeouts t) {
        p.setProperty("connectTimeout", Integer.toString(Timeouts.seconds(t.connect())));
        p.setProperty("loginTimeout", Integer.toString(Timeouts.seconds(t.connect())));
        p.setProperty("socketTimeout", Integer.toString(Timeouts.seconds(t.socket())));
        // Server-side: the server cancels the statement (SQLSTATE 57014) and the connection stays usable.
        p.setProperty("options", "-c statement_timeout=" + t.statement().toMillis());
        p.setProperty("tcpKeepAlive", "true");
    }

    /** UUID keys in PostgreSQL's own type: 16 bytes, compared as unsigned bytes, which is their text order. */
    @Override
    String keyType(KeyType type) {
        return switch (type) {
            case LONG -> "BIGINT";
            case STRING -> "TEXT COLLATE \"C\"";
            case UUID -> "UUID";
        };
    }

    @Override
    String eventTimeType() {
        return "TIMESTAMPTZ";
    }

    @Override
    String eventTimeOfParts() {
        return "TIMESTAMPTZ 'epoch' + (t_sec * 1000000 + t_nano / 1000) * INTERVAL '1 microsecond'";
    }

    @Override
    void bindValue(PreparedStatement ps, int i, IndexType type, Object v) throws SQLException {
        if (type == IndexType.UUID) {
            ps.setObject(i, v, Types.OTHER);
        } else {
            super.bindValue(ps, i, type, v);
        }
    }

    @Override
    Object readValue(ResultSet rs, int col, IndexType type) throws SQLException {
        return type == IndexType.UUID ? rs.getObject(col, java.util.UUID.class) : super.readValue(rs, col, type);
    }

    @Override
    int sqlType(IndexType type) {
        return type == IndexType.UUID ? Types.OTHER : super.sqlType(type);
    }

    /** A UUID index column of the earlier layout (text) becomes {@code uuid}; its SQL index is rebuilt with it. */
    @Override
    List<String> indexUpgrade(String table, String column, IndexType type, String columnType) {
        return type == IndexType.UUID ? toUuid(table, column, columnType) : List.of();
    }

    @Override
    List<String> keyUpgrade(String table, KeyType type, String columnType) {
        return type == KeyType.UUID ? toUuid(table, "k", columnType) : List.of();
    }

    /** A text column of UUIDs (an earlier layout) becomes {@code uuid}; nothing if it is one. */
    private static List<String> toUuid(String table, String column, String columnType) {
        return columnType.equalsIgnoreCase("uuid")
                ? List.of()
                : List.of("ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE UUID USING " + column + "::uuid");
    }

    @Override
    void bindKey(PreparedStatement ps, int i, KeyType type, Object key) throws SQLException {
        if (type == KeyType.UUID) {
            ps.setObject(i, key, Types.OTHER);
        } else {
            super.bindKey(ps, i, type, key);
        }
    }

    @Override
    Object readKey(ResultSet rs, int col, KeyType type) throws SQLException {
        return type == KeyType.UUID ? rs.getObject(col, java.util.UUID.class) : super.readKey(rs, col, type);
    }

    /**
     * UUID index values in PostgreSQL's own type, as UUID keys: its unsigned byte order is the order
     * of the lowercase text, which is {@link IndexType#compareUuids}, memory's order.
     */
    @Override
    String columnType(IndexType type) {
        return switch (type) {
            case UUID -> "UUID";
            case STRING -> "TEXT COLLATE \"C\"";
            case LONG, INSTANT -> "BIGINT";
            case DOUBLE -> "DOUBLE PRECISION";
            case BOOLEAN -> "BOOLEAN";
        };
    }

    private static final DocFormat DOCS = new JsonbDocs();

    @Override
    DocFormat docs() {
        return DOCS;
    }

    @Override
    String bytesType() {
        return "BYTEA";
    }

    @Override
    List<String> commentStatements(String table, String tableText, Map<String, String> columns) {
        return commentOn(table, tableText, columns);
    }

    @Override
    String textType() {
        return "TEXT";
    }

    @Override
    String indexColumns(String column) {
        // Matches the ascending query order (NULLS FIRST), which PostgreSQL's default index order does not.
        return column + " NULLS FIRST, k";
    }

    @Override
    List<String> opsToNames(String table) {
        return List.of("ALTER TABLE " + table + " ALTER COLUMN op TYPE VARCHAR(6) USING "
                + "CASE op WHEN 0 THEN 'INSERT' WHEN 1 THEN 'UPDATE' WHEN 2 THEN 'DELETE' END",
                "ALTER TABLE " + table + " ADD CHECK (op IN ('INSERT', 'UPDATE', 'DELETE'))");
    }

    @Override
    String notify(String channel) {
        return "NOTIFY " + channel; // delivered when the transaction commits, never for a rollback
    }

    /**
     * pgjdbc sends the statements of one execute together, each run in turn in the open transaction.
     * The second statement takes a new snapshot after the lock, so it sees every commit that ended
     * while the first waited; it notifies and applies retention by count in the same statement.
     */
    @Override
    String sequencerScript(String prefix, long maxEvents) {
        String meta = prefix + "meta";
        return "SELECT val FROM " + meta + " WHERE name = 'seq' FOR UPDATE; "
                + "WITH moved AS (DELETE FROM " + prefix + "outbox RETURNING id, s, coll, rkey, op, ver, t, commit_id, origin), "
                + "base AS (SELECT val FROM " + meta + " WHERE name = 'seq'), "
                + numberMoved(prefix, "base", "") + ", "
                + trimByCount(prefix, "(SELECT val FROM base)", maxEvents) + " "
                + "UPDATE " + meta + " SET val = val + (SELECT COUNT(*) FROM ins) WHERE name = 'seq' "
                + "RETURNING val, (SELECT COUNT(*) FROM ins), (SELECT FLOOR(EXTRACT(EPOCH FROM MIN(t)))::BIGINT FROM ins), " + wake(prefix);
    }

    /**
     * The CTE {@code ins}: inserts {@code moved} into the feed numbered after {@code base.val}, in
     * commit order, then whatever {@code own} selects (numbered after them).
     */
    private static String numberMoved(String prefix, String base, String own) {
        return "ins AS (INSERT INTO " + prefix + "changes (seq, coll, rkey, op, ver, t, commit_id, origin) "
                // commit order: commits by their first outbox id, each commit's events together (Sequencer#moveCommitted)
                + "SELECT " + base + ".val + ROW_NUMBER() OVER (ORDER BY m.first, m.id), m.coll, m.rkey, m.op, m.ver, m.t, m.commit_id, m.origin "
                + "FROM (SELECT moved.*, MIN(id) OVER (PARTITION BY s) AS first FROM moved) m, " + base + own + " RETURNING seq, t)";
    }

    /**
     * Retention by count under the counter lock ({@code locked}: the counter before this statement),
     * as CTEs: drops events through the new end minus {@code maxEvents} and raises the trim floor if
     * any went. The statement's snapshot holds only rows older than the ones it inserts ({@code ins}),
     * so it drops at most through {@code locked}; {@link Feed} drops the rest when one numbering
     * exceeds {@code maxEvents}.
     */
    private static String trimByCount(String prefix, String locked, long maxEvents) {
        // No row when nothing was numbered (LEAST skips NULLs, so it must not see an empty MAX).
        return "cut AS (SELECT LEAST(e.x - " + maxEvents + ", " + locked + ") AS x FROM (SELECT MAX(seq) AS x FROM ins) e WHERE e.x IS NOT NULL), "
                // Bounded below by the floor (see Feed#trimCountSql): without it PostgreSQL scanned the whole feed.
                + "dropped AS (DELETE FROM " + prefix + "changes WHERE seq > " + Feed.floor(prefix) + " AND seq <= (SELECT x FROM cut) RETURNING seq), "
                + "raised AS (UPDATE " + prefix + "meta SET val = (SELECT x FROM cut) WHERE name = 'trim' AND val < (SELECT x FROM cut) "
                + "AND EXISTS (SELECT 1 FROM dropped))";
    }

    /** {@link #notify}'s wake-up as an expression, when the statement numbered anything (delivered at commit). */
    private static String wake(String prefix) {
        // NOTIFY's channel is an unquoted identifier, folded to lower case; prefixes are lower case already.
        return "CASE WHEN EXISTS (SELECT 1 FROM ins) THEN pg_notify('" + prefix + "changes', '') END";
    }

    @Override
    boolean numbersAfterCommit() {
        return true;
    }

    /** pgjdbc splits a statement text at its semicolons and sends the parts as one round trip. */
    @Override
    boolean multiStatementsAlways() {
        return true;
    }

    @Override
    boolean notifiesInScripts() {
        return true;
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    /**
     * 200 ms per attempt: a waiting ALTER holds up every later query of its table (PostgreSQL queues
     * lock requests in order), so it waits briefly, steps out of the queue and tries again.
     */
    @Override
    String boundLockWaits() {
        return "SET LOCAL lock_timeout = '200ms'"; // LOCAL: ends with the transaction
    }

    @Override
    boolean lockWaitRanOut(SQLException e) {
        for (Throwable t : chain(e)) {
            if (t instanceof SQLException s && "55P03".equals(s.getSQLState())) { // lock_not_available
                return true;
            }
        }
        return false;
    }

    @Override
    String forKeyShare() {
        return " FOR KEY SHARE"; // shared: producers do not wait for each other, only a drop waits for them
    }

    /** Of {@code q} only: the rows inserted come from a {@code UNION ALL}, which cannot be locked. */
    @Override
    String queueLockInInsert() {
        return " FOR KEY SHARE OF q";
    }

    /**
     * {@code k IN (SELECT x.k FROM unnest(lowers, uppers) JOIN table x ON x.column >= lower AND
     * x.column < upper OFFSET 0)}. PostgreSQL plans an OR of range tests as a bitmap OR of one index
     * scan per range and spends time that grows faster than the ranges in planning it: an OR of
     * about 8,000 prefixes ran for more than two minutes, 1,000 took about 0.5 s. The join scans the
     * index once per range (0.6 s for the 8,000, 82,100 rows of 100,000); {@code OFFSET 0} keeps the
     * planner from pulling the subquery up into a semi-join it plans badly for lack of an estimate
     * of the list (13 s), so it becomes a hash of the matching keys; {@code IN} counts a row once
     * however many ranges hold it.
     */
    @Override
    boolean joinsRanges() {
        return true;
    }

    @Override
    String inRanges(String table, String column, List<String> lowers, List<String> uppers) {
        return "k IN (SELECT x.k FROM unnest(ARRAY[" + String.join(", ", lowers) + "]::text[], ARRAY["
                + String.join(", ", uppers) + "]::text[]) AS b(lower_bound, upper_bound) JOIN " + table + " x ON x." + column
                + " >= b.lower_bound AND x." + column + " < b.upper_bound OFFSET 0)";
    }
}
