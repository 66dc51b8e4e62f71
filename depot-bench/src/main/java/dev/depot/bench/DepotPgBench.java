package dev.depot.bench;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Versioned;
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
 * Depot on PostgreSQL ({@code depot-jdbc}), default options, tables prefixed {@code bench_} so the
 * conformance suites sharing the database are not touched. Compared with {@link PgJdbcBench}.
 */
@State(Scope.Benchmark)
public class DepotPgBench {
    /** The server; {@code DEPOT_BENCH_POSTGRES_URL} overrides it. */
    public static final String URL = System.getenv().getOrDefault("DEPOT_BENCH_POSTGRES_URL",
            "postgresql://postgres@127.0.0.1:5432/test") + "?tablePrefix=bench_";

    @Param({"10000"})
    public int size;

    Depot depot;
    Records<UUID, Player> players;
    int position;
    long inserted;
    final List<UUID> insertedKeys = new ArrayList<>();

    @Setup(Level.Trial)
    public void load() {
        depot = Depot.open(URL);
        players = depot.records(Data.PLAYERS);
        players.clear();
        List<Player> batch = new ArrayList<>(1000);
        for (int i = 0; i < size; i++) {
            batch.add(Data.player(i, size));
            if (batch.size() == 1000 || i == size - 1) {
                players.saveAll(batch);
                batch.clear();
            }
        }
        inserted = size;
    }

    @TearDown(Level.Iteration)
    public void removeInserted() {
        for (UUID k : insertedKeys) {
            players.delete(k);
        }
        insertedKeys.clear();
    }

    @TearDown(Level.Trial)
    public void close() {
        depot.close();
    }

    private UUID nextKey() {
        position = Data.next(position, size);
        return Data.key(position);
    }

    @Benchmark
    public Optional<Player> get() {
        return players.get(nextKey());
    }

    @Benchmark
    public long insert() {
        Player p = Data.player(inserted++, size);
        insertedKeys.add(p.id());
        return players.insert(p);
    }

    @Benchmark
    public long update() {
        Versioned<Player> v = players.getVersioned(nextKey()).orElseThrow();
        return players.update(v.value().withScore(v.value().score()), v.version());
    }

    @Benchmark
    public List<Player> range100() {
        position = Data.next(position, size - 100);
        return players.query().where(Q.field("score").between(position, position + 99))
                .orderBy("score").limit(100).list();
    }
}
