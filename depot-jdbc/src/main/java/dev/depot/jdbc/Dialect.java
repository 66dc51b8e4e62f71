package dev.depot.jdbc;

import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * What differs between databases, and nothing else: column types, value binding, NULL placement in
 * ORDER BY, how a snapshot or a write transaction starts, and which errors mean what. The defaults
 * are standard SQL/JDBC; each database overrides only where it departs from them. Stateless and
 * shared.
 *
 * <p>Every value type is stored so that the database's own comparison is Depot's order: strings and
 * keys under a binary (code point) collation, instants as epoch microseconds in a BIGINT, UUIDs as
 * their canonical lowercase text.
 */
abstract class Dialect {

    /** The error classes core cares about. */
    enum Failure {
        /** The connection or server is gone. */
        UNAVAILABLE,
        /** A bound ran out: the statement timeout, the socket (read) timeout. The connection is suspect. */
        TIMEOUT,
        /** Lost a race with a concurrent transaction; retrying is safe. */
        CONFLICT,
        /** A unique index (or the primary key) already holds the value. */
        UNIQUE,
        /** The database's disk (or its size limit) is full: nothing fits until space is freed ({@code spi.StorageFull}). */
        FULL,
        OTHER
    }

    /** The scheme family shown in messages and health, e.g. {@code postgresql}. */
    abstract String name();

    /** Driver class, so pooling works without relying on DriverManager discovery. */
    abstract String driverClass();

    /**
     * Driver properties for every connection (never credentials); {@code applicationName} names the
     * depot's connections where the database can show it.
     */
    Properties driverProperties(String applicationName) {
        return new Properties();
    }

    /**
     * Adds the driver's own settings for the {@link Timeouts} (connect, socket, statement) to
     * {@code p}; embedded databases put theirs in the JDBC URL instead.
     */
    void timeoutProperties(Properties p, Timeouts t) {}

    /**
     * A database-wide setting Depot's reads rely on, set once when a depot opens (also on an
     * application's DataSource, where no connection init SQL of Depot's runs), or null.
     */
    String databaseSettingSql() {
        return null;
    }

    /** SQL run on every new connection, or null. */
    String connectionInitSql(Timeouts t) {
        return null;
    }

    /**
     * The driver property that lets one prepared statement hold several statements, sent in one round
     * trip, which Depot sets on its own pool's connections; null where Depot does not rely on it.
     * Depot relies on it only on its own pool (see {@link JdbcBackend#multiStatements}).
     */
    String multiStatementProperty() {
        return null;
    }

    /** Isolation of plain connections; null leaves the driver default. */
    String poolIsolation() {
        return "TRANSACTION_READ_COMMITTED";
    }

    // ---- DDL ----

    abstract String keyType(KeyType type);

    abstract String columnType(IndexType type);

    /**
     * The statements that bring an index column of an earlier layout ({@code columnType} as the
     * catalog names it) to this dialect's {@link #columnType}; none if it has it.
     */
    List<String> indexUpgrade(String table, String column, IndexType type, String columnType) {
        return List.of();
    }

    /**
     * The statements that change the key column of a table made by an earlier Depot, whose type is
     * {@code columnType} (as the catalog names it), to {@link #keyType}; none if it already is.
     */
    List<String> keyUpgrade(String table, KeyType type, String columnType) {
        return List.of();
    }

    abstract String bytesType();

    private static final DocFormat BYTES = new DocFormat.Bytes();

    /** How collection tables hold documents; by default the codec's bytes in a binary column. */
    DocFormat docs() {
        return BYTES;
    }

    /** A text column outside any index (registry, feed). */
    String textType() {
        return "VARCHAR(4000)";
    }

    /** Appended to CREATE TABLE, e.g. engine and charset. */
    String tableOptions() {
        return "";
    }

    /** The column list of a non-unique index on {@code column} then the key. */
    String indexColumns(String column) {
        return column + ", k";
    }

    String dropIndex(String table, String index) {
        return "DROP INDEX IF EXISTS " + index;
    }

    /**
     * The statement renaming a table's SQL index, or null where the database cannot rename one
     * (SQLite: the index is then dropped and created again under the new name).
     */
    String renameIndex(String table, String from, String to) {
        return "ALTER INDEX " + from + " RENAME TO " + to;
    }

    // ---- change-event times: one column t in changes and outbox, microseconds ----

    /**
     * The type of {@code t}, a change event's time (the depot clock at commit, microseconds): a
     * timestamp with time zone where the database has one that keeps microseconds (this default is
     * H2's), {@code timestamptz} on PostgreSQL, {@code DATETIME(6)} (UTC) on MariaDB, epoch
     * microseconds on SQLite.
     */
    String eventTimeType() {
        return "TIMESTAMP(6) WITH TIME ZONE";
    }

    /** Binds an event time (truncated to microseconds by the caller). */
    void bindEventTime(PreparedStatement ps, int i, Instant time) throws SQLException {
        ps.setObject(i, time.atOffset(java.time.ZoneOffset.UTC));
    }

    /** Reads an event time. */
    Instant readEventTime(ResultSet rs, int col) throws SQLException {
        return rs.getObject(col, java.time.OffsetDateTime.class).toInstant();
    }

    /** The event time of a row of the earlier layout, from its columns {@code t_sec} and {@code t_nano}, as an SQL expression. */
    String eventTimeOfParts() {
        return "DATEADD(MICROSECOND, t_sec * 1000000 + t_nano / 1000, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00')";
    }

    /** Makes the just added, filled column {@code t} NOT NULL. */
    String eventTimeNotNull(String table) {
        return "ALTER TABLE " + table + " ALTER COLUMN t SET NOT NULL";
    }

    /**
     * The statements that turn an earlier layout's event times ({@code t_sec} epoch seconds and
     * {@code t_nano} nanoseconds, with the index {@code index} on them, or none if null) into the one
     * column {@code t} (indexed by {@code index} if given).
     */
    List<String> eventTimesToOneColumn(String table, String index) {
        List<String> out = new ArrayList<>();
        String notNull = eventTimeNotNull(table);
        out.add("ALTER TABLE " + table + " ADD COLUMN t " + eventTimeType() + (notNull == null ? " NOT NULL DEFAULT 0" : ""));
        out.add("UPDATE " + table + " SET t = " + eventTimeOfParts());
        if (notNull != null) {
            out.add(notNull);
        }
        if (index != null) {
            out.add(dropIndex(table, index));
        }
        out.add("ALTER TABLE " + table + " DROP COLUMN t_sec");
        out.add("ALTER TABLE " + table + " DROP COLUMN t_nano");
        if (index != null) {
            out.add("CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (t)");
        }
        return out;
    }

    /** Whether {@code table} has a column {@code column} (read from the catalog). */
    /** The statement that adds a nullable column. */
    static String addColumnSql(String table, String column, String type) {
        return "ALTER TABLE " + table + " ADD COLUMN " + column + " " + type;
    }

    static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        return columnSqlType(c, table, column) != null;
    }

    /** The JDBC type ({@link Types}) of {@code table}'s column {@code column} as the catalog has it, or null if it has none. */
    static Integer columnSqlType(Connection c, String table, String column) throws SQLException {
        for (String t : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
            try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), t, "%")) {
                while (rs.next()) {
                    if (rs.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
                        return rs.getInt("DATA_TYPE");
                    }
                }
            }
        }
        return null;
    }

    /** Whether {@code table}'s {@code op} column holds ordinals (an earlier Depot's layout): its type is a number. */
    boolean ordinalOps(Connection c, String table) throws SQLException {
        Integer type = columnSqlType(c, table, "op");
        return type != null && (type == Types.SMALLINT || type == Types.INTEGER || type == Types.TINYINT || type == Types.BIGINT);
    }

    /** The definition of the change and outbox tables' {@code op} column: the operation by name. */
    String opColumn() {
        return "op VARCHAR(6) NOT NULL " + OP_CHECK;
    }

    static final String OP_CHECK = "CHECK (op IN ('INSERT', 'UPDATE', 'DELETE'))";

    /** The statements that turn ordinals in {@code table}'s {@code op} column into names. */
    List<String> opsToNames(String table) {
        return List.of("ALTER TABLE " + table + " ALTER COLUMN op SET DATA TYPE VARCHAR(6)",
                "UPDATE " + table + " SET op = " + OP_NAMES,
                "ALTER TABLE " + table + " ADD CHECK (op IN ('INSERT', 'UPDATE', 'DELETE'))");
    }

    /** The name of an ordinal in a text column. */
    static final String OP_NAMES = "CASE op WHEN '0' THEN 'INSERT' WHEN '1' THEN 'UPDATE' WHEN '2' THEN 'DELETE' ELSE op END";

    // ---- comments: what Depot keeps in a table and its columns, for people who read the database ----

    /** A string literal holding {@code text}, for DDL (comments, registry lines). */
    String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Appended to a column definition; empty where comments are statements of their own or unsupported. */
    String columnComment(String text) {
        return "";
    }

    /** Appended to CREATE TABLE after {@link #tableOptions}; empty where comments are statements or unsupported. */
    String tableComment(String text) {
        return "";
    }

    /**
     * The statements that attach comments to a table ({@code tableText}, or none if null) and to
     * columns (name to text); none by default, where comments are inline or unsupported.
     */
    List<String> commentStatements(String table, String tableText, Map<String, String> columns) {
        return List.of();
    }

    /** {@code COMMENT ON TABLE/COLUMN}, as PostgreSQL and H2 take them. */
    final List<String> commentOn(String table, String tableText, Map<String, String> columns) {
        List<String> out = new ArrayList<>();
        if (tableText != null) {
            out.add("COMMENT ON TABLE " + table + " IS " + literal(tableText));
        }
        columns.forEach((column, text) -> out.add("COMMENT ON COLUMN " + table + "." + column + " IS " + literal(text)));
        return out;
    }

    /** Whether DDL takes part in transactions (so evolution is all-or-nothing). */
    boolean transactionalDdl() {
        return false;
    }

    /**
     * Whether new index columns and their SQL indexes are added by one {@code ALTER TABLE}, before any
     * row is written: where each DDL statement commits by itself, that one statement is atomic, so a
     * schema change refused at its table lock (see {@link #boundLockWaits}) has changed nothing.
     */
    boolean addsIndexesInOneAlter() {
        return false;
    }

    /**
     * The statement that bounds each lock wait of the schema change about to run in this transaction
     * to a short time, or null where a waiting DDL statement makes no other statement wait behind it
     * (H2, SQLite: readers hold no lock a schema change waits for). On PostgreSQL and MariaDB a DDL
     * statement waiting for a table lock makes every later query of that table queue behind it, so
     * it must give up soon and try again ({@link JdbcBackend#alter}). Undone by {@link #unboundLockWaits}.
     */
    String boundLockWaits() {
        return null;
    }

    /**
     * A lock shared by every depot of this JVM on the database {@code c} is connected to, that data
     * transactions hold shared and schema changes exclusively, or null where the database's own locks
     * keep them apart. See {@link H2Dialect#schemaChangeGate}.
     */
    SchemaChangeGate schemaChangeGate(Connection c) throws SQLException {
        return null;
    }

    /** Undoes {@link #boundLockWaits} on the connection, or null where it ends with the transaction. */
    String unboundLockWaits() {
        return null;
    }

    /** Whether {@code e} says a lock wait bounded by {@link #boundLockWaits} ran out (nothing of the statement applied). */
    boolean lockWaitRanOut(SQLException e) {
        return false;
    }

    // ---- ORDER BY with Depot's NULL placement: first ascending, last descending ----

    String ascending(String column) {
        return column + " ASC NULLS FIRST";
    }

    String descending(String column) {
        return column + " DESC NULLS LAST";
    }

    /**
     * Written before a query's SELECT that sorts by an index column: what the database needs to sort
     * whole values, "" where it always does.
     */
    String sortedSelectPrefix() {
        return "";
    }

    /**
     * Whether a query whose conditions the database may turn into an IN-list index lookup must be
     * parsed afresh on every run instead of reusing a cached plan.
     */
    boolean reparsesInLists() {
        return false;
    }

    /**
     * A condition true for the rows whose {@code column} of {@code table} lies in one of the ranges
     * {@code [lower, upper)} (the {@code n} lower bounds' markers, then the {@code n} upper bounds'),
     * by a join of the table with the list of bounds, where {@link #joinsRanges} says so. Used for
     * an OR of many {@code startsWith} of one column.
     */
    String inRanges(String table, String column, List<String> lowers, List<String> uppers) {
        throw new UnsupportedOperationException(name() + " writes ranges as an OR");
    }

    /** Whether {@link #inRanges} is this database's form of an OR of many ranges of one column. */
    boolean joinsRanges() {
        return false;
    }

    /** A statement that wakes other processes' feed waiters at commit, or null where they poll. */
    String notify(String channel) {
        return null;
    }

    /** Locks the selected row until commit; empty where the write transaction is already exclusive. */
    String forUpdate() {
        return " FOR UPDATE";
    }

    /**
     * Locks the selected row until commit against deletion (and changes of its key) only, so that
     * many transactions may hold it at once; {@link #forUpdate()} where the database has no such
     * lock. A produce holds its queue's declaration row so, and dropping the queue deletes it.
     */
    String forKeyShare() {
        return forUpdate();
    }

    /**
     * The locking clause that makes {@link QueueTables#lockedInsert} hold the queue's declaration row
     * (its table aliased {@code q}) as {@link #forKeyShare()} does, or null where the database cannot
     * lock in an {@code INSERT ... SELECT} or a produce's separate locking read costs no round trip
     * (an embedded database): the produce then reads the declaration first.
     */
    String queueLockInInsert() {
        return null;
    }

    /**
     * Appended to a read of the counter row to lock it only if it is free (no row is returned when
     * another transaction holds it); null where the database cannot, which leaves every commit to the
     * sequencer.
     */
    String tryLock() {
        return " FOR UPDATE SKIP LOCKED";
    }

    /**
     * A sequencer run as one round trip, or null (the default: one statement at a time). The script
     * locks the counter row, then in a second statement (a new snapshot, which sees every commit that
     * ended while it waited) moves all outbox rows it sees into the feed and advances the counter,
     * returning the new counter, how many events it numbered and the oldest event's second; it also
     * applies retention by count (dropping events through the new end minus {@code maxEvents}, as far as
     * rows older than the statement go; {@link Feed#afterScript} drops the rest) and raises the trim floor. Where the script also wakes other
     * processes' waiters, {@link #notifiesInScripts} says so.
     */
    String sequencerScript(String prefix, long maxEvents) {
        return null;
    }

    /**
     * Whether a commit leaves its events in the outbox and returns without waiting for them to be
     * numbered ({@link Sequencer#poke}; feed reads number what is waiting before they read), instead
     * of numbering them itself when the counter is free or waiting for a run. True where writers
     * commit in parallel and a numbering per commit would serialize them.
     */
    boolean numbersAfterCommit() {
        return false;
    }

    /** Whether every connection takes several statements in one execute (so COMMIT can ride along). */
    boolean multiStatementsAlways() {
        return false;
    }

    /** Whether {@link #sequencerScript} notifies itself (no NOTIFY after it). */
    boolean notifiesInScripts() {
        return false;
    }

    /** The outbox's id column: an auto-increment primary key. */
    String identityColumn() {
        return "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    }

    /**
     * Appended to the sequencer's read of the outbox. Empty where a statement that starts after the
     * previous run's commit returned its lock sees that commit (PostgreSQL, SQLite); H2 may serve a
     * repeated query from a result it cached before such a commit (see {@link H2Dialect#outboxRead}),
     * so there the read is a locking one, which reads the latest committed rows; InnoDB's too, skipping
     * the rows of commits in flight, and of commits still releasing their locks ({@link WholeCommits}).
     */
    String outboxRead() {
        return "";
    }

    /** Whether {@link #outboxRead} skips locked rows, so the sequencer checks each commit it read is whole ({@link WholeCommits}). */
    boolean outboxReadSkipsLocked() {
        return false;
    }

    /** Whether writers of different keys commit in parallel (false where the database has one writer). */
    boolean parallelWriters() {
        return true;
    }

    // ---- values ----

    void bindKey(PreparedStatement ps, int i, KeyType type, Object key) throws SQLException {
        switch (type) {
            case LONG -> ps.setLong(i, (Long) key);
            case STRING -> ps.setString(i, (String) key);
            case UUID -> ps.setString(i, key.toString());
        }
    }

    Object readKey(ResultSet rs, int col, KeyType type) throws SQLException {
        return switch (type) {
            case LONG -> rs.getLong(col);
            case STRING -> rs.getString(col);
            case UUID -> UUID.fromString(rs.getString(col));
        };
    }

    void bindValue(PreparedStatement ps, int i, IndexType type, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, sqlType(type));
            return;
        }
        switch (type) {
            case STRING -> ps.setString(i, (String) v);
            case LONG -> ps.setLong(i, (Long) v);
            case DOUBLE -> ps.setDouble(i, (Double) v);
            case BOOLEAN -> ps.setBoolean(i, (Boolean) v);
            case INSTANT -> ps.setLong(i, EpochMicros.of((Instant) v));
            case UUID -> ps.setString(i, v.toString());
        }
    }

    Object readValue(ResultSet rs, int col, IndexType type) throws SQLException {
        Object v = switch (type) {
            case STRING -> rs.getString(col);
            case LONG -> rs.getLong(col);
            case DOUBLE -> rs.getDouble(col);
            case BOOLEAN -> rs.getBoolean(col);
            case INSTANT -> EpochMicros.toInstant(rs.getLong(col));
            case UUID -> {
                String s = rs.getString(col);
                yield s == null ? null : UUID.fromString(s);
            }
        };
        return rs.wasNull() ? null : v;
    }

    int sqlType(IndexType type) {
        return switch (type) {
            case STRING, UUID -> Types.VARCHAR;
            case LONG, INSTANT -> Types.BIGINT;
            case DOUBLE -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
        };
    }

    // ---- transactions ----

    /** Starts a read-only transaction whose first read fixes a snapshot of the whole database. */
    void beginSnapshot(Connection c) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setAutoCommit(false);
    }

    /**
     * This dialect for connections that do not take several statements at once (an application's
     * DataSource, or a pool without the {@link #multiStatementProperty}); itself by default.
     */
    Dialect withoutMultiStatements() {
        return this;
    }

    /**
     * The statement that begins a write transaction where transactions are statement-driven (each
     * setAutoCommit costs the driver a round trip; the statements leave the connection in
     * auto-commit, as the pool expects), or null for JDBC's own {@code setAutoCommit(false)} ...
     * {@code commit()} ... {@code setAutoCommit(true)}.
     */
    String beginStatement() {
        return null;
    }

    /** Starts a read-committed write transaction. */
    final void beginWrite(Connection c) throws SQLException {
        String begin = beginStatement();
        if (begin == null) {
            c.setAutoCommit(false);
        } else {
            execute(c, begin);
        }
    }

    /**
     * What commits a statement-driven write transaction (see {@link #beginStatement}) and leaves the
     * connection in auto-commit; also what {@link #withCommit} appends.
     */
    String commitStatement() {
        return "COMMIT";
    }

    /** {@code sql} followed, in the same round trip, by the commit (where several statements go in one execute). */
    final String withCommit(String sql) {
        return sql + "; " + commitStatement();
    }

    /** What rolls a statement-driven write transaction back and leaves the connection in auto-commit. */
    String rollbackStatement() {
        return "ROLLBACK";
    }

    final void commit(Connection c) throws SQLException {
        if (beginStatement() == null) {
            c.commit();
        } else {
            execute(c, commitStatement());
        }
    }

    void rollback(Connection c) throws SQLException {
        if (beginStatement() == null) {
            c.rollback();
        } else {
            execute(c, rollbackStatement());
        }
    }

    /** Returns a connection to auto-commit after a write transaction ended. */
    final void endWrite(Connection c) throws SQLException {
        if (beginStatement() == null) {
            c.setAutoCommit(true);
        }
    }

    /** Returns a connection to auto-commit read-committed after a snapshot ended. */
    void endSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(true);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }

    // ---- errors ----

    /**
     * Classifies a failure by its whole chain, for every dialect in one place: the exception, its
     * {@link SQLException#getNextException() next exceptions} (a batch's real failure hides there) and
     * its causes (a driver may wrap a {@code SocketException} in an exception without SQLSTATE). A
     * timeout anywhere wins, then a lost connection anywhere, then the first specific class.
     */
    final Failure classify(SQLException e) {
        boolean unavailable = false;
        Failure first = Failure.OTHER;
        for (Throwable t : chain(e)) {
            Failure f = t instanceof SQLException s ? classifyOne(s) : classifyCause(t);
            if (f == Failure.TIMEOUT || f == Failure.FULL) {
                return f;
            }
            unavailable |= f == Failure.UNAVAILABLE;
            if (first == Failure.OTHER) {
                first = f;
            }
        }
        return unavailable ? Failure.UNAVAILABLE : first;
    }

    /** The first SQLSTATE along the chain, or null: what messages show. */
    static String sqlState(SQLException e) {
        for (Throwable t : chain(e)) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /** The exception, then breadth-first its next exceptions and causes, each once (bounded, cycles cut). */
    static List<Throwable> chain(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Throwable> todo = new ArrayDeque<>(List.of(e));
        while (!todo.isEmpty() && out.size() < 32) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            out.add(t);
            if (t instanceof SQLException s && s.getNextException() != null) {
                todo.add(s.getNextException());
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return out;
    }

    /** A non-SQL cause: any I/O failure means the conversation with the server broke. */
    private static Failure classifyCause(Throwable t) {
        if (t instanceof SocketTimeoutException) {
            return Failure.TIMEOUT;
        }
        if (t instanceof IOException && dev.depot.spi.StorageFull.says(t.getMessage())) {
            return Failure.FULL; // an embedded database's own file write (H2)
        }
        if (t instanceof IOException) { // SocketException, EOFException, ConnectException, UnknownHostException...
            return Failure.UNAVAILABLE;
        }
        return Failure.OTHER;
    }

    /**
     * What HikariCP throws, without SQLSTATE or cause, for any call on a connection it has marked
     * broken after a connection-class failure: a rollback or cleanup after a lost connection meets
     * this one, and may report it instead of the first.
     */
    private static final String POOL_MARKED_BROKEN = "Connection is closed";

    /**
     * Whether {@code e}, from a read in a transaction's snapshot, says the snapshot is older than the
     * table it read (created or altered by another process since it began). PostgreSQL and H2 read
     * such a table without complaint; MariaDB and SQLite refuse.
     */
    boolean tableNewerThanSnapshot(SQLException e) {
        return false;
    }

    /**
     * Whether a snapshot also fixes the schema, so that a table {@link #tableNewerThanSnapshot newer}
     * than it was certainly created after it began and held nothing for it (SQLite: the schema is
     * in the database file, read under the same read transaction).
     */
    boolean snapshotHasSchema() {
        return false;
    }

    /** One exception of the chain, by the standard classes and SQLSTATEs; dialects add their codes. */
    Failure classifyOne(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e instanceof SQLTimeoutException || state.equals("57014")) { // 57014: statement cancelled (its timeout)
            return Failure.TIMEOUT;
        }
        // 08: connection exception; 57P01..57P03: admin shutdown, crash shutdown, cannot connect now
        if (state.startsWith("08") || state.startsWith("57P0") || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException) {
            return Failure.UNAVAILABLE;
        }
        if (state.isEmpty() && e.getCause() == null && POOL_MARKED_BROKEN.equals(e.getMessage())) {
            return Failure.UNAVAILABLE;
        }
        if (state.equals("40001") || state.equals("40P01")) {
            return Failure.CONFLICT;
        }
        if (state.equals("23505")) {
            return Failure.UNIQUE;
        }
        if (state.equals("53100")) { // PostgreSQL disk_full
            return Failure.FULL;
        }
        return Failure.OTHER;
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static Dialect forScheme(String scheme) {
        return switch (scheme) {
            case "postgresql", "postgres" -> new PostgresDialect();
            case "mariadb", "mysql" -> new MariaDbDialect();
            case "h2" -> new H2Dialect();
            case "sqlite" -> new SqliteDialect();
            default -> throw new IllegalArgumentException("not a JDBC scheme: " + scheme);
        };
    }
}
