package dev.depot.bench;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Page;
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
import org.openjdk.jmh.annotations.Threads;

/** Depot's in-memory backend ({@code memory:}), default options, through the public API only. */
@State(Scope.Benchmark)
public class DepotBench {
    @Param({"10000", "100000", "1000000"})
    public int size;

    Depot depot;
    Records<UUID, Player> players;
    int position;
    long inserted;
    final List<UUID> insertedKeys = new ArrayList<>();
    String pageCursor;
    long feedSequence;
    long firstSequence;

    @Setup(Level.Trial)
    public void load() {
        depot = Depot.open("memory:");
        players = depot.records(Data.PLAYERS);
        List<Player> batch = new ArrayList<>(1000);
        for (int i = 0; i < size; i++) {
            batch.add(Data.player(i, size));
            if (batch.size() == 1000 || i == size - 1) {
                players.saveAll(batch);
                batch.clear();
            }
        }
        for (int i = 0; i < size; i++) {
            players.get(Data.key(i)); // steady state: every record read once (see getDecoded for the cold path)
        }
        firstSequence = depot.changes().since(0, 1).get(0).sequence() - 1;
        feedSequence = firstSequence;
        inserted = size;
    }

    /** Keeps the collection at its size: removes what the insert workload added (not timed). */
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

    /**
     * Get of a record read before: Depot shares the decoded instance of an immutable record type, so
     * this is a hash lookup (the first read of a record costs a decode, as in {@link #getDecoded}).
     */
    @Benchmark
    public Optional<Player> get() {
        return players.get(nextKey());
    }

    /** Get when the value type is not shared between readers: decodes the stored bytes each time. */
    @Benchmark
    public Optional<Player> getDecoded(Decoded d) {
        return d.records.get(nextKey());
    }

    /** A second collection, loaded only for {@link #getDecoded}. */
    @State(Scope.Benchmark)
    public static class Decoded {
        Records<UUID, Player> records;

        @Setup(Level.Trial)
        public void load(DepotBench b) {
            records = b.depot.records(Data.PLAYERS_DECODED);
            List<Player> batch = new ArrayList<>(1000);
            for (int i = 0; i < b.size; i++) {
                batch.add(Data.player(i, b.size));
                if (batch.size() == 1000 || i == b.size - 1) {
                    records.saveAll(batch);
                    batch.clear();
                }
            }
        }
    }

    @Benchmark
    public long insert() {
        Player p = Data.player(inserted++, size);
        insertedKeys.add(p.id());
        return players.insert(p);
    }

    /** Read with version, then write back with that version (optimistic locking). */
    @Benchmark
    public long update() {
        Versioned<Player> v = players.getVersioned(nextKey()).orElseThrow();
        return players.update(v.value().withScore(v.value().score()), v.version());
    }

    @Benchmark
    public List<Player> byName() {
        position = Data.next(position, size);
        return players.query().where(Q.field("name").eq(Data.name(position))).list();
    }

    @Benchmark
    public List<Player> range100() {
        position = Data.next(position, size - 100);
        return players.query().where(Q.field("score").between(position, position + 99))
                .orderBy("score").limit(100).list();
    }

    /** The same range without orderBy: Depot returns it in key order, so it sorts the 100 by key. */
    @Benchmark
    public List<Player> range100KeyOrder() {
        position = Data.next(position, size - 100);
        return players.query().where(Q.field("score").between(position, position + 99)).limit(100).list();
    }

    /** Keyset paging through the whole collection by score, 100 per page, starting over at the end. */
    @Benchmark
    public List<Player> page100() {
        Page<Player> page = pageCursor == null
                ? players.query().orderBy("score").limit(100).page()
                : players.query().orderBy("score").limit(100).after(pageCursor).page();
        pageCursor = page.nextCursor();
        return page.items();
    }

    /** Five updates of existing records in one transaction (no reads). */
    @Benchmark
    public Integer tx5() {
        return depot.transact(tx -> {
            Records<UUID, Player> r = tx.records(Data.PLAYERS);
            for (int j = 0; j < 5; j++) {
                position = Data.next(position, size);
                r.update(Data.player(position, size).withScore(position));
            }
            return position;
        });
    }

    /** Reads the change feed in batches of 100, from the start again when it runs out. */
    @Benchmark
    public List<ChangeEvent> feed100() {
        List<ChangeEvent> events = depot.changes().since(feedSequence, 100);
        feedSequence = events.size() < 100 ? firstSequence : events.get(events.size() - 1).sequence();
        return events;
    }

    /** Four threads; three gets for one versioned update, on random keys. */
    @Benchmark
    @Threads(4)
    public Object mixed4(Cursor c) {
        return mixed(c);
    }

    /**
     * The same mix on one thread: the scaling baseline for {@link #mixed4} (on a machine with N
     * cores, mixed4 ÷ mixed1 near min(N, 4) means the mix scales with cores).
     */
    @Benchmark
    @Threads(1)
    public Object mixed1(Cursor c) {
        return mixed(c);
    }

    private Object mixed(Cursor c) {
        UUID key = Data.key(c.next(size));
        if (c.writeTurn()) {
            Versioned<Player> v = players.getVersioned(key).orElseThrow();
            try {
                return players.update(v.value().withScore(v.value().score()), v.version());
            } catch (dev.depot.VersionConflictException e) {
                return e; // another thread won: a real outcome of optimistic locking
            }
        }
        return players.get(key);
    }
}
