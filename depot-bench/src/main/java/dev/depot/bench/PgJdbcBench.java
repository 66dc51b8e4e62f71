package dev.depot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

/**
 * Anchor: the same operations on PostgreSQL through hand-written JDBC (one connection, prepared
 * statements, a version column, indexes on name and score), in table {@code bench_anchor_player}.
 */
@State(Scope.Benchmark)
public class PgJdbcBench {
    static final String COLUMNS = "id, name, email, score, joined, country, bio, version";

    @Param({"10000"})
    public int size;

    Connection conn;
    PreparedStatement get;
    PreparedStatement insert;
    PreparedStatement update;
    PreparedStatement range;
    PreparedStatement delete;
    int position;
    long inserted;
    final List<UUID> insertedKeys = new ArrayList<>();

    /** {@code postgresql://user@host:port/db} as a JDBC URL and user. */
    static Connection connect() throws SQLException {
        String url = DepotPgBench.URL.substring(0, DepotPgBench.URL.indexOf('?'));
        String rest = url.substring("postgresql://".length());
        String user = rest.substring(0, rest.indexOf('@'));
        return DriverManager.getConnection("jdbc:postgresql://" + rest.substring(rest.indexOf('@') + 1), user, null);
    }

    @Setup(Level.Trial)
    public void load() throws SQLException {
        conn = connect();
        try (Statement s = conn.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_anchor_player");
            s.execute("CREATE TABLE bench_anchor_player (id UUID PRIMARY KEY, name TEXT NOT NULL, email TEXT,"
                    + " score BIGINT NOT NULL, joined TIMESTAMPTZ, country TEXT, bio TEXT, version BIGINT NOT NULL)");
        }
        insert = conn.prepareStatement("INSERT INTO bench_anchor_player (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, 1)");
        conn.setAutoCommit(false);
        for (int i = 0; i < size; i++) {
            H2Bench.bind(insert, Data.player(i, size));
            insert.addBatch();
            if (i % 1000 == 999 || i == size - 1) {
                insert.executeBatch();
                conn.commit();
            }
        }
        conn.setAutoCommit(true);
        try (Statement s = conn.createStatement()) {
            s.execute("CREATE INDEX bench_anchor_player_name ON bench_anchor_player(name)");
            s.execute("CREATE INDEX bench_anchor_player_score ON bench_anchor_player(score, id)");
            s.execute("ANALYZE bench_anchor_player");
        }
        get = conn.prepareStatement("SELECT " + COLUMNS + " FROM bench_anchor_player WHERE id = ?");
        update = conn.prepareStatement("UPDATE bench_anchor_player SET name = ?, email = ?, score = ?, joined = ?,"
                + " country = ?, bio = ?, version = version + 1 WHERE id = ? AND version = ?");
        range = conn.prepareStatement("SELECT " + COLUMNS + " FROM bench_anchor_player WHERE score BETWEEN ? AND ?"
                + " ORDER BY score, id LIMIT 100");
        delete = conn.prepareStatement("DELETE FROM bench_anchor_player WHERE id = ?");
        inserted = size;
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
            s.execute("DROP TABLE IF EXISTS bench_anchor_player");
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
            return rs.next() ? Optional.of(H2Bench.read(rs)) : Optional.empty();
        }
    }

    @Benchmark
    public int insert() throws SQLException {
        Player p = Data.player(inserted++, size);
        insertedKeys.add(p.id());
        H2Bench.bind(insert, p);
        return insert.executeUpdate();
    }

    @Benchmark
    public int update() throws SQLException {
        get.setObject(1, nextKey());
        Player p;
        long version;
        try (ResultSet rs = get.executeQuery()) {
            rs.next();
            p = H2Bench.read(rs);
            version = rs.getLong(8);
        }
        H2Bench.bindUpdate(update, p.withScore(p.score()));
        update.setLong(8, version);
        int n = update.executeUpdate();
        if (n != 1) {
            throw new IllegalStateException("version conflict");
        }
        return n;
    }

    @Benchmark
    public List<Player> range100() throws SQLException {
        position = Data.next(position, size - 100);
        range.setLong(1, position);
        range.setLong(2, position + 99);
        return H2Bench.list(range);
    }
}
