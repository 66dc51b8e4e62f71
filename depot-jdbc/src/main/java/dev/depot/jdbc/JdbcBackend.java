package dev.depot.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.depot.BackendUnavailableException;
import dev.depot.Capabilities;
import dev.depot.Capability;
import dev.depot.ChangeEvent;
import dev.depot.DepotOptions;
import dev.depot.DepotStats;
import dev.depot.Health;
import dev.depot.spi.Backend;
import dev.depot.spi.ChangeLog;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Reindexer;
import dev.depot.spi.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The one JDBC backend: records, transactions and the change feed over a pooled database, with a
 * {@link Dialect} for what differs. Every write goes through {@link #inWrite}: a read-committed data
 * transaction that locks only the rows it writes and leaves its change events in the outbox, which
 * the {@link Sequencer} numbers right after COMMIT; so writers of different keys commit in parallel.
 * Schema changes and clearing the depot take the sequence counter's lock as well ({@link
 * #writeExclusive}). Thread-safe.
 */
final class JdbcBackend implements Backend {
    private static final int WRITE_ATTEMPTS = 5;

    final Dialect dialect;
    final DepotOptions options;
    final SqlFailures failures;
    final Feed feed;
    final Catalog catalog;
    final SqlBlobStore blobStore;
    final SqlQueueStore queues;
    private final boolean multiStatements;
    private final JdbcSettings settings;
    private final String scheme;
    private final Connections pool;
    private final AutoCommitSession autoCommit;
    private final StampBlock stamps;
    private final PgListener listener;
    private volatile boolean closed;
    /** Held shared by data transactions and exclusively by schema changes where the dialect has one ({@link Dialect#schemaChangeGate}). */
    private volatile SchemaChangeGate gate;
    /** Stamped on this backend's commits' events. */
    private final String origin;

    private JdbcBackend(JdbcSettings settings, DepotOptions options, Connections pool, SqlConnector listenOn) {
        this.settings = settings;
        this.options = options;
        this.origin = dev.depot.spi.Origins.of(options);
        this.pool = pool;
        this.scheme = settings.display().substring(0, settings.display().indexOf(':'));
        String multi = settings.dialect().multiStatementProperty();
        this.multiStatements = multi != null && pool instanceof Connections.Owned
                && Boolean.parseBoolean(settings.connectionProperties().getProperty(multi));
        this.dialect = multiStatements ? settings.dialect() : settings.dialect().withoutMultiStatements();
        this.failures = new SqlFailures(dialect, settings.display(), this::evictIdleConnections, () -> closed);
        this.feed = new Feed(this, settings.tablePrefix(), options);
        this.catalog = new Catalog(this, settings.tablePrefix(), settings.ddl(), settings.display());
        this.autoCommit = new AutoCommitSession(this);
        this.blobStore = new SqlBlobStore(this, settings.tablePrefix());
        this.stamps = new StampBlock(dialect, settings.tablePrefix());
        this.queues = new SqlQueueStore(this, settings.tablePrefix());
        String channel = settings.tablePrefix() + "changes"; // the feed table's name, which Feed notifies
        this.listener = dialect.notify(channel) == null ? null : new PgListener(settings, listenOn, channel, feed::published);
    }

    /** Starts listening for other processes' commits, where the database can tell. */
    void listenForCommits() {
        if (listener != null) {
            listener.start();
        }
    }

    static JdbcBackend open(JdbcSettings settings, DepotOptions options) {
        HikariDataSource pool;
        OpenRefusal.checkSqliteDirectory(settings);
        try {
            pool = Pools.open(settings);
        } catch (HikariPool.PoolInitializationException e) {
            SqlFailures failures = new SqlFailures(settings.dialect(), settings.display(), () -> { });
            if (e.getCause() instanceof SQLException cause) {
                RuntimeException refused = OpenRefusal.of(cause, settings);
                if (refused != null) {
                    throw refused;
                }
                throw failures.map(cause, "opening the depot");
            }
            throw new BackendUnavailableException(settings.dialect().name() + " could not be reached while opening the depot ("
                    + settings.display() + ")", e.getCause() == null ? e : e.getCause());
        }
        return start(settings, options, new Connections.Owned(pool), () -> PgListener.connect(settings));
    }

    /**
     * A backend on an application's pool: nothing of the pool is configured or closed by Depot, and
     * the change listener (PostgreSQL) holds one of its connections while a feed waits.
     */
    static JdbcBackend borrow(JdbcSettings settings, DepotOptions options, javax.sql.DataSource dataSource) {
        Integer isolation = settings.dialect().poolIsolation() == null ? null : Connection.TRANSACTION_READ_COMMITTED;
        return start(settings, options, new Connections.Borrowed(dataSource, isolation), dataSource::getConnection);
    }

    /** Sets the dialect's database-wide setting; a refusal (no admin rights) is logged, not fatal. */
    private void applyDatabaseSetting(Connection c) {
        String sql = dialect.databaseSettingSql();
        if (sql == null) {
            return;
        }
        try (java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            LoggerFactory.getLogger(JdbcBackend.class).warn("{} refused '{}' (SQLSTATE {}): a read right after a change event may"
                    + " return the record as before it; grant the depot's user admin rights or set it in the URL", dialect.name(), sql,
                    e.getSQLState());
        }
    }

    private static JdbcBackend start(JdbcSettings settings, DepotOptions options, Connections pool, SqlConnector listenOn) {
        try {
            JdbcBackend b = new JdbcBackend(settings, options, pool, listenOn);
            b.read("creating Depot's tables", c -> {
                b.gate = b.dialect.schemaChangeGate(c);
                b.applyDatabaseSetting(c);
                b.catalog.init(c);
                return null;
            });
            b.blobStore.sweep(); // uploads of a process that died mid-write
            return b;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Whether one prepared statement may hold several statements ({@link Dialect#multiStatementProperty}
     * set on the connections): only on Depot's own pool, whose properties Depot knows.
     */
    boolean multiStatements() {
        return multiStatements;
    }

    /** The pool Depot built for this backend from its URL; null on an application's DataSource. */
    HikariDataSource ownPool() {
        return pool instanceof Connections.Owned owned ? owned.pool() : null;
    }

    private void evictIdleConnections() {
        pool.evictIdle();
    }

    Connection connection() throws SQLException {
        return pool.get();
    }

    Table table(CollectionSpec spec) {
        return catalog.table(spec);
    }

    /**
     * Runs read-only work on an auto-commit connection. If the connection turns out dead (killed while
     * idle, the server restarted) the work runs once more on a fresh one: a read has no outcome to lose.
     * A timeout is not retried, so a call stays within its bound.
     */
    /** A call that may throw {@link SQLException}. */
    interface SqlCall<T> {
        T call() throws SQLException;
    }

    /**
     * Runs {@code call} holding the gate shared, where the dialect has one ({@link
     * Dialect#schemaChangeGate}): a read of H2 met the table mid-copy ({@code 42S02}/{@code 42S03},
     * table not found) while another depot added an index. Never around user code: a transaction's
     * reads take it for one call at a time, so a schema change waits for statements, not snapshots.
     */
    <T> T shared(SqlCall<T> call) throws SQLException {
        SchemaChangeGate g = gate;
        if (g == null) {
            return call.call();
        }
        g.readLock().lock();
        try {
            return call.call();
        } finally {
            g.readLock().unlock();
        }
    }

    /** The {@link SchemaChangeGate#clock} of the gate, 0 where there is none; read under {@link #shared}. */
    long schemaClock() {
        SchemaChangeGate g = gate;
        return g == null ? 0 : g.clock();
    }

    /** Notes, inside {@link #alter}, that a schema change is about to rebuild {@code table} (where the dialect has a gate). */
    void rebuilding(String table) {
        SchemaChangeGate g = gate;
        if (g != null) {
            g.rebuilding(table);
        }
    }

    /** Notes, inside {@link #alter}, that {@code table} is about to be created (where the dialect has a gate). */
    void creating(String table) {
        SchemaChangeGate g = gate;
        if (g != null) {
            g.creating(table);
        }
    }

    /** Whether a depot of this JVM created {@code table} after {@link #schemaClock} read {@code since}. */
    boolean createdSince(String table, long since) {
        SchemaChangeGate g = gate;
        return g != null && g.createdSince(table, since);
    }

    /** Whether a schema change rebuilt {@code table} after {@link #schemaClock} read {@code since}. */
    boolean rebuiltSince(String table, long since) {
        SchemaChangeGate g = gate;
        return g != null && g.rebuiltSince(table, since);
    }

    <T> T read(String what, SqlWork<Connection, T> work) {
        for (int attempt = 1; ; attempt++) {
            Connection c;
            try {
                c = connection();
            } catch (SQLException e) {
                throw failures.map(e, what);
            }
            try (c) {
                return shared(() -> work.run(c));
            } catch (SQLException e) {
                if (attempt > 1 || !lostConnection(e)) {
                    throw failures.map(e, what);
                }
            }
        }
    }

    /**
     * The connection died (not a timeout, not a pool with every connection busy) and the depot is open:
     * the pool drops its idle connections.
     */
    boolean lostConnection(SQLException e) {
        if (closed || e instanceof Connections.PoolExhausted || dialect.classify(e) != Dialect.Failure.UNAVAILABLE) {
            return false;
        }
        evictIdleConnections();
        return true;
    }

    /**
     * Runs work in a data transaction on a pooled connection. Outside a transaction a call never
     * reports a conflict: should the database report one (a concurrent insert of the same key or
     * unique value, a deadlock, a lock wait timing out), the work runs again from scratch against the
     * newest state, where its preconditions are evaluated anew.
     */
    <T> T write(String what, SqlWork<WriteTransaction, T> work) {
        return write(what, false, work);
    }

    /** As {@link #write}, also holding the sequence counter's lock: one such transaction at a time. */
    <T> T writeExclusive(String what, SqlWork<WriteTransaction, T> work) {
        return write(what, true, null, work);
    }

    /**
     * As {@link #write} (with the counter lock if {@code exclusive}), for work that changes tables
     * (DDL): every lock wait of an attempt is short ({@link Dialect#boundLockWaits}), and an attempt
     * whose wait ran out rolls back and runs again after a pause, until the statement timeout has
     * passed ({@link TableLockWaits}). So a transaction holding the table delays the change, not every
     * other query of the table, and the change goes through soon after that transaction ends.
     */
    <T> T alter(String what, boolean exclusive, SqlWork<WriteTransaction, T> work) {
        TableLockWaits waits = dialect.boundLockWaits() == null ? null
                : new TableLockWaits(settings.timeouts().statement(), what, settings.display());
        SqlWork<WriteTransaction, T> bounded = bounded(waits, work);
        SchemaChangeGate g = gate;
        if (g == null) {
            return write(what, exclusive, waits, bounded);
        }
        g.writeLock().lock(); // no data transaction of this JVM is under way while the table changes
        try {
            return write(what, exclusive, waits, bounded);
        } finally {
            g.writeLock().unlock();
        }
    }

    /**
     * As {@link #alter}, on {@code c} (idle, in auto-commit): for the upgrades of Depot's own tables
     * that an open applies on the connection it opens with (a second one from the pool could wait for
     * the first). {@code table} and {@code holders} name, for the message at the deadline, the table
     * waited for and what a transaction has done to hold it. Failures other than a lock wait that ran
     * out are thrown as they are, to the open's own handling.
     */
    <T> T alterOn(Connection c, String what, String table, String holders, boolean exclusive, SqlWork<WriteTransaction, T> work)
            throws SQLException {
        TableLockWaits waits = dialect.boundLockWaits() == null ? null
                : new TableLockWaits(settings.timeouts().statement(), what, table, holders, settings.display());
        SqlWork<WriteTransaction, T> bounded = bounded(waits, work);
        while (true) {
            try {
                return inWrite(c, exclusive, bounded);
            } catch (SQLException e) {
                if (waits == null || !dialect.lockWaitRanOut(e) || e instanceof CommitFailed) {
                    throw e;
                }
                waits.ranOut(e); // rolled back: nothing of this attempt applied
            }
        }
    }

    /** {@code work} with every lock wait short ({@link Dialect#boundLockWaits}) where {@code waits} is set. */
    private <T> SqlWork<WriteTransaction, T> bounded(TableLockWaits waits, SqlWork<WriteTransaction, T> work) {
        return waits == null ? work : tx -> {
            Dialect.execute(tx.conn, dialect.boundLockWaits());
            Throwable failed = null;
            try {
                return work.run(tx);
            } catch (SQLException | RuntimeException | Error e) {
                failed = e;
                throw e;
            } finally {
                String unbound = dialect.unboundLockWaits();
                if (unbound != null) {
                    try {
                        Dialect.execute(tx.conn, unbound);
                    } catch (SQLException e) {
                        if (failed == null) {
                            throw e;
                        }
                        failed.addSuppressed(e); // the connection broke: the first failure is the one to report
                    }
                }
            }
        };
    }

    private <T> T write(String what, boolean exclusive, SqlWork<WriteTransaction, T> work) {
        return write(what, exclusive, null, work);
    }

    private <T> T write(String what, boolean exclusive, TableLockWaits waits, SqlWork<WriteTransaction, T> work) {
        for (int attempt = 1; ; attempt++) {
            Connection c;
            try {
                c = connection();
            } catch (SQLException e) {
                // No connection within poolTimeout: nothing ran, and a second wait would double the bound.
                throw failures.map(e, what);
            }
            try (c) {
                return inWrite(c, exclusive, work);
            } catch (SQLException e) {
                if (waits != null && dialect.lockWaitRanOut(e) && !(e instanceof CommitFailed)) {
                    waits.ranOut(e); // rolled back: nothing of this attempt applied
                    attempt = 0;
                    continue;
                }
                Dialect.Failure f = dialect.classify(e);
                boolean raced = f == Dialect.Failure.CONFLICT || f == Dialect.Failure.UNIQUE;
                // A connection lost before COMMIT was sent rolled back: safe to run once more. Never after.
                boolean lostBeforeCommit = attempt == 1 && !(e instanceof CommitFailed) && lostConnection(e);
                if (!(raced || lostBeforeCommit) || attempt >= WRITE_ATTEMPTS) {
                    throw failures.map(e, what);
                }
            }
        }
    }

    /**
     * Begins a data transaction on {@code c} (in auto-commit), runs the work, applies the commit parts
     * and commits (or rolls back if the work failed or asked to); then, if it staged events, waits for
     * the sequencer to number them. {@code exclusive} takes the counter lock first. The connection is
     * back in auto-commit afterwards.
     */
    <T> T inWrite(Connection c, boolean exclusive, SqlWork<WriteTransaction, T> work) throws SQLException {
        if (closed) {
            throw new IllegalStateException("the depot is closed (" + settings + "); nothing was written");
        }
        SchemaChangeGate g = gate;
        if (g == null) {
            return inWriteUngated(c, exclusive, work);
        }
        g.readLock().lock(); // a schema change waits for this data transaction, and it for one under way
        try {
            return inWriteUngated(c, exclusive, work);
        } finally {
            g.readLock().unlock();
        }
    }

    private <T> T inWriteUngated(Connection c, boolean exclusive, SqlWork<WriteTransaction, T> work) throws SQLException {
        long stamp = stamps.next(c);
        dialect.beginWrite(c);
        boolean ended = false;
        WriteTransaction tx;
        T result;
        try {
            tx = new WriteTransaction(c, this, stamp, exclusive ? lockCounter(c) : -1);
            result = work.run(tx);
            if (tx.isRollbackOnly()) {
                dialect.rollback(c);
            } else if (!tx.committed()) {
                tx.applyParts();
                try {
                    dialect.commit(c);
                } catch (SQLException e) {
                    throw new CommitFailed(e);
                }
            }
            ended = true;
        } finally {
            if (!ended) {
                try {
                    dialect.rollback(c);
                } catch (SQLException e) {
                    // broken connection: the database rolls back; the pool discards it
                }
            }
            try {
                dialect.endWrite(c);
            } catch (SQLException e) {
                // as above
            }
        }
        if (!tx.isRollbackOnly()) {
            if (tx.staged() && dialect.numbersAfterCommit()) {
                feed.sequencer.poke(); // readers number on demand, so the commit need not wait
            } else if (tx.staged()) {
                feed.sequencer.settle(c);
            } else if (tx.numbered()) {
                feed.published();
            }
        }
        return result;
    }

    /** Locks the sequence counter row until the transaction ends; returns its value. */
    private long lockCounter(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT val FROM " + settings.tablePrefix() + "meta WHERE name = 'seq'" + dialect.forUpdate());
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the depot's sequence row is missing", "55000");
            }
            return rs.getLong(1);
        }
    }

    @Override
    public Capabilities capabilities() {
        List<Capability> caps = new ArrayList<>(List.of(
                Capability.RECORDS, Capability.TRANSACTIONS, Capability.UNIQUE_INDEXES, Capability.CHANGE_FEED));
        caps.add(Capability.BLOBS);
        caps.add(Capability.QUEUES);
        if (settings.durable()) {
            caps.add(Capability.DURABLE);
        }
        return Capabilities.of(caps.toArray(Capability[]::new));
    }

    @Override
    public void prepare(CollectionSpec collection, Reindexer reindexer) {
        catalog.prepare(collection, reindexer);
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public Session autoCommit() {
        return autoCommit;
    }

    @Override
    public Session begin() {
        return new TransactionSession(this);
    }

    @Override
    public ChangeLog changes() {
        return feed;
    }

    @Override
    public dev.depot.spi.BlobStore blobs() {
        return blobStore;
    }

    @Override
    public dev.depot.spi.QueueStore queues() {
        return queues;
    }

    @Override
    public void clear(CollectionSpec spec) {
        Table t = table(spec);
        write("clearing collection '" + spec.name() + "'", tx -> {
            // Locks the rows it deletes, and deletes exactly those: a key inserted meanwhile is a later write.
            List<PendingEvent> events = new ArrayList<>();
            List<Object> keys = new ArrayList<>();
            try (PreparedStatement ps = tx.conn.prepareStatement(t.lockAllKeys); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object key = Reads.key(rs, t);
                    keys.add(key);
                    events.add(new PendingEvent(spec.name(), spec.keyType().text(key), ChangeEvent.Op.DELETE, rs.getLong(2)));
                }
            }
            RowWriter.delete(tx.conn, t, keys);
            tx.stageEvents(events);
            return null;
        });
    }

    @Override
    public void clearAll() {
        long cleared = writeExclusive("clearing the depot", tx -> {
            for (Registry.Entry e : catalog.stored(tx.conn).values()) {
                Dialect.execute(tx.conn, "DELETE FROM " + e.table());
            }
            long end = feed.clear(tx.conn, tx.last());
            queues.clearAll(tx.conn);
            blobStore.clearAll(tx.conn); // in the same transaction: a failed clear leaves no blobs behind records
            return end;
        });
        // Committed: transactions begun from now on take at least the new floor as their bound, so a
        // rolled-back one is certainly NOT_COMMITTED, not UNKNOWN (see DefaultDepot.commitOutcome).
        feed.saw(cleared);
        blobStore.sweep(); // deletes the content the clear marked garbage, in batches; never throws
    }

    @Override
    public DepotStats stats() {
        feed.catchUp(); // the event count includes every commit that returned before
        return read("reading statistics", c -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Registry.Entry e : catalog.stored(c).values()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + e.table());
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    counts.put(e.collection(), rs.getLong(1));
                }
            }
            return new DepotStats(scheme, counts, feed.count(c), -1, blobStore.stats(c));
        });
    }

    @Override
    public Health health() {
        long start = System.nanoTime();
        try (Connection c = connection()) {
            boolean up = c.isValid(2);
            return new Health(up, scheme, Duration.ofNanos(System.nanoTime() - start), up ? "ok" : "the connection did not answer");
        } catch (Connections.PoolExhausted e) {
            return new Health(false, scheme, Duration.ofNanos(System.nanoTime() - start),
                    "all " + e.size + " connections of the pool are in use");
        } catch (SQLException | RuntimeException e) {
            String state = e instanceof SQLException s && s.getSQLState() != null ? " (SQLSTATE " + s.getSQLState() + ")" : "";
            return new Health(false, scheme, Duration.ofNanos(System.nanoTime() - start), "unavailable" + state);
        }
    }

    /** COMMIT itself failed: whether it applied is unknown, so the write is never run again. */
    static final class CommitFailed extends SQLException {
        CommitFailed(SQLException e) {
            super(e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        feed.sequencer.stop();
        if (listener != null) {
            listener.close();
        }
        pool.close();
    }

    @Override
    public String toString() {
        return "JdbcBackend[" + settings + "]";
    }
}
