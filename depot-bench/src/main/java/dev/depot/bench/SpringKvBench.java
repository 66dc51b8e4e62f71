package dev.depot.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.data.domain.Sort;
import org.springframework.data.keyvalue.core.KeyValueTemplate;
import org.springframework.data.keyvalue.core.query.KeyValueQuery;
import org.springframework.data.map.MapKeyValueAdapter;

/**
 * Anchor: Spring Data KeyValue's {@code KeyValueTemplate(new MapKeyValueAdapter())}, used as its
 * documentation shows: live shared objects (no copy, no isolation), no versions; queries are
 * predicates run by its default query engine ({@code PredicateQueryEngine} in 3.5), which scans the
 * whole keyspace; sorting is by property path.
 */
@State(Scope.Benchmark)
public class SpringKvBench {
    static final Sort BY_SCORE = Sort.by("score", "id");
    @Param({"10000", "100000", "1000000"})
    public int size;

    KeyValueTemplate template;
    int position;
    long inserted;
    final List<UUID> insertedKeys = new ArrayList<>();
    int pageScore = -1;

    @Setup(Level.Trial)
    public void load() {
        template = new KeyValueTemplate(new MapKeyValueAdapter());
        for (int i = 0; i < size; i++) {
            Player p = Data.player(i, size);
            template.insert(p.id(), p);
        }
        inserted = size;
    }

    @TearDown(Level.Iteration)
    public void removeInserted() {
        for (UUID k : insertedKeys) {
            template.delete(k, Player.class);
        }
        insertedKeys.clear();
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        template.destroy();
    }

    private UUID nextKey() {
        position = Data.next(position, size);
        return Data.key(position);
    }

    @Benchmark
    public Optional<Player> get() {
        return template.findById(nextKey(), Player.class);
    }

    @Benchmark
    public Player insert() {
        Player p = Data.player(inserted++, size);
        insertedKeys.add(p.id());
        return template.insert(p.id(), p);
    }

    /** Read, then write back (the template has no optimistic locking for maps). */
    @Benchmark
    public Player update() {
        Player p = template.findById(nextKey(), Player.class).orElseThrow();
        return template.update(p.id(), p.withScore(p.score()));
    }

    @Benchmark
    public List<Player> byName() {
        position = Data.next(position, size);
        String name = Data.name(position);
        KeyValueQuery<Predicate<Player>> q = new KeyValueQuery<>(p -> p.name().equals(name));
        return toList(template.find(q, Player.class));
    }

    /**
     * The 100 matches of a score range, unsorted (in map order). Asking the template to sort them
     * ({@link #range100Sorted}) makes it sort the whole keyspace before filtering, which is far
     * slower; the unsorted query is the fair, conservative anchor.
     */
    @Benchmark
    public List<Player> range100() {
        position = Data.next(position, size - 100);
        int low = position;
        int high = position + 99;
        KeyValueQuery<Predicate<Player>> q = new KeyValueQuery<>(p -> p.score() >= low && p.score() <= high);
        q.setRows(100);
        return toList(template.find(q, Player.class));
    }

    /** The same range sorted by score, as the other stores return it. */
    @Benchmark
    public List<Player> range100Sorted() {
        position = Data.next(position, size - 100);
        int low = position;
        int high = position + 99;
        KeyValueQuery<Predicate<Player>> q = new KeyValueQuery<>(p -> p.score() >= low && p.score() <= high, BY_SCORE);
        q.setRows(100);
        return toList(template.find(q, Player.class));
    }

    /** Pages by score (keyset through a criteria on the last score), 100 per page. */
    @Benchmark
    public List<Player> page100() {
        int after = pageScore;
        KeyValueQuery<Predicate<Player>> q = new KeyValueQuery<>(p -> p.score() > after, BY_SCORE);
        q.setRows(100);
        List<Player> page = toList(template.find(q, Player.class));
        pageScore = page.size() < 100 ? -1 : page.get(page.size() - 1).score();
        return page;
    }

    @Benchmark
    @Threads(4)
    public Object mixed4(Cursor c) {
        return mixed(c);
    }

    /** The same mix on one thread: this anchor's own scaling baseline, measured beside Depot's. */
    @Benchmark
    @Threads(1)
    public Object mixed1(Cursor c) {
        return mixed(c);
    }

    private Object mixed(Cursor c) {
        UUID key = Data.key(c.next(size));
        Player p = template.findById(key, Player.class).orElseThrow();
        if (c.writeTurn()) {
            return template.update(key, p.withScore(p.score()));
        }
        return p;
    }

    private static List<Player> toList(Iterable<Player> it) {
        List<Player> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }
}
