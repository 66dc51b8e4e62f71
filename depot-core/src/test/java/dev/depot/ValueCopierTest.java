package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIdentityInfo;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.ObjectIdGenerators;
import dev.depot.spi.StoredRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What the structural copier accepts, what it refuses, and that its copies are independent and faithful. */
class ValueCopierTest {
    record Flat(String id, int n, Instant at, UUID ref) {}

    record Tagged(String id, List<String> tags, Set<String> labels, Map<String, Integer> counts) {}

    record Line(String sku, int quantity, List<Integer> marks) {}

    record Order(String id, List<Line> lines, Flat flat, Map<String, List<Integer>> nested, SortedMap<String, Line> byName) {}

    record Arrays3(String id, int[] ints, String[] names, Line[][] grid, byte[] raw) {}

    record Normalised(String id, List<String> tags) {
        Normalised {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /** Not idempotent: a copy through the constructor would add a second marker. */
    record Appending(String id, List<String> tags) {
        Appending {
            tags = new ArrayList<>(tags);
            tags.add("marker");
        }
    }

    record Generic<T>(String id, List<T> items) {}

    record WithObject(String id, Object any) {}

    record WithOptional(String id, Optional<List<String>> tags) {}

    record Named(@JsonProperty("identifier") String id, List<String> tags) {}

    @JsonIdentityInfo(generator = ObjectIdGenerators.IntSequenceGenerator.class)
    public static final class Shared {
        public String id;
        public List<Shared> others = new ArrayList<>();
    }

    public static final class Node {
        public String id;
        public List<Node> children = new ArrayList<>();
    }

    public static class Base {
        private String id;
        private List<String> tags = new ArrayList<>();

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public List<String> getTags() {
            return tags;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }
    }

    public static final class Pojo extends Base {
        private int score;
        private Line line;
        private transient int touched;

        public int getScore() {
            return score;
        }

        public void setScore(int score) {
            this.score = score;
        }

        public Line getLine() {
            return line;
        }

        public void setLine(Line line) {
            this.line = line;
        }
    }

    public static final class WithFinal {
        public final String id = "x";
        public List<String> tags = new ArrayList<>();
    }

    public static final class NoDefaultConstructor {
        public List<String> tags;

        public NoDefaultConstructor(List<String> tags) {
            this.tags = tags;
        }
    }

    @Test
    void sharesDeeplyImmutableTypesAndCopiesTheRest() {
        assertThat(CopierBuilder.forType(Flat.class)).isSameAs(Copier.SHARE);
        assertThat(ValueCopier.of(Flat.class)).isNull();
        for (Class<?> c : List.of(Tagged.class, Order.class, Arrays3.class, Normalised.class, Pojo.class, Named.class)) {
            assertThat(ValueCopier.of(c)).as(c.getSimpleName()).isNotNull();
        }
    }

    @Test
    void refusesWhatItCannotCopyFaithfully() {
        for (Class<?> c : List.of(Generic.class, WithObject.class, WithOptional.class, Shared.class, Node.class,
                WithFinal.class, NoDefaultConstructor.class, Object.class, List.class)) {
            assertThat(ValueCopier.of(c)).as(c.getSimpleName()).isNull();
        }
    }

    @Test
    void copiesAreEqualButShareNoMutablePart() {
        Order order = order();
        Order copy = ValueCopier.of(Order.class).copy(order);

        assertThat(copy).isEqualTo(order).isNotSameAs(order);
        assertThat(copy.lines()).isNotSameAs(order.lines());
        assertThat(copy.lines().get(0)).isNotSameAs(order.lines().get(0));
        assertThat(copy.lines().get(0).marks()).isNotSameAs(order.lines().get(0).marks());
        assertThat(copy.nested().get("a")).isNotSameAs(order.nested().get("a"));
        assertThat(copy.byName()).isInstanceOf(TreeMap.class).isNotSameAs(order.byName());
        assertThat(copy.flat()).isSameAs(order.flat()); // immutable: shared
        assertThat(copy.lines().get(0).sku()).isSameAs(order.lines().get(0).sku());

        copy.lines().get(0).marks().add(99);
        copy.lines().add(new Line("z", 1, new ArrayList<>()));
        copy.nested().get("a").clear();
        assertThat(order).isEqualTo(order());
    }

    @Test
    void arraysAreCopiedElementByElement() {
        Line line = new Line("a", 1, new ArrayList<>(List.of(1)));
        Arrays3 value = new Arrays3("id", new int[] {1, 2}, new String[] {"x", null}, new Line[][] {{line, null}, null},
                new byte[] {7});
        Arrays3 copy = ValueCopier.of(Arrays3.class).copy(value);

        assertThat(copy.ints()).isNotSameAs(value.ints()).containsExactly(1, 2);
        assertThat(copy.names()).isNotSameAs(value.names()).containsExactly("x", null);
        assertThat(copy.grid()[0][0]).isEqualTo(line).isNotSameAs(line);
        assertThat(copy.grid()[0][1]).isNull();
        assertThat(copy.grid()[1]).isNull();
        assertThat(copy.raw()).isNotSameAs(value.raw()).containsExactly(7);
    }

    @Test
    void mutableClassesAreCopiedFieldByFieldIncludingSuperclassFields() {
        Pojo p = new Pojo();
        p.setId("p1");
        p.getTags().add("a");
        p.setScore(5);
        p.setLine(new Line("s", 2, new ArrayList<>(List.of(3))));
        p.touched = 4;

        Pojo copy = ValueCopier.of(Pojo.class).copy(p);

        assertThat(copy).isNotSameAs(p);
        assertThat(copy.getId()).isEqualTo("p1");
        assertThat(copy.getTags()).containsExactly("a").isNotSameAs(p.getTags());
        assertThat(copy.getScore()).isEqualTo(5);
        assertThat(copy.getLine()).isEqualTo(p.getLine()).isNotSameAs(p.getLine());
        assertThat(copy.touched).isEqualTo(4);
    }

    @Test
    void nullsAndEmptyCollectionsStayWhatTheyWere() {
        Tagged empty = new Tagged("e", new ArrayList<>(), new HashSet<>(), new LinkedHashMap<>());
        Tagged nulls = new Tagged("n", null, null, null);
        Tagged nullElements = new Tagged("m", new ArrayList<>(Arrays.asList("a", null)), null,
                new LinkedHashMap<>(Map.of("k", 1)));
        nullElements.counts().put("z", null);
        ValueCopier<Tagged> copier = ValueCopier.of(Tagged.class);

        assertThat(copier.copy(empty)).isEqualTo(empty);
        assertThat(copier.copy(empty).tags()).isInstanceOf(ArrayList.class);
        assertThat(copier.copy(nulls)).isEqualTo(nulls);
        assertThat(copier.copy(nullElements)).isEqualTo(nullElements);
    }

    @Test
    void anUnknownRuntimeShapeIsNotCopied() {
        ValueCopier<Tagged> copier = ValueCopier.of(Tagged.class);
        Tagged odd = new Tagged("x", new CopyOnWriteArrayList<>(List.of("a")), null, null);

        assertThat(copier.copy(odd)).isNull();
    }

    @Test
    void unmodifiableCollectionsOfImmutableElementsAreShared() {
        Normalised n = new Normalised("x", List.of("a", "b"));
        Normalised copy = ValueCopier.of(Normalised.class).copy(n);

        assertThat(copy).isEqualTo(n);
        assertThat(copy.tags()).isSameAs(n.tags());
    }

    @Test
    void aCopyMustEncodeAsAFreshDecodeOrTheCopierSwitchesOff() {
        Codec<Appending> codec = Codec.json(Appending.class);
        ValueCopier<Appending> copier = ValueCopier.of(Appending.class);
        byte[] doc = codec.encode(new Appending("a", List.of("t")));
        Appending copy = copier.copy(codec.decode(doc));

        assertThat(copier.verify(copy, codec.decode(doc), codec)).isFalse();
        assertThat(copier.on()).isFalse();

        Codec<Order> orders = Codec.json(Order.class);
        ValueCopier<Order> good = ValueCopier.of(Order.class);
        Order decoded = orders.decode(orders.encode(order()));
        assertThat(good.verify(good.copy(decoded), orders.decode(orders.encode(order())), orders)).isTrue();
        assertThat(good.verified()).isTrue();
    }

    @Test
    void aCopiedHashSetIteratesAsAFreshlyDecodedOne() {
        Codec<Tagged> codec = Codec.json(Tagged.class);
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            labels.add("label-" + i * 7919);
        }
        byte[] doc = codec.encode(new Tagged("x", List.of(), labels, Map.of()));
        Tagged decoded = codec.decode(doc);
        Tagged copy = ValueCopier.of(Tagged.class).copy(decoded);

        assertThat(List.copyOf(copy.labels())).isEqualTo(List.copyOf(codec.decode(doc).labels()));
    }

    @Test
    void aMutableValueIsCopiedFromTheCacheOnEveryReadOfMemory() {
        Schema<String, Tagged> schema = Schema.of("tagged", String.class, Tagged.class).key(Tagged::id).build();
        try (Depot depot = Depot.open("memory:")) {
            Records<String, Tagged> tagged = depot.records(schema);
            tagged.insert(new Tagged("t", List.of("a"), Set.of("b"), Map.of("c", 1)));
            Tagged first = tagged.get("t").orElseThrow();
            first.tags().add("mutated");
            Tagged second = tagged.get("t").orElseThrow();

            assertThat(second).isNotSameAs(first);
            assertThat(second.tags()).containsExactly("a");
            assertThat(schema.copier().verified()).isTrue();
            Object cached = ((DefaultRecords<String, Tagged>) tagged).session()
                    .get(schema.spec(), "t").cachedValue();
            assertThat(cached).as("the store keeps its own instance").isInstanceOf(Tagged.class)
                    .isNotSameAs(first).isNotSameAs(second).isEqualTo(second);
        }
    }

    @Test
    void aBackendWithoutACacheGetsAFreshDecodePerRead() {
        Schema<String, Tagged> schema = Schema.of("tagged", String.class, Tagged.class).key(Tagged::id).build();
        Tagged value = new Tagged("t", new ArrayList<>(List.of("a")), null, null);
        StoredRecord row = StoredRecord.of("t", 1, schema.codec().encode(value));

        Tagged first = StoredValues.read(schema, row);
        Tagged second = StoredValues.read(schema, row);

        assertThat(first).isEqualTo(value).isEqualTo(second).isNotSameAs(second);
        assertThat(row.cachedValue()).isNull();
    }

    @Test
    void aTypeWhoseCopyDiffersFromADecodeIsDecodedOnEveryRead() {
        Schema<String, Appending> schema = Schema.of("appending", String.class, Appending.class).key(Appending::id).build();
        Codec<Appending> codec = Codec.json(Appending.class);
        try (Depot depot = Depot.open("memory:")) {
            Records<String, Appending> records = depot.records(schema);
            Appending written = new Appending("a", List.of("t"));
            records.insert(written);
            Appending decoded = codec.decode(codec.encode(written));

            assertThat(records.get("a")).contains(decoded);
            assertThat(records.get("a")).contains(decoded);
            assertThat(schema.copier().on()).isFalse();
        }
    }

    private static Order order() {
        List<Line> lines = new ArrayList<>(List.of(new Line("a", 1, new ArrayList<>(List.of(1, 2))),
                new Line("b", 2, new ArrayList<>())));
        Map<String, List<Integer>> nested = new LinkedHashMap<>();
        nested.put("a", new ArrayList<>(List.of(1)));
        nested.put("b", null);
        SortedMap<String, Line> byName = new TreeMap<>(Map.of("x", new Line("x", 3, new ArrayList<>(List.of(4)))));
        return new Order("o", lines, new Flat("f", 1, Instant.EPOCH, new UUID(1, 2)), nested, byName);
    }
}
