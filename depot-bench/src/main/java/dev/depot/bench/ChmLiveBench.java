package dev.depot.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Anchor: {@code ConcurrentHashMap<UUID, Player>} of live objects, no codec, no copies: the
 * absolute limit for key-value operations.
 */
@State(Scope.Benchmark)
public class ChmLiveBench {
    @Param({"10000", "100000", "1000000"})
    public int size;

    ConcurrentHashMap<UUID, Player> map;
    int position;
    long inserted;
    final List<UUID> insertedKeys = new ArrayList<>();

    @Setup(Level.Trial)
    public void load() {
        map = new ConcurrentHashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            Player p = Data.player(i, size);
            map.put(p.id(), p);
        }
        inserted = size;
    }

    @TearDown(Level.Iteration)
    public void removeInserted() {
        insertedKeys.forEach(map::remove);
        insertedKeys.clear();
    }

    private UUID nextKey() {
        position = Data.next(position, size);
        return Data.key(position);
    }

    @Benchmark
    public Player get() {
        return map.get(nextKey());
    }

    @Benchmark
    public Player insert() {
        Player p = Data.player(inserted++, size);
        insertedKeys.add(p.id());
        if (map.putIfAbsent(p.id(), p) != null) {
            throw new IllegalStateException("exists");
        }
        return p;
    }

    @Benchmark
    public boolean update() {
        UUID key = nextKey();
        Player old = map.get(key);
        return map.replace(key, old, old.withScore(old.score()));
    }

    @Benchmark
    @Threads(4)
    public Object mixed4(Cursor c) {
        UUID key = Data.key(c.next(size));
        Player old = map.get(key);
        if (c.writeTurn()) {
            return map.replace(key, old, old.withScore(old.score()));
        }
        return old;
    }
}
