package dev.depot.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Condition;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Union and intersection of range sets, checked against membership of every value of a small
 * domain (null and -1..11 on a Long index): the merge-based operations must allow exactly the values
 * either (or both) inputs allow, and return sorted, disjoint, non-touching ranges.
 */
class RangeSetsTest {
    private static final RangeSets SETS = new RangeSets(IndexType.LONG, 0);

    @Property(tries = 2_000)
    void unionAndIntersectionAllowExactlyTheValuesTheirInputsAllow(@ForAll("sets") List<IndexRange> a, @ForAll("sets") List<IndexRange> b) {
        List<IndexRange> union = SETS.union(a, b);
        List<IndexRange> both = SETS.intersect(a, b);
        for (Long v : domain()) {
            assertThat(allows(union, v)).as("%s in %s ∪ %s = %s", v, a, b, union).isEqualTo(allows(a, v) || allows(b, v));
            assertThat(allows(both, v)).as("%s in %s ∩ %s = %s", v, a, b, both).isEqualTo(allows(a, v) && allows(b, v));
        }
        assertNormal(union);
        assertNormal(both);
    }

    @Property(tries = 500)
    void foldsInHalvesAgreeWithOneAtATime(@ForAll("manySets") List<List<IndexRange>> sets) {
        List<IndexRange> union = List.of();
        List<IndexRange> both = SETS.all();
        for (List<IndexRange> s : sets) {
            union = SETS.union(union, s);
            both = SETS.intersect(both, s);
        }
        assertThat(SETS.unionAll(sets)).isEqualTo(union);
        assertThat(SETS.intersectAll(sets)).isEqualTo(both);
    }

    @Test
    void anAndOfManyNegatedValuesIsTheGapsBetweenThem() {
        List<List<IndexRange>> negated = new ArrayList<>();
        for (long v = 0; v < 5_000; v++) {
            negated.add(SETS.union(SETS.of(test(Condition.Operator.LT, v)), SETS.of(test(Condition.Operator.GT, v))));
        }
        List<IndexRange> gaps = SETS.intersectAll(negated);
        assertThat(gaps).hasSize(5_001);
        assertThat(gaps.get(0)).isEqualTo(new IndexRange(0, null, false, 0L, false));
        assertThat(gaps.get(1)).isEqualTo(new IndexRange(0, 0L, false, 1L, false));
        assertThat(gaps.get(5_000)).isEqualTo(new IndexRange(0, 4_999L, false, null, false));
        assertNormal(gaps);
    }

    private static Predicate test(Condition.Operator op, Object... values) {
        return new Predicate(0, op, List.of(values));
    }

    @Provide
    Arbitrary<List<IndexRange>> sets() {
        Arbitrary<List<IndexRange>> one = range().map(List::of);
        return Arbitraries.oneOf(one, range().list().ofMaxSize(4).map(l -> {
            List<IndexRange> out = List.of();
            for (IndexRange r : l) {
                out = SETS.union(out, List.of(r));
            }
            return out;
        }));
    }

    @Provide
    Arbitrary<List<List<IndexRange>>> manySets() {
        return sets().list().ofMinSize(1).ofMaxSize(9);
    }

    /** A non-empty range over null and 0..10, possibly unbounded above. */
    private static Arbitrary<IndexRange> range() {
        Arbitrary<Long> value = Arbitraries.longs().between(0, 10).injectNull(0.15);
        return Combinators.combine(value, Arbitraries.of(true, false), value, Arbitraries.of(true, false), Arbitraries.of(false, false, true))
                .as((lo, loIn, hi, hiIn, open) -> open ? new IndexRange(0, lo, loIn, null, false) : new IndexRange(0, lo, loIn, hi, hiIn))
                .filter(r -> !empty(r));
    }

    private static boolean empty(IndexRange r) {
        for (Long v : domain()) {
            if (allows(List.of(r), v)) {
                return false;
            }
        }
        return true;
    }

    private static List<Long> domain() {
        List<Long> d = new ArrayList<>();
        d.add(null);
        for (long v = -1; v <= 11; v++) {
            d.add(v);
        }
        return d;
    }

    private static boolean allows(List<IndexRange> set, Long v) {
        for (IndexRange r : set) {
            int lo = IndexType.LONG.compareNullsFirst(v, r.low());
            boolean aboveLow = lo > 0 || (lo == 0 && r.lowInclusive());
            boolean belowHigh;
            if (r.unboundedAbove()) {
                belowHigh = true;
            } else {
                int hi = IndexType.LONG.compareNullsFirst(v, r.high());
                belowHigh = hi < 0 || (hi == 0 && r.highInclusive());
            }
            if (aboveLow && belowHigh) {
                return true;
            }
        }
        return false;
    }

    /** Sorted by low end, each range ending before the next begins (no overlap, no touching). */
    private static void assertNormal(List<IndexRange> set) {
        for (int i = 1; i < set.size(); i++) {
            IndexRange prev = set.get(i - 1);
            IndexRange next = set.get(i);
            assertThat(prev.unboundedAbove()).as("%s", set).isFalse();
            int c = IndexType.LONG.compareNullsFirst(prev.high(), next.low());
            assertThat(c < 0 || (c == 0 && !prev.highInclusive() && !next.lowInclusive())).as("disjoint, apart: %s", set).isTrue();
        }
    }
}
