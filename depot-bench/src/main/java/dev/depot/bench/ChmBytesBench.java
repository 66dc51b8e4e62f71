package dev.depot.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Anchor: a naive copying store, {@code ConcurrentHashMap<UUID, byte[]>} with the same Jackson 3
 * codec: every read decodes, every write encodes. No indexes, no versions, no feed, no atomicity
 * across keys (so no query workloads; its "transaction" is five independent puts).
 */
@State(Scope.Benchmark)
public class ChmBytesBench {
    @Param({"10000", "100000", "1000000"})
    public int size;

    ConcurrentHashMap<UUID, byte[]> map;
    int position;
    long inserted;
    final List<UUID> insertedKeys = new ArrayList<>();

    @Setup(Level.Trial)
    public void load() {
        map = new ConcurrentHashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            Player p = Data.player(i, size);
            map.put(p.id(), Data.encode(p));
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
    public Optional<Player> get() {
        byte[] b = map.get(nextKey());
        return b == null ? Optional.empty() : Optional.of(Data.decode(b));
    }

    @Benchmark
    public byte[] insert() {
        Player p = Data.player(inserted++, size);
        insertedKeys.add(p.id());
        byte[] doc = Data.encode(p);
        if (map.putIfAbsent(p.id(), doc) != null) {
            throw new IllegalStateException("exists");
        }
        return doc;
    }

    /** Optimistic update: decode, change, encode, compare-and-set on the stored array. */
    @Benchmark
    public boolean update() {
        UUID key = nextKey();
        byte[] old = map.get(key);
        Player p = Data.decode(old);
        return map.replace(key, old, Data.encode(p.withScore(p.score())));
    }

    /** Five independent puts: what the naive store does instead of a transaction (not atomic). */
    @Benchmark
    public int tx5() {
        for (int j = 0; j < 5; j++) {
            position = Data.next(position, size);
            Player p = Data.player(position, size).withScore(position);
            map.put(p.id(), Data.encode(p));
        }
        return position;
    }

    @Benchmark
    @Threads(4)
    public Object mixed4(Cursor c) {
        return mixed(c);
    }

    /** The same mix on one thread: this anchor's own scaling baseline. */
    @Benchmark
    @Threads(1)
    public Object mixed1(Cursor c) {
        return mixed(c);
    }

    private Object mixed(Cursor c) {
        UUID key = Data.key(c.next(size));
        byte[] old = map.get(key);
        Player p = Data.decode(old);
        if (c.writeTurn()) {
            return map.replace(key, old, Data.encode(p.withScore(p.score())));
        }
        return p;
    }
}
