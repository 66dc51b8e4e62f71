package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIdentityInfo;
import com.fasterxml.jackson.annotation.ObjectIdGenerators;
import dev.depot.spi.StoredRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What {@code frozenCollections()} accepts and refuses, and that a frozen value is unmodifiable and faithful. */
class ValueFreezerTest {
    record Flat(String id, int n) {}

    record Line(String sku, List<String> notes, Map<String, Integer> counts) {}

    record Frozen(String id, List<String> tags, Set<String> labels, Map<String, Integer> counts, Collection<Integer> any,
            SortedSet<String> sorted, NavigableMap<String, Line> byName, Line main, List<Line> lines,
            Map<String, List<Integer>> history, Flat flat) {}

    record WithArray(String id, int[] cells) {}

    record Nested(String id, WithArray inner) {}

    record WithArrayList(String id, ArrayList<String> tags) {}

    record WithDeque(String id, Deque<String> queue) {}

    record WithRecordKeys(String id, Map<Line, String> byFlat) {}

    record WithObject(String id, Object any) {}

    record Self(String id, List<Self> children) {}

    @JsonIdentityInfo(generator = ObjectIdGenerators.IntSequenceGenerator.class)
    record Annotated(String id, List<String> tags) {}

    public static final class Bean {
        public String id;
        public List<String> tags = new ArrayList<>();
    }

    record HoldsBean(String id, Bean bean) {}

    /** Copies what it is given into a mutable list: that would undo the freezing. */
    record Unfreezing(String id, List<String> tags) {
        Unfreezing {
            tags = new ArrayList<>(tags);
        }
    }

    /** Copies into an unmodifiable list: still frozen. */
    record Normalised(String id, List<String> tags) {
        Normalised {
            tags = List.copyOf(tags);
        }
    }

    private static Frozen frozen() {
        List<String> tags = new ArrayList<>(Arrays.asList("b", null, "a"));
        Set<String> labels = new LinkedHashSet<>(List.of("z", "y", "x"));
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("z", 1);
        counts.put("none", null);
        counts.put("a", 2);
        NavigableMap<String, Line> byName = new TreeMap<>();
        byName.put("k", line("k"));
        Map<String, List<Integer>> history = new LinkedHashMap<>();
        history.put("mon", new ArrayList<>(List.of(1, 2)));
        history.put("tue", null);
        List<Line> lines = new ArrayList<>(List.of(line("a")));
        lines.add(null);
        return new Frozen("f", tags, labels, counts, new ArrayList<>(List.of(3, 1)), new TreeSet<>(Set.of("q", "p")),
                byName, line("main"), lines, history, new Flat("x", 1));
    }

    private static Line line(String sku) {
        Map<String, Integer> counts = new HashMap<>();
        counts.put(sku, 1);
        return new Line(sku, new ArrayList<>(List.of("note " + sku)), counts);
    }

    @Test
    void everyCollectionOfAFrozenValueIsUnmodifiableAndTheValueEqualsTheDecode() {
        ValueFreezer<Frozen> freezer = ValueFreezer.of("frozen", Frozen.class);
        Codec<Frozen> codec = Codec.json(Frozen.class);
        Frozen decoded = codec.decode(codec.encode(frozen()));
        Frozen f = freezer.freeze(decoded);

        assertThat(f).isEqualTo(frozen()).isEqualTo(decoded);
        assertThat(Arrays.equals(codec.encode(f), codec.encode(decoded))).isTrue();
        assertThat(f.tags()).containsExactly("b", null, "a");
        assertThat(f.labels()).containsExactlyElementsOf(decoded.labels());
        assertThat(f.counts().keySet()).containsExactly("z", "none", "a");
        assertThat(f.counts()).containsEntry("none", null).containsEntry("a", 2);
        assertThat(f.sorted()).containsExactly("p", "q");
        assertThat(f.history()).containsKeys("mon", "tue").containsEntry("tue", null);
        assertThat(f.lines()).containsExactly(line("a"), null);
        assertThat(f.flat()).isSameAs(decoded.flat());

        assertUnmodifiable(() -> f.tags().add("x"));
        assertUnmodifiable(() -> f.tags().set(0, "x"));
        assertUnmodifiable(() -> f.labels().add("x"));
        assertUnmodifiable(() -> f.counts().put("x", 1));
        assertUnmodifiable(() -> f.any().clear());
        assertUnmodifiable(() -> f.sorted().add("x"));
        assertUnmodifiable(() -> f.byName().remove("k"));
        assertUnmodifiable(() -> f.byName().get("k").notes().add("x"));
        assertUnmodifiable(() -> f.main().notes().add("x"));
        assertUnmodifiable(() -> f.main().counts().clear());
        assertUnmodifiable(() -> f.lines().get(0).notes().clear());
        assertUnmodifiable(() -> f.history().get("mon").add(3));
        assertUnmodifiable(() -> f.tags().iterator().remove());

        decoded.tags().add("after"); // the decode it came from is not behind the views
        decoded.main().notes().clear();
        assertThat(f).isEqualTo(frozen());
    }

    record Ordered(String id, SortedSet<String> names) {}

    @Test
    void aSortedSetKeepsItsComparator() {
        TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
        reversed.addAll(List.of("a", "c", "b"));
        Ordered f = ValueFreezer.of("ordered", Ordered.class).freeze(new Ordered("o", reversed));
        assertThat(f.names()).containsExactly("c", "b", "a");
    }

    @Test
    void nullsStayNull() {
        Frozen nulls = new Frozen("n", null, null, null, null, null, null, new Line("l", null, null), null, null, null);
        assertThat(ValueFreezer.of("frozen", Frozen.class).freeze(nulls)).isEqualTo(nulls);
    }

    @Test
    void aDeeplyImmutableTypeIsSharedAsItIs() {
        Flat flat = new Flat("x", 1);
        assertThat(ValueFreezer.of("flat", Flat.class).freeze(flat)).isSameAs(flat);
        Schema<String, Flat> schema = Schema.of("flat", String.class, Flat.class).key(Flat::id).frozenCollections().build();
        assertThat(schema.immutableValues()).isTrue();
        assertThat(schema.freezer()).isNull();
    }

    @Test
    void typesThatCannotBeFrozenAreRefusedWhenTheSchemaIsBuiltNamingTypeAndField() {
        assertRefused(WithArray.class, "WithArray.cells (int[])", "arrays cannot be made unmodifiable");
        assertRefused(Nested.class, "WithArray.cells (int[])", "arrays");
        assertRefused(WithArrayList.class, "WithArrayList.tags (java.util.ArrayList<java.lang.String>)",
                "ArrayList is a concrete class");
        assertRefused(WithDeque.class, "WithDeque.queue", "Deque has no unmodifiable view");
        // Jackson cannot read record keys either, so Schema.build() refuses it earlier; the freezer names it too
        assertThatThrownBy(() -> ValueFreezer.of("refused", WithRecordKeys.class))
                .hasMessageContaining("WithRecordKeys.byFlat").hasMessageContaining("map keys must be immutable leaves");
        assertRefused(WithObject.class, "WithObject.any (java.lang.Object)", "polymorphic");
        assertRefused(Self.class, "Self.children", "contains itself");
        assertRefused(HoldsBean.class, "HoldsBean.bean", "is a mutable class");
        assertRefused(Bean.class, "cannot freeze " + Bean.class.getName(), "is a mutable class");
        assertRefused(Annotated.class, "cannot freeze " + Annotated.class.getName(), "@JsonIdentityInfo");
    }

    private static <V> void assertRefused(Class<V> type, String where, String why) {
        assertThatThrownBy(() -> Schema.of("refused", String.class, type).key(v -> "k").frozenCollections().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("refused: frozenCollections(): cannot freeze " + type.getName())
                .hasMessageContaining(where)
                .hasMessageContaining(why);
    }

    @Test
    void aConstructorThatUndoesTheFreezingFailsTheReadNamingTheComponent() {
        ValueFreezer<Unfreezing> freezer = ValueFreezer.of("unfreezing", Unfreezing.class);
        assertThatThrownBy(() -> freezer.freeze(new Unfreezing("u", List.of("a"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Unfreezing.class.getName())
                .hasMessageContaining("'tags'");
        Normalised n = ValueFreezer.of("normalised", Normalised.class).freeze(new Normalised("n", List.of("a")));
        assertUnmodifiable(() -> n.tags().add("x"));
    }

    @Test
    void memorySharesOneFrozenInstanceAndABackendWithoutACacheFreezesEachDecode() {
        Schema<String, Frozen> schema = Schema.of("frozen", String.class, Frozen.class).key(Frozen::id)
                .frozenCollections().build();
        assertThat(schema.copier()).isNull();
        try (Depot depot = Depot.open("memory:")) {
            Records<String, Frozen> records = depot.records(schema);
            Frozen written = frozen();
            records.insert(written);
            written.tags().clear(); // the caller's value was encoded at the call
            Frozen first = records.get("f").orElseThrow();
            Frozen second = records.get("f").orElseThrow();
            assertThat(second).isSameAs(first).isEqualTo(frozen());
            assertUnmodifiable(() -> first.tags().add("x"));
        }
        StoredRecord row = StoredRecord.of("f", 1, schema.codec().encode(frozen()));
        Frozen a = StoredValues.read(schema, row);
        Frozen b = StoredValues.read(schema, row);
        assertThat(a).isEqualTo(b).isEqualTo(frozen()).isNotSameAs(b);
        assertUnmodifiable(() -> a.lines().get(0).notes().add("x"));
    }

    @Test
    void withoutTheOptInNothingIsFrozen() {
        Schema<String, Frozen> schema = Schema.of("frozen", String.class, Frozen.class).key(Frozen::id).build();
        assertThat(schema.freezer()).isNull();
        Frozen read = StoredValues.read(schema, StoredRecord.of("f", 1, schema.codec().encode(frozen())));
        read.tags().add("x");
        read.main().notes().add("x");
        assertThat(read.tags()).endsWith("x");
    }

    private static void assertUnmodifiable(Runnable mutation) {
        assertThatThrownBy(mutation::run).isInstanceOf(UnsupportedOperationException.class);
    }
}
