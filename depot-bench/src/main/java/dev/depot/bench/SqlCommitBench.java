package dev.depot.bench;

import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Versioned;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Commits per second on PostgreSQL and MariaDB: Depot's auto-commit insert and versioned update
 * against hand-written JDBC writing <em>the same rows with the same durability</em> (issue 8). Run
 * with 1 and with 8 JMH threads ({@link CommitBenchMain} does both in one process).
 *
 * <ul>
 *   <li>{@code depotInsert}, {@code depotUpdate}: {@code Records.insert(p)}; {@code getVersioned}
 *       then {@code update(v, version)}.
 *   <li>{@code jdbcInsert}, {@code jdbcUpdate} (the anchor the targets are measured against): what a
 *       careful hand-written store with a change feed does — one transaction writing the record row
 *       (key, version, JSON document, the two indexed columns) and one change row to an outbox
 *       table with an auto-increment id; the update reads the row, then updates it where the
 *       version still matches, plus the change row. Same indexes as Depot's table.
 *   <li>{@code bareInsert}: the least a database does for an insert — one typed row, auto-commit,
 *       no change row; shown for reference, not a target.
 * </ul>
 *
 * Threads write disjoint keys (inserts: fresh keys per thread; updates: keys {@code i ≡ thread mod
 * 8}), so no run measures conflicts. Tables are prefixed {@code benchc_} and dropped after the run.
 */
@State(Scope.Benchmark)
public class SqlCommitBench {
    /** Servers; {@code DEPOT_BENCH_POSTGRES_URL} and {@code DEPOT_BENCH_MARIADB_URL} override them. */
    static final String POSTGRES = System.getenv().getOrDefault("DEPOT_BENCH_POSTGRES_URL",
            "postgresql://postgres@127.0.0.1:5432/test");
    static final String MARIADB = System.getenv().getOrDefault("DEPOT_BENCH_MARIADB_URL",
            "mariadb://root@127.0.0.1:3306/test");
    static final String PREFIX = "benchc_";
    static final int STRIDE = 8;

    @Param({"postgresql", "mariadb"})
    public String db;

    @Param({"10000"})
    public int size;

    Depot depot;
    Records<UUID, Player> players;
    final AtomicInteger threads = new AtomicInteger();

    String depotUrl() {
        return ("postgresql".equals(db) ? POSTGRES : MARIADB) + "?tablePrefix=" + PREFIX;
    }

    boolean postgres() {
        return "postgresql".equals(db);
    }

    /** A plain JDBC connection to the same server, credentials taken from the Depot URL. */
    Connection connect() throws SQLException {
        String url = postgres() ? POSTGRES : MARIADB;
        String scheme = url.substring(0, url.indexOf("://"));
        String rest = url.substring(scheme.length() + 3);
        int at = rest.indexOf('@');
        String user = at < 0 ? null : rest.substring(0, at);
        return DriverManager.getConnection("jdbc:" + scheme + "://" + rest.substring(at + 1), user, null);
    }

    @Setup(Level.Trial)
    public void load() throws SQLException {
        try (Connection c = connect()) {
            dropTables(c);
            createAnchorTables(c);
            loadAnchor(c);
        }
        depot = Depot.open(depotUrl());
        players = depot.records(Data.PLAYERS);
        List<Player> batch = new ArrayList<>(1000);
        for (int i = 0; i < size; i++) {
            batch.add(Data.player(i, size));
            if (batch.size() == 1000 || i == size - 1) {
                players.saveAll(batch);
                batch.clear();
            }
        }
        threads.set(0);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        depot.close();
        try (Connection c = connect()) {
            dropTables(c);
        }
    }

    private void createAnchorTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (postgres()) {
                s.execute("CREATE TABLE benchc_anchor_rec (k UUID PRIMARY KEY, ver BIGINT NOT NULL, doc BYTEA NOT NULL,"
                        + " name VARCHAR(200), score BIGINT)");
                s.execute("CREATE TABLE benchc_anchor_events (id BIGSERIAL PRIMARY KEY, coll VARCHAR(200) NOT NULL,"
                        + " rkey VARCHAR(200) NOT NULL, op INT NOT NULL, ver BIGINT NOT NULL, t_sec BIGINT NOT NULL, t_nano INT NOT NULL)");
                s.execute("CREATE TABLE benchc_anchor_bare (id UUID PRIMARY KEY, name TEXT NOT NULL, email TEXT,"
                        + " score BIGINT NOT NULL, joined TIMESTAMPTZ, country TEXT, bio TEXT, version BIGINT NOT NULL)");
            } else {
                s.execute("CREATE TABLE benchc_anchor_rec (k BINARY(16) PRIMARY KEY, ver BIGINT NOT NULL, doc LONGBLOB NOT NULL,"
                        + " name VARCHAR(200), score BIGINT) ENGINE=InnoDB");
                s.execute("CREATE TABLE benchc_anchor_events (id BIGINT AUTO_INCREMENT PRIMARY KEY, coll VARCHAR(200) NOT NULL,"
                        + " rkey VARCHAR(200) NOT NULL, op INT NOT NULL, ver BIGINT NOT NULL, t_sec BIGINT NOT NULL, t_nano INT NOT NULL) ENGINE=InnoDB");
                s.execute("CREATE TABLE benchc_anchor_bare (id BINARY(16) PRIMARY KEY, name VARCHAR(200) NOT NULL, email VARCHAR(200),"
                        + " score BIGINT NOT NULL, joined DATETIME(6) NULL, country VARCHAR(8), bio VARCHAR(200), version BIGINT NOT NULL) ENGINE=InnoDB");
            }
            s.execute("CREATE INDEX benchc_anchor_rec_name ON benchc_anchor_rec (name, k)");
            s.execute("CREATE INDEX benchc_anchor_rec_score ON benchc_anchor_rec (score, k)");
            s.execute("CREATE INDEX benchc_anchor_bare_name ON benchc_anchor_bare (name)");
            s.execute("CREATE INDEX benchc_anchor_bare_score ON benchc_anchor_bare (score, id)");
        }
    }

    private void loadAnchor(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO benchc_anchor_rec (k, ver, doc, name, score) VALUES (?, 1, ?, ?, ?)")) {
            for (int i = 0; i < size; i++) {
                Player p = Data.player(i, size);
                bindKey(ps, 1, p.id());
                ps.setBytes(2, Data.encode(p));
                ps.setString(3, p.name());
                ps.setLong(4, p.score());
                ps.addBatch();
                if (i % 1000 == 999 || i == size - 1) {
                    ps.executeBatch();
                    c.commit();
                }
            }
        }
        c.setAutoCommit(true);
    }

    private void dropTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), postgres() ? "public" : null, PREFIX + "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        try (Statement s = c.createStatement()) {
            for (String t : tables) {
                if (t.startsWith(PREFIX)) {
                    s.execute("DROP TABLE IF EXISTS " + t);
                }
            }
        }
    }

    void bindKey(PreparedStatement ps, int i, UUID key) throws SQLException {
        if (postgres()) {
            ps.setObject(i, key);
        } else {
            byte[] b = new byte[16];
            long hi = key.getMostSignificantBits();
            long lo = key.getLeastSignificantBits();
            for (int j = 0; j < 8; j++) {
                b[j] = (byte) (hi >>> (56 - 8 * j));
                b[8 + j] = (byte) (lo >>> (56 - 8 * j));
            }
            ps.setBytes(i, b);
        }
    }

    /** One benchmark thread: its own connection (as a pool would hand out) and its own keys. */
    @State(Scope.Thread)
    public static class Worker {
        SqlCommitBench bench;
        Connection conn;
        PreparedStatement insertRec;
        PreparedStatement insertEvent;
        PreparedStatement selectRec;
        PreparedStatement updateRec;
        PreparedStatement insertBare;
        int index;
        long nextInsert;
        int walk;

        @Setup(Level.Trial)
        public void open(SqlCommitBench b) throws SQLException {
            bench = b;
            index = b.threads.getAndIncrement();
            nextInsert = b.size + 10_000_000L * (index + 1);
            walk = index * 7_777;
            conn = b.connect();
            insertRec = conn.prepareStatement("INSERT INTO benchc_anchor_rec (k, ver, doc, name, score) VALUES (?, 1, ?, ?, ?)");
            insertEvent = conn.prepareStatement("INSERT INTO benchc_anchor_events (coll, rkey, op, ver, t_sec, t_nano) VALUES (?, ?, ?, ?, ?, ?)");
            selectRec = conn.prepareStatement("SELECT ver, doc FROM benchc_anchor_rec WHERE k = ?");
            updateRec = conn.prepareStatement("UPDATE benchc_anchor_rec SET ver = ?, doc = ?, name = ?, score = ? WHERE k = ? AND ver = ?");
            insertBare = conn.prepareStatement("INSERT INTO benchc_anchor_bare (id, name, email, score, joined, country, bio, version)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, 1)");
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            conn.close();
        }

        Player fresh() {
            return Data.player(nextInsert++, bench.size);
        }

        /** A pseudo-random key of this thread's share ({@code i ≡ index mod 8}). */
        UUID ownKey() {
            walk = Data.next(walk, bench.size / STRIDE);
            return Data.key((long) walk * STRIDE + index);
        }

        void event(String key, int op, long version) throws SQLException {
            Instant now = Instant.now();
            insertEvent.setString(1, "players");
            insertEvent.setString(2, key);
            insertEvent.setInt(3, op);
            insertEvent.setLong(4, version);
            insertEvent.setLong(5, now.getEpochSecond());
            insertEvent.setInt(6, now.getNano());
            insertEvent.executeUpdate();
        }
    }

    @Benchmark
    public long depotInsert(Worker w) {
        return players.insert(w.fresh());
    }

    @Benchmark
    public long depotUpdate(Worker w) {
        Versioned<Player> v = players.getVersioned(w.ownKey()).orElseThrow();
        return players.update(v.value().withScore(v.value().score()), v.version());
    }

    @Benchmark
    public long jdbcInsert(Worker w) throws SQLException {
        Player p = w.fresh();
        w.conn.setAutoCommit(false);
        try {
            bindKey(w.insertRec, 1, p.id());
            w.insertRec.setBytes(2, Data.encode(p));
            w.insertRec.setString(3, p.name());
            w.insertRec.setLong(4, p.score());
            w.insertRec.executeUpdate();
            w.event(p.id().toString(), 0, 1);
            w.conn.commit();
        } catch (SQLException | RuntimeException e) {
            w.conn.rollback();
            throw e;
        } finally {
            w.conn.setAutoCommit(true);
        }
        return 1;
    }

    @Benchmark
    public long jdbcUpdate(Worker w) throws SQLException {
        UUID key = w.ownKey();
        bindKey(w.selectRec, 1, key);
        long version;
        Player p;
        try (ResultSet rs = w.selectRec.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("missing key");
            }
            version = rs.getLong(1);
            p = Data.decode(rs.getBytes(2));
        }
        Player next = p.withScore(p.score());
        w.conn.setAutoCommit(false);
        try {
            w.updateRec.setLong(1, version + 1);
            w.updateRec.setBytes(2, Data.encode(next));
            w.updateRec.setString(3, next.name());
            w.updateRec.setLong(4, next.score());
            bindKey(w.updateRec, 5, key);
            w.updateRec.setLong(6, version);
            if (w.updateRec.executeUpdate() != 1) {
                throw new IllegalStateException("version conflict on a key no other thread writes");
            }
            w.event(key.toString(), 1, version + 1);
            w.conn.commit();
        } catch (SQLException | RuntimeException e) {
            w.conn.rollback();
            throw e;
        } finally {
            w.conn.setAutoCommit(true);
        }
        return version + 1;
    }

    @Benchmark
    public int bareInsert(Worker w) throws SQLException {
        Player p = w.fresh();
        bindKey(w.insertBare, 1, p.id());
        w.insertBare.setString(2, p.name());
        w.insertBare.setString(3, p.email());
        w.insertBare.setLong(4, p.score());
        w.insertBare.setTimestamp(5, java.sql.Timestamp.from(p.joined()));
        w.insertBare.setString(6, p.country());
        w.insertBare.setString(7, p.bio());
        return w.insertBare.executeUpdate();
    }
}
