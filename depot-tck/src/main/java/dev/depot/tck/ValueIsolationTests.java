package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The store owns its values, for every shape of value: records with lists, sets, maps, arrays,
 * nested records and lists of them, nested generic collections, and mutable classes with setters.
 * Whatever a caller does to a value it got, or to one it passed to a write, never changes what a
 * later read returns; values read back equal what was written; returned collections are the
 * caller's own and may be changed (CONTRACT.md §1, principle 2). With {@code frozenCollections()}
 * the collections read are unmodifiable instead, on every backend, and the value is shared (§3).
 */
abstract class ValueIsolationTests extends FeatureTests {

    /** A record whose mutable parts are collections, maps and nested records. */
    public record Line(String sku, int quantity, List<String> notes) {}

    public record Basket(String id, long rank, List<String> tags, Set<String> labels, Map<String, Integer> counts,
            Line main, List<Line> lines, Map<String, List<Integer>> history) {}

    /** Arrays (compared element by element: a record's equals compares arrays by identity). */
    public record Grid(String id, int[] cells, String[] names, Line[] lines) {}

    /** A mutable class with setters, a nested mutable class and collections of records. */
    public static final class Profile {
        private String id;
        private int rank;
        private List<String> tags = new ArrayList<>();
        private Address address;
        private Map<String, Line> lines = new LinkedHashMap<>();

        public Profile() {}

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public int getRank() {
            return rank;
        }

        public void setRank(int rank) {
            this.rank = rank;
        }

        public List<String> getTags() {
            return tags;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }

        public Address getAddress() {
            return address;
        }

        public void setAddress(Address address) {
            this.address = address;
        }

        public Map<String, Line> getLines() {
            return lines;
        }

        public void setLines(Map<String, Line> lines) {
            this.lines = lines;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Profile p && Objects.equals(id, p.id) && rank == p.rank && Objects.equals(tags, p.tags)
                    && Objects.equals(address, p.address) && Objects.equals(lines, p.lines);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, rank, tags, address, lines);
        }
    }

    public static final class Address {
        private String street;
        private List<String> lines = new ArrayList<>();

        public String getStreet() {
            return street;
        }

        public void setStreet(String street) {
            this.street = street;
        }

        public List<String> getLines() {
            return lines;
        }

        public void setLines(List<String> lines) {
            this.lines = lines;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && Objects.equals(street, a.street) && Objects.equals(lines, a.lines);
        }

        @Override
        public int hashCode() {
            return Objects.hash(street, lines);
        }
    }

    static final Schema<String, Basket> BASKETS = Schema.of("value_baskets", String.class, Basket.class)
            .key(Basket::id)
            .index("rank", Long.class, Basket::rank)
            .build();

    static final Schema<String, Grid> GRIDS = Schema.of("value_grids", String.class, Grid.class)
            .key(Grid::id)
            .build();

    static final Schema<String, Profile> PROFILES = Schema.of("value_profiles", String.class, Profile.class)
            .key(Profile::getId)
            .index("rank", Long.class, p -> (long) p.getRank())
            .build();

    /** The baskets again, opted in to unmodifiable collections shared across reads. */
    static final Schema<String, Basket> FROZEN_BASKETS = Schema.of("value_frozen_baskets", String.class, Basket.class)
            .key(Basket::id)
            .index("rank", Long.class, Basket::rank)
            .frozenCollections()
            .build();

    ValueIsolationTests(DepotConformanceSuite suite) {
        super(suite);
    }

    private Records<String, Basket> baskets() {
        return depot().records(BASKETS);
    }

    private Records<String, Profile> profiles() {
        return depot().records(PROFILES);
    }

    /** A fresh, fully populated basket: every call returns an equal, unshared one. */
    static Basket basket(String id) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("apples", 3);
        counts.put("none", null);
        Map<String, List<Integer>> history = new LinkedHashMap<>();
        history.put("mon", new ArrayList<>(List.of(1, 2)));
        history.put("tue", new ArrayList<>());
        history.put("wed", null);
        List<Line> lines = new ArrayList<>(List.of(line("a"), line("b")));
        lines.add(null);
        return new Basket(id, 7, new ArrayList<>(List.of("red", "green")), new LinkedHashSet<>(Set.of("x", "y")),
                counts, line("main"), lines, history);
    }

    static Line line(String sku) {
        return new Line(sku, 2, new ArrayList<>(List.of("note of " + sku)));
    }

    static Profile profile(String id) {
        Profile p = new Profile();
        p.setId(id);
        p.setRank(5);
        p.getTags().add("new");
        Address a = new Address();
        a.setStreet("Main St");
        a.getLines().add("Flat 1");
        p.setAddress(a);
        p.getLines().put("first", line("p"));
        return p;
    }

    static Grid grid(String id) {
        return new Grid(id, new int[] {1, 2, 3}, new String[] {"a", null}, new Line[] {line("g"), null});
    }

    /** Changes every mutable part of a basket it can reach, through the returned collections. */
    static void vandalise(Basket b) {
        b.tags().add("mutated");
        b.tags().set(0, "mutated");
        b.labels().add("mutated");
        b.counts().put("apples", 99);
        b.main().notes().add("mutated");
        b.lines().get(0).notes().clear();
        b.lines().add(line("mutated"));
        b.history().get("mon").add(99);
        b.history().get("tue").add(99);
        b.history().remove("wed");
    }

    static void vandalise(Profile p) {
        p.setRank(99);
        p.getTags().add("mutated");
        p.getAddress().setStreet("mutated");
        p.getAddress().getLines().clear();
        p.getLines().get("first").notes().add("mutated");
        p.getLines().put("second", line("mutated"));
    }

    /** Every way to read one value of a collection, each returning a separately obtained value. */
    private <V> List<V> everyRead(Schema<String, V> schema, String key) {
        Records<String, V> r = depot().records(schema);
        List<V> reads = new ArrayList<>();
        reads.add(r.get(key).orElseThrow());
        reads.add(r.getVersioned(key).orElseThrow().value());
        reads.add(r.getAll(List.of(key)).get(key));
        reads.add(r.query().list().get(0));
        reads.add(r.query().first().orElseThrow());
        Page<V> page = r.query().limit(10).page();
        reads.add(page.items().get(0));
        try (var s = r.query().stream()) {
            reads.add(s.findFirst().orElseThrow());
        }
        reads.add(depot().transact(tx -> tx.records(schema).get(key).orElseThrow()));
        return reads;
    }

    private <V> void assertEveryReadIsTheCallersOwn(Schema<String, V> schema, V written, Consumer<V> vandalise) {
        Records<String, V> r = depot().records(schema);
        String key = schema.keyOf(written);
        r.insert(written);
        for (int round = 0; round < 3; round++) { // the first read of a record and the reads after it
            List<V> reads = everyRead(schema, key);
            for (V read : reads) {
                assertThat(read).isEqualTo(written);
                vandalise.accept(read);
            }
            assertThat(r.get(key)).contains(written);
        }
    }

    @Test
    void changingARecordsListsSetsMapsAndNestedRecordsAfterAReadChangesNothing() {
        assertEveryReadIsTheCallersOwn(BASKETS, basket("b1"), ValueIsolationTests::vandalise);
        assertThat(baskets().query().where(Q.field("rank").eq(7)).list()).containsExactly(basket("b1"));
    }

    @Test
    void changingAMutableObjectAfterAReadChangesNothing() {
        assertEveryReadIsTheCallersOwn(PROFILES, profile("p1"), ValueIsolationTests::vandalise);
        assertThat(profiles().query().where(Q.field("rank").eq(99)).count()).isZero();
        assertThat(profiles().query().where(Q.field("rank").eq(5)).list()).containsExactly(profile("p1"));
    }

    @Test
    void changingArraysAfterAReadChangesNothing() {
        Records<String, Grid> grids = depot().records(GRIDS);
        grids.insert(grid("g1"));
        for (int round = 0; round < 3; round++) {
            for (Grid read : everyRead(GRIDS, "g1")) {
                assertSameGrid(read, grid("g1"));
                read.cells()[0] = 99;
                read.names()[1] = "mutated";
                read.lines()[0].notes().add("mutated");
                read.lines()[1] = line("mutated");
            }
        }
        assertSameGrid(grids.get("g1").orElseThrow(), grid("g1"));
    }

    private static void assertSameGrid(Grid actual, Grid expected) {
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.cells()).containsExactly(expected.cells());
        assertThat(actual.names()).containsExactly(expected.names());
        assertThat(actual.lines()).containsExactly(expected.lines());
    }

    @Test
    void twoReadsNeverShareAMutablePart() {
        baskets().insert(basket("b1"));
        Basket first = baskets().get("b1").orElseThrow();
        Basket second = baskets().get("b1").orElseThrow();

        assertThat(second).isNotSameAs(first);
        assertThat(second.tags()).isNotSameAs(first.tags());
        assertThat(second.lines().get(0).notes()).isNotSameAs(first.lines().get(0).notes());
        assertThat(second.history().get("mon")).isNotSameAs(first.history().get("mon"));
    }

    @Test
    void changingAValueAfterItWasWrittenChangesNothing() {
        Basket inserted = basket("b1");
        baskets().insert(inserted);
        vandalise(inserted);
        assertThat(baskets().get("b1")).contains(basket("b1"));

        Basket updated = basket("b1");
        updated.tags().add("second");
        baskets().update(updated);
        vandalise(updated);
        Basket expected = basket("b1");
        expected.tags().add("second");
        assertThat(baskets().get("b1")).contains(expected);

        Profile saved = profile("p1");
        List<Profile> batch = List.of(saved, profile("p2"));
        profiles().saveAll(batch);
        batch.forEach(ValueIsolationTests::vandalise);
        assertThat(profiles().getAll(List.of("p1", "p2"))).containsValues(profile("p1"), profile("p2"));

        Grid grid = grid("g1");
        depot().records(GRIDS).insert(grid);
        grid.cells()[0] = 99;
        grid.lines()[0].notes().clear();
        assertSameGrid(depot().records(GRIDS).get("g1").orElseThrow(), grid("g1"));
    }

    @Test
    void changingAValueInsideATransactionAfterWritingItChangesWhatCommitsNot() {
        depot().transact(tx -> {
            Records<String, Basket> b = tx.records(BASKETS);
            Basket written = basket("b1");
            b.insert(written);
            vandalise(written);
            vandalise(b.get("b1").orElseThrow());
            assertThat(b.get("b1")).contains(basket("b1"));
            return null;
        });
        assertThat(baskets().get("b1")).contains(basket("b1"));
    }

    @Test
    void returnedCollectionsAreTheCallersToChangeAndWriteBack() {
        baskets().insert(basket("b1"));
        Basket read = baskets().get("b1").orElseThrow();

        read.tags().add("blue"); // mutable: no UnsupportedOperationException
        read.counts().put("pears", 1);
        read.lines().get(0).notes().add("checked");
        assertThat(baskets().get("b1")).contains(basket("b1"));

        baskets().update(read);
        Basket back = baskets().get("b1").orElseThrow();
        assertThat(back).isEqualTo(read);
        assertThat(back.tags()).containsExactly("red", "green", "blue");

        profiles().insert(profile("p1"));
        Profile p = profiles().get("p1").orElseThrow();
        p.setRank(6);
        p.getTags().add("edited");
        profiles().update(p);
        assertThat(profiles().get("p1")).contains(p);
        assertThat(profiles().query().where(Q.field("rank").eq(6)).list()).containsExactly(p);
    }

    @Test
    void nullAndEmptyCollectionsReadBackAsWritten() {
        Basket empty = new Basket("empty", 1, new ArrayList<>(), new LinkedHashSet<>(), new LinkedHashMap<>(),
                new Line("l", 0, new ArrayList<>()), new ArrayList<>(), new LinkedHashMap<>());
        Basket nulls = new Basket("nulls", 2, null, null, null, new Line("l", 0, null), null, null);
        baskets().saveAll(List.of(empty, nulls));

        for (int round = 0; round < 2; round++) {
            Basket e = baskets().get("empty").orElseThrow();
            assertThat(e).isEqualTo(empty);
            assertThat(e.tags()).isEmpty();
            assertThat(e.history()).isEmpty();
            e.tags().add("x");
            e.history().put("x", List.of());
            Basket n = baskets().get("nulls").orElseThrow();
            assertThat(n).isEqualTo(nulls);
            assertThat(n.tags()).isNull();
            assertThat(n.main().notes()).isNull();
        }
        Profile bare = new Profile();
        bare.setId("bare");
        bare.setTags(null);
        bare.setLines(new LinkedHashMap<>());
        profiles().insert(bare);
        assertThat(profiles().get("bare")).contains(bare);
        assertThat(profiles().get("bare").orElseThrow().getTags()).isNull();
    }

    @Test
    void manyThreadsChangingWhatTheyReadNeverSeeAnotherThreadsChanges() {
        List<String> keys = List.of("b0", "b1", "b2", "b3");
        baskets().saveAll(keys.stream().map(ValueIsolationTests::basket).toList());
        Function<String, Basket> expected = ValueIsolationTests::basket;

        Concurrently.run(8, thread -> {
            for (int i = 0; i < 300; i++) {
                String key = keys.get((thread + i) % keys.size());
                Basket read = i % 3 == 0
                        ? baskets().query().where(Q.field("rank").eq(7)).list().get((thread + i) % keys.size())
                        : baskets().get(key).orElseThrow();
                assertThat(read).isEqualTo(expected.apply(read.id()));
                vandalise(read);
            }
        });
        for (String key : keys) {
            assertThat(baskets().get(key)).contains(basket(key));
        }
    }

    // ---- frozenCollections() ----

    /** Every mutation {@link #vandalise(Basket)} tries, each expected to throw on a frozen value. */
    private static List<Runnable> mutations(Basket b) {
        return List.of(
                () -> b.tags().add("mutated"),
                () -> b.tags().set(0, "mutated"),
                () -> b.labels().add("mutated"),
                () -> b.counts().put("apples", 99),
                () -> b.counts().remove("none"),
                () -> b.main().notes().add("mutated"),
                () -> b.lines().get(0).notes().clear(),
                () -> b.lines().add(line("mutated")),
                () -> b.history().get("mon").add(99),
                () -> b.history().remove("wed"),
                () -> b.tags().iterator().remove());
    }

    @Test
    void frozenCollectionsAreUnmodifiableOnEveryReadAndEqualWhatWasWritten() {
        Records<String, Basket> frozen = depot().records(FROZEN_BASKETS);
        Basket written = basket("f1");
        frozen.insert(written);
        for (int round = 0; round < 3; round++) { // the first read of a record and the reads after it
            for (Basket read : everyRead(FROZEN_BASKETS, "f1")) {
                assertThat(read).isEqualTo(written);
                assertThat(read.tags()).containsExactly("red", "green");
                assertThat(read.labels()).containsExactlyInAnyOrder("x", "y"); // a Set decodes into a HashSet: the decode orders it
                assertThat(read.counts().keySet()).containsExactly("apples", "none");
                assertThat(read.counts()).containsEntry("none", null);
                assertThat(read.lines()).containsExactly(line("a"), line("b"), null);
                assertThat(read.history().keySet()).containsExactly("mon", "tue", "wed");
                assertThat(read.history()).containsEntry("wed", null);
                for (Runnable mutation : mutations(read)) {
                    assertThatThrownBy(mutation::run).isInstanceOf(UnsupportedOperationException.class);
                }
            }
        }
        assertThat(frozen.query().where(Q.field("rank").eq(7)).list()).containsExactly(basket("f1"));
    }

    @Test
    void frozenCollectionsStillIsolateWhatWasWritten() {
        Records<String, Basket> frozen = depot().records(FROZEN_BASKETS);
        Basket inserted = basket("f1");
        frozen.insert(inserted);
        vandalise(inserted);
        assertThat(frozen.get("f1")).contains(basket("f1"));

        Basket updated = basket("f1");
        updated.tags().add("second");
        frozen.update(updated);
        vandalise(updated);
        Basket expected = basket("f1");
        expected.tags().add("second");
        assertThat(frozen.get("f1")).contains(expected);

        depot().transact(tx -> {
            Records<String, Basket> b = tx.records(FROZEN_BASKETS);
            Basket written = basket("f2");
            b.insert(written);
            vandalise(written);
            Basket read = b.get("f2").orElseThrow();
            assertThat(read).isEqualTo(basket("f2"));
            assertThatThrownBy(() -> read.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
            return null;
        });
        assertThat(frozen.get("f2")).contains(basket("f2"));
    }

    @Test
    void aFrozenValueIsChangedByWritingANewOne() {
        Records<String, Basket> frozen = depot().records(FROZEN_BASKETS);
        frozen.insert(basket("f1"));
        Basket read = frozen.get("f1").orElseThrow();
        List<String> tags = new ArrayList<>(read.tags());
        tags.add("blue");
        frozen.update(new Basket(read.id(), read.rank(), tags, read.labels(), read.counts(), read.main(), read.lines(),
                read.history()));
        Basket back = frozen.get("f1").orElseThrow();
        assertThat(back.tags()).containsExactly("red", "green", "blue");
        assertThat(back).isNotEqualTo(read);
    }

    @Test
    void nullAndEmptyFrozenCollectionsReadBackAsWritten() {
        Records<String, Basket> frozen = depot().records(FROZEN_BASKETS);
        Basket empty = new Basket("empty", 1, new ArrayList<>(), new LinkedHashSet<>(), new LinkedHashMap<>(),
                new Line("l", 0, new ArrayList<>()), new ArrayList<>(), new LinkedHashMap<>());
        Basket nulls = new Basket("nulls", 2, null, null, null, new Line("l", 0, null), null, null);
        frozen.saveAll(List.of(empty, nulls));
        Basket e = frozen.get("empty").orElseThrow();
        assertThat(e).isEqualTo(empty);
        assertThatThrownBy(() -> e.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.history().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
        Basket n = frozen.get("nulls").orElseThrow();
        assertThat(n).isEqualTo(nulls);
        assertThat(n.tags()).isNull();
        assertThat(n.main().notes()).isNull();
    }

    @Test
    void memorySharesOneFrozenInstanceAcrossReads() {
        Assumptions.assumeTrue(fixture().name().equals("memory"), "only the memory backend caches decoded values");
        Records<String, Basket> frozen = depot().records(FROZEN_BASKETS);
        frozen.insert(basket("f1"));
        Basket first = frozen.get("f1").orElseThrow();
        assertThat(frozen.get("f1").orElseThrow()).isSameAs(first);
        assertThat(frozen.query().first().orElseThrow()).isSameAs(first);
        frozen.update(basket("f1"));
        assertThat(frozen.get("f1").orElseThrow()).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void manyThreadsReadTheSameFrozenValues() {
        List<String> keys = List.of("f0", "f1", "f2", "f3");
        depot().records(FROZEN_BASKETS).saveAll(keys.stream().map(ValueIsolationTests::basket).toList());
        Concurrently.run(8, thread -> {
            Records<String, Basket> frozen = depot().records(FROZEN_BASKETS);
            for (int i = 0; i < 300; i++) {
                String key = keys.get((thread + i) % keys.size());
                Basket read = i % 3 == 0
                        ? frozen.query().where(Q.field("rank").eq(7)).list().get((thread + i) % keys.size())
                        : frozen.get(key).orElseThrow();
                assertThat(read).isEqualTo(basket(read.id()));
                assertThatThrownBy(() -> read.lines().get(0).notes().add("x"))
                        .isInstanceOf(UnsupportedOperationException.class);
            }
        });
        for (String key : keys) {
            assertThat(depot().records(FROZEN_BASKETS).get(key)).contains(basket(key));
        }
    }
}
