package dev.depot.bench;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.bench.Shapes.Bean;
import dev.depot.bench.Shapes.Roster;
import dev.depot.bench.Shapes.Stats;
import dev.depot.bench.Shapes.Tagged;
import java.sql.Array;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.data.keyvalue.core.KeyValueTemplate;
import org.springframework.data.map.MapKeyValueAdapter;
import tools.jackson.databind.ObjectWriter;

/**
 * Reads of value types that are not deeply immutable (issue 13): a record with a {@code List}, one
 * with a {@code Map}, one with a list of nested records, and a mutable class with setters. Each
 * benchmark is named {@code shapeWorkload_store}; in one run the Depot rows ({@code _depot}, the
 * memory backend: a structural copy of the cached decoded value per read) are compared with Spring
 * Data KeyValue's map template ({@code _spring}: live shared objects, no isolation), a {@code
 * ConcurrentHashMap<UUID, byte[]>} with the same Jackson codec ({@code _chm}: isolation by a decode
 * per read) and, for the record with a list, H2 in memory through hand-written JDBC ({@code _h2}, the
 * tags in an ARRAY column). Every store holds {@code size} records and, as in the issue, each record
 * is read once in setup. Only a store's benchmarks load it. {@code listFrozen*_depot} read the same
 * records through a {@code frozenCollections()} schema: no copy, one shared unmodifiable instance.
 */
@State(Scope.Benchmark)
public class ValueShapesBench {
    @Param({"1000000"})
    public int size;

    int position;

    static final Schema<UUID, Tagged> TAGGED = Schema.of("tagged", UUID.class, Tagged.class)
            .key(Tagged::id)
            .index("score", Long.class, t -> (long) t.score())
            .build();
    /** The same records with {@code frozenCollections()}: unmodifiable tags, one instance shared by all reads. */
    static final Schema<UUID, Tagged> TAGGED_FROZEN = Schema.of("tagged_frozen", UUID.class, Tagged.class)
            .key(Tagged::id)
            .index("score", Long.class, t -> (long) t.score())
            .frozenCollections()
            .build();
    static final Schema<UUID, Stats> STATS = Schema.of("stats", UUID.class, Stats.class)
            .key(Stats::id)
            .build();
    static final Schema<UUID, Roster> ROSTERS = Schema.of("rosters", UUID.class, Roster.class)
            .key(Roster::id)
            .build();
    static final Schema<UUID, Bean> BEANS = Schema.of("beans", UUID.class, Bean.class)
            .key(Bean::getId)
            .build();

    private UUID nextKey() {
        position = Data.next(position, size);
        return Data.key(position);
    }

    private int nextLow() {
        position = Data.next(position, size - 100);
        return position;
    }

    /** Loads {@code size} values into a Depot collection and reads each once (steady state). */
    static <V> Records<UUID, V> load(Depot depot, Schema<UUID, V> schema, int size, IntFunction<V> value) {
        Records<UUID, V> r = depot.records(schema);
        List<V> batch = new ArrayList<>(1000);
        for (int i = 0; i < size; i++) {
            batch.add(value.apply(i));
            if (batch.size() == 1000 || i == size - 1) {
                r.saveAll(batch);
                batch.clear();
            }
        }
        for (int i = 0; i < size; i++) {
            r.get(Data.key(i));
        }
        return r;
    }

    /** Depot memory, one collection per shape. */
    public abstract static class DepotStore<V> {
        Depot depot;
        Records<UUID, V> records;

        abstract Schema<UUID, V> schema();

        abstract V value(int i, int n);

        @Setup(Level.Trial)
        public void load(ValueShapesBench b) {
            depot = Depot.open("memory:");
            records = ValueShapesBench.load(depot, schema(), b.size, i -> value(i, b.size));
        }

        @TearDown(Level.Trial)
        public void close() {
            depot.close();
        }
    }

    @State(Scope.Benchmark)
    public static class DepotTagged extends DepotStore<Tagged> {
        @Override
        Schema<UUID, Tagged> schema() {
            return TAGGED;
        }

        @Override
        Tagged value(int i, int n) {
            return Shapes.tagged(i, n);
        }
    }

    @State(Scope.Benchmark)
    public static class DepotTaggedFrozen extends DepotStore<Tagged> {
        @Override
        Schema<UUID, Tagged> schema() {
            return TAGGED_FROZEN;
        }

        @Override
        Tagged value(int i, int n) {
            return Shapes.tagged(i, n);
        }
    }

    @State(Scope.Benchmark)
    public static class DepotStats extends DepotStore<Stats> {
        @Override
        Schema<UUID, Stats> schema() {
            return STATS;
        }

        @Override
        Stats value(int i, int n) {
            return Shapes.stats(i, n);
        }
    }

    @State(Scope.Benchmark)
    public static class DepotRoster extends DepotStore<Roster> {
        @Override
        Schema<UUID, Roster> schema() {
            return ROSTERS;
        }

        @Override
        Roster value(int i, int n) {
            return Shapes.roster(i, n);
        }
    }

    @State(Scope.Benchmark)
    public static class DepotBean extends DepotStore<Bean> {
        @Override
        Schema<UUID, Bean> schema() {
            return BEANS;
        }

        @Override
        Bean value(int i, int n) {
            return Shapes.bean(i, n);
        }
    }

    /** Spring Data KeyValue's map template, set up as in {@link SpringKvBench}: live shared objects. */
    public abstract static class SpringStore<V> {
        KeyValueTemplate template;

        abstract V value(int i, int n);

        abstract Object id(V value);

        @Setup(Level.Trial)
        public void load(ValueShapesBench b) {
            template = new KeyValueTemplate(new MapKeyValueAdapter());
            for (int i = 0; i < b.size; i++) {
                V v = value(i, b.size);
                template.insert(id(v), v);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            template.destroy();
        }
    }

    @State(Scope.Benchmark)
    public static class SpringTagged extends SpringStore<Tagged> {
        @Override
        Tagged value(int i, int n) {
            return Shapes.tagged(i, n);
        }

        @Override
        Object id(Tagged v) {
            return v.id();
        }
    }

    @State(Scope.Benchmark)
    public static class SpringStats extends SpringStore<Stats> {
        @Override
        Stats value(int i, int n) {
            return Shapes.stats(i, n);
        }

        @Override
        Object id(Stats v) {
            return v.id();
        }
    }

    @State(Scope.Benchmark)
    public static class SpringRoster extends SpringStore<Roster> {
        @Override
        Roster value(int i, int n) {
            return Shapes.roster(i, n);
        }

        @Override
        Object id(Roster v) {
            return v.id();
        }
    }

    @State(Scope.Benchmark)
    public static class SpringBean extends SpringStore<Bean> {
        @Override
        Bean value(int i, int n) {
            return Shapes.bean(i, n);
        }

        @Override
        Object id(Bean v) {
            return v.getId();
        }
    }

    /** {@code ConcurrentHashMap<UUID, byte[]>} with Depot's codec (Jackson 3): a decode per read. */
    public abstract static class ChmStore<V> {
        ConcurrentHashMap<UUID, byte[]> map;
        tools.jackson.databind.ObjectReader reader;

        abstract Class<V> type();

        abstract V value(int i, int n);

        abstract UUID id(V value);

        @Setup(Level.Trial)
        public void load(ValueShapesBench b) {
            map = new ConcurrentHashMap<>(b.size * 2);
            reader = Data.MAPPER.readerFor(type());
            ObjectWriter writer = Data.MAPPER.writerFor(type());
            for (int i = 0; i < b.size; i++) {
                V v = value(i, b.size);
                map.put(id(v), writer.writeValueAsBytes(v));
            }
        }

        V get(UUID key) {
            byte[] doc = map.get(key);
            return doc == null ? null : reader.readValue(doc);
        }
    }

    @State(Scope.Benchmark)
    public static class ChmTagged extends ChmStore<Tagged> {
        @Override
        Class<Tagged> type() {
            return Tagged.class;
        }

        @Override
        Tagged value(int i, int n) {
            return Shapes.tagged(i, n);
        }

        @Override
        UUID id(Tagged v) {
            return v.id();
        }
    }

    @State(Scope.Benchmark)
    public static class ChmStats extends ChmStore<Stats> {
        @Override
        Class<Stats> type() {
            return Stats.class;
        }

        @Override
        Stats value(int i, int n) {
            return Shapes.stats(i, n);
        }

        @Override
        UUID id(Stats v) {
            return v.id();
        }
    }

    @State(Scope.Benchmark)
    public static class ChmRoster extends ChmStore<Roster> {
        @Override
        Class<Roster> type() {
            return Roster.class;
        }

        @Override
        Roster value(int i, int n) {
            return Shapes.roster(i, n);
        }

        @Override
        UUID id(Roster v) {
            return v.id();
        }
    }

    @State(Scope.Benchmark)
    public static class ChmBean extends ChmStore<Bean> {
        @Override
        Class<Bean> type() {
            return Bean.class;
        }

        @Override
        Bean value(int i, int n) {
            return Shapes.bean(i, n);
        }

        @Override
        UUID id(Bean v) {
            return v.getId();
        }
    }

    /** H2 in memory, hand-written JDBC as in {@link H2Bench}; the tags in an ARRAY column. */
    @State(Scope.Benchmark)
    public static class H2Tagged {
        static final String URL = "jdbc:h2:mem:shapes;DB_CLOSE_DELAY=-1";
        static final String COLUMNS = "id, name, email, score, joined, tags";
        Connection conn;
        PreparedStatement get;
        PreparedStatement range;

        @Setup(Level.Trial)
        public void load(ValueShapesBench b) throws SQLException {
            conn = DriverManager.getConnection(URL);
            try (Statement s = conn.createStatement()) {
                s.execute("DROP ALL OBJECTS");
                s.execute("CREATE TABLE tagged (id UUID PRIMARY KEY, name VARCHAR(64) NOT NULL, email VARCHAR(128),"
                        + " score BIGINT NOT NULL, joined TIMESTAMP(6) WITH TIME ZONE, tags VARCHAR(32) ARRAY,"
                        + " version BIGINT NOT NULL)");
            }
            conn.setAutoCommit(false);
            try (PreparedStatement insert = conn.prepareStatement(
                    "INSERT INTO tagged (" + COLUMNS + ", version) VALUES (?, ?, ?, ?, ?, ?, 1)")) {
                for (int i = 0; i < b.size; i++) {
                    Tagged t = Shapes.tagged(i, b.size);
                    insert.setObject(1, t.id());
                    insert.setString(2, t.name());
                    insert.setString(3, t.email());
                    insert.setLong(4, t.score());
                    insert.setTimestamp(5, Timestamp.from(t.joined()));
                    insert.setArray(6, conn.createArrayOf("VARCHAR", t.tags().toArray()));
                    insert.addBatch();
                    if (i % 1000 == 999 || i == b.size - 1) {
                        insert.executeBatch();
                        conn.commit();
                    }
                }
            }
            conn.setAutoCommit(true);
            try (Statement s = conn.createStatement()) {
                s.execute("CREATE INDEX tagged_score ON tagged(score, id)");
                s.execute("ANALYZE");
            }
            get = conn.prepareStatement("SELECT " + COLUMNS + " FROM tagged WHERE id = ?");
            range = conn.prepareStatement("SELECT " + COLUMNS + " FROM tagged WHERE score BETWEEN ? AND ?"
                    + " ORDER BY score, id LIMIT 100");
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            try (Statement s = conn.createStatement()) {
                s.execute("DROP ALL OBJECTS");
            }
            conn.close();
        }

        static Tagged read(ResultSet rs) throws SQLException {
            Array tags = rs.getArray(6);
            List<String> list = new ArrayList<>();
            for (Object o : (Object[]) tags.getArray()) {
                list.add((String) o);
            }
            return new Tagged(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), (int) rs.getLong(4),
                    rs.getTimestamp(5).toInstant(), list);
        }
    }

    // ---- the record with a List ----

    @Benchmark
    public Optional<Tagged> listGet_depot(DepotTagged s) {
        return s.records.get(nextKey());
    }

    /** The opt-in: no copy per read, the caller gets the shared frozen instance (its tags throw on mutation). */
    @Benchmark
    public Optional<Tagged> listFrozenGet_depot(DepotTaggedFrozen s) {
        return s.records.get(nextKey());
    }

    @Benchmark
    public Optional<Tagged> listGet_spring(SpringTagged s) {
        return s.template.findById(nextKey(), Tagged.class);
    }

    @Benchmark
    public Tagged listGet_chm(ChmTagged s) {
        return s.get(nextKey());
    }

    @Benchmark
    public Optional<Tagged> listGet_h2(H2Tagged s) throws SQLException {
        s.get.setObject(1, nextKey());
        try (ResultSet rs = s.get.executeQuery()) {
            return rs.next() ? Optional.of(H2Tagged.read(rs)) : Optional.empty();
        }
    }

    @Benchmark
    public List<Tagged> listRange100_depot(DepotTagged s) {
        int low = nextLow();
        return s.records.query().where(Q.field("score").between(low, low + 99)).orderBy("score").limit(100).list();
    }

    @Benchmark
    public List<Tagged> listFrozenRange100_depot(DepotTaggedFrozen s) {
        int low = nextLow();
        return s.records.query().where(Q.field("score").between(low, low + 99)).orderBy("score").limit(100).list();
    }

    @Benchmark
    public List<Tagged> listRange100_h2(H2Tagged s) throws SQLException {
        int low = nextLow();
        s.range.setLong(1, low);
        s.range.setLong(2, low + 99);
        List<Tagged> out = new ArrayList<>(100);
        try (ResultSet rs = s.range.executeQuery()) {
            while (rs.next()) {
                out.add(H2Tagged.read(rs));
            }
        }
        return out;
    }

    // ---- the record with a Map ----

    @Benchmark
    public Optional<Stats> mapGet_depot(DepotStats s) {
        return s.records.get(nextKey());
    }

    @Benchmark
    public Optional<Stats> mapGet_spring(SpringStats s) {
        return s.template.findById(nextKey(), Stats.class);
    }

    @Benchmark
    public Stats mapGet_chm(ChmStats s) {
        return s.get(nextKey());
    }

    // ---- the record with a list of nested records ----

    @Benchmark
    public Optional<Roster> nestedGet_depot(DepotRoster s) {
        return s.records.get(nextKey());
    }

    @Benchmark
    public Optional<Roster> nestedGet_spring(SpringRoster s) {
        return s.template.findById(nextKey(), Roster.class);
    }

    @Benchmark
    public Roster nestedGet_chm(ChmRoster s) {
        return s.get(nextKey());
    }

    // ---- the mutable class with setters ----

    @Benchmark
    public Optional<Bean> beanGet_depot(DepotBean s) {
        return s.records.get(nextKey());
    }

    @Benchmark
    public Optional<Bean> beanGet_spring(SpringBean s) {
        return s.template.findById(nextKey(), Bean.class);
    }

    @Benchmark
    public Bean beanGet_chm(ChmBean s) {
        return s.get(nextKey());
    }
}
