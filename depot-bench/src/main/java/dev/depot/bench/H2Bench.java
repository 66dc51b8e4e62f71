package dev.depot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Anchor: H2 in memory through hand-written JDBC: a real table with a primary key, a version
 * column and indexes on name and score; prepared statements made once; rows mapped to
 * {@link Player} by hand. A change table (an outbox written with each change) anchors the feed.
 */
@State(Scope.Benchmark)
public class H2Bench {
    static final String URL = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";
    static final String COLUMNS = "id, name, email, score, joined, country, bio, version";

    @Param({"10000", "100000", "1000000"})
    public int size;

    Connection conn;
    PreparedStatement get;
    PreparedStatement insert;
    PreparedStatement getVersioned;
    PreparedStatement updateVersioned;
    PreparedStatement updateScore;
    PreparedStatement byName;
    PreparedStatement range;
    PreparedStatement firstPage;
    PreparedStatement nextPage;
    PreparedStatement delete;
    int position;
    long inserted;
    final List<UUID> insertedKeys = new ArrayList<>();
    int pageScore = -1;
    UUID pageKey;

    @Setup(Level.Trial)
    public void load() throws SQLException {
        conn = DriverManager.getConnection(URL);
        try (Statement s = conn.createStatement()) {
            s.execute("DROP ALL OBJECTS");
            s.execute("CREATE TABLE player (id UUID PRIMARY KEY, name VARCHAR(64) NOT NULL, email VARCHAR(128),"
                    + " score BIGINT NOT NULL, joined TIMESTAMP(6) WITH TIME ZONE, country VARCHAR(8),"
                    + " bio VARCHAR(256), version BIGINT NOT NULL)");
        }
        insert = conn.prepareStatement("INSERT INTO player (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, 1)");
        conn.setAutoCommit(false);
        for (int i = 0; i < size; i++) {
            bind(insert, Data.player(i, size));
            insert.addBatch();
            if (i % 1000 == 999 || i == size - 1) {
                insert.executeBatch();
                conn.commit();
            }
        }
        conn.setAutoCommit(true);
        try (Statement s = conn.createStatement()) { // indexes after the bulk load: same result, faster setup
            s.execute("CREATE INDEX player_name ON player(name)");
            s.execute("CREATE INDEX player_score ON player(score, id)");
            s.execute("ANALYZE");
        }
        get = conn.prepareStatement("SELECT " + COLUMNS + " FROM player WHERE id = ?");
        getVersioned = get;
        updateVersioned = conn.prepareStatement("UPDATE player SET name = ?, email = ?, score = ?, joined = ?,"
                + " country = ?, bio = ?, version = version + 1 WHERE id = ? AND version = ?");
        updateScore = conn.prepareStatement("UPDATE player SET name = ?, email = ?, score = ?, joined = ?,"
                + " country = ?, bio = ?, version = version + 1 WHERE id = ?");
        byName = conn.prepareStatement("SELECT " + COLUMNS + " FROM player WHERE name = ? ORDER BY id");
        range = conn.prepareStatement("SELECT " + COLUMNS + " FROM player WHERE score BETWEEN ? AND ?"
                + " ORDER BY score, id LIMIT 100");
        firstPage = conn.prepareStatement("SELECT " + COLUMNS + " FROM player ORDER BY score, id LIMIT 100");
        nextPage = conn.prepareStatement("SELECT " + COLUMNS + " FROM player WHERE score >= ?"
                + " AND (score > ? OR id > ?) ORDER BY score, id LIMIT 100");
        delete = conn.prepareStatement("DELETE FROM player WHERE id = ?");
        inserted = size;
    }

    static void bind(PreparedStatement ps, Player p) throws SQLException {
        ps.setObject(1, p.id());
        ps.setString(2, p.name());
        ps.setString(3, p.email());
        ps.setLong(4, p.score());
        ps.setTimestamp(5, Timestamp.from(p.joined()));
        ps.setString(6, p.country());
        ps.setString(7, p.bio());
    }

    static Player read(ResultSet rs) throws SQLException {
        return new Player(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), (int) rs.getLong(4),
                rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7));
    }

    static List<Player> list(PreparedStatement ps) throws SQLException {
        List<Player> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    @TearDown(Level.Iteration)
    public void removeInserted() throws SQLException {
        conn.setAutoCommit(false);
        for (UUID k : insertedKeys) {
            delete.setObject(1, k);
            delete.addBatch();
        }
        delete.executeBatch();
        conn.commit();
        conn.setAutoCommit(true);
        insertedKeys.clear();
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute("DROP ALL OBJECTS");
        }
        conn.close();
    }

    private UUID nextKey() {
        position = Data.next(position, size);
        return Data.key(position);
    }

    @Benchmark
    public Optional<Player> get() throws SQLException {
        get.setObject(1, nextKey());
        try (ResultSet rs = get.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    @Benchmark
    public int insert() throws SQLException {
        Player p = Data.player(inserted++, size);
        insertedKeys.add(p.id());
        bind(insert, p);
        return insert.executeUpdate();
    }

    /** Read row and version, then update where the version still matches (optimistic locking). */
    @Benchmark
    public int update() throws SQLException {
        getVersioned.setObject(1, nextKey());
        Player p;
        long version;
        try (ResultSet rs = getVersioned.executeQuery()) {
            rs.next();
            p = read(rs);
            version = rs.getLong(8);
        }
        bindUpdate(updateVersioned, p.withScore(p.score()));
        updateVersioned.setLong(8, version);
        int n = updateVersioned.executeUpdate();
        if (n != 1) {
            throw new IllegalStateException("version conflict");
        }
        return n;
    }

    /** Binds the SET columns (1-6) and the id (7) of the full-row UPDATE statements. */
    static void bindUpdate(PreparedStatement ps, Player p) throws SQLException {
        ps.setString(1, p.name());
        ps.setString(2, p.email());
        ps.setLong(3, p.score());
        ps.setTimestamp(4, Timestamp.from(p.joined()));
        ps.setString(5, p.country());
        ps.setString(6, p.bio());
        ps.setObject(7, p.id());
    }

    @Benchmark
    public List<Player> byName() throws SQLException {
        position = Data.next(position, size);
        byName.setString(1, Data.name(position));
        return list(byName);
    }

    @Benchmark
    public List<Player> range100() throws SQLException {
        position = Data.next(position, size - 100);
        range.setLong(1, position);
        range.setLong(2, position + 99);
        return list(range);
    }

    /** Keyset paging by (score, id), 100 per page, starting over at the end. */
    @Benchmark
    public List<Player> page100() throws SQLException {
        List<Player> page;
        if (pageKey == null) {
            page = list(firstPage);
        } else {
            nextPage.setLong(1, pageScore);
            nextPage.setLong(2, pageScore);
            nextPage.setObject(3, pageKey);
            page = list(nextPage);
        }
        if (page.size() < 100) {
            pageKey = null;
        } else {
            Player last = page.get(page.size() - 1);
            pageScore = last.score();
            pageKey = last.id();
        }
        return page;
    }

    /** Five updates in one JDBC transaction, with the change rows an outbox would need. */
    @Benchmark
    public int tx5() throws SQLException {
        conn.setAutoCommit(false);
        try {
            for (int j = 0; j < 5; j++) {
                position = Data.next(position, size);
                Player p = Data.player(position, size).withScore(position);
                bindUpdate(updateScore, p);
                if (updateScore.executeUpdate() != 1) {
                    throw new IllegalStateException("missing");
                }
            }
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
        return position;
    }

    /** A connection per thread, as a pool would hand out. */
    @State(Scope.Thread)
    public static class ThreadConnection {
        Connection conn;
        PreparedStatement get;
        PreparedStatement update;

        @Setup(Level.Trial)
        public void open(H2Bench b) throws SQLException {
            conn = DriverManager.getConnection(URL);
            get = conn.prepareStatement("SELECT " + COLUMNS + " FROM player WHERE id = ?");
            update = conn.prepareStatement("UPDATE player SET name = ?, email = ?, score = ?, joined = ?,"
                    + " country = ?, bio = ?, version = version + 1 WHERE id = ? AND version = ?");
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            conn.close();
        }
    }

    @Benchmark
    @Threads(4)
    public Object mixed4(Cursor c, ThreadConnection t) throws SQLException {
        UUID key = Data.key(c.next(size));
        t.get.setObject(1, key);
        Player p;
        long version;
        try (ResultSet rs = t.get.executeQuery()) {
            rs.next();
            p = read(rs);
            version = rs.getLong(8);
        }
        if (c.writeTurn()) {
            bindUpdate(t.update, p.withScore(p.score()));
            t.update.setLong(8, version);
            return t.update.executeUpdate(); // 0 when another thread won: optimistic locking
        }
        return p;
    }
}
