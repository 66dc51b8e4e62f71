package dev.depot.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Condition.Operator;
import dev.depot.Explanation.OrderSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one query plan: range algebra per index, OR unions across indexes, and when a plan scans. */
class AccessPathTest {
    private static final int NAME = 0;
    private static final int SCORE = 1;
    private static final CollectionSpec SPEC = new CollectionSpec("c", KeyType.STRING,
            List.of(new IndexSpec("name", IndexType.STRING, false), new IndexSpec("score", IndexType.LONG, false)));

    private static Predicate p(int index, Operator op, Object... values) {
        return new Predicate(index, op, List.of(values));
    }

    private static AccessPath plan(int order, Filter... filters) {
        return AccessPath.of(SPEC, new QueryPlan(List.of(filters), order, false, null, 0, QueryPlan.NO_LIMIT));
    }

    private static List<String> intervals(AccessPath a) {
        return a.ranges().stream().map(r -> SPEC.index(r.index()).name() + " " + r.interval()).toList();
    }

    @Test
    void overlappingAndTouchingRangesOfAnOrMergeIntoOne() {
        AccessPath a = plan(SCORE, new Filter.AnyOf(List.of(p(SCORE, Operator.LT, 5L),
                p(SCORE, Operator.BETWEEN, 3L, 10L), p(SCORE, Operator.GT, 10L), p(SCORE, Operator.EQ, 20L))));

        assertThat(intervals(a)).containsExactly("score (null, +\u221e)");
        assertThat(a.scans()).as("every non-null value: the whole index is walked").isTrue();
        assertThat(intervals(plan(SCORE, new Filter.AnyOf(List.of(p(SCORE, Operator.LT, 5L), p(SCORE, Operator.GE, 5L),
                p(SCORE, Operator.EQ, 3L)))))).containsExactly("score (null, +\u221e)");
        assertThat(intervals(plan(SCORE, new Filter.AnyOf(List.of(p(SCORE, Operator.LT, 5L), p(SCORE, Operator.GT, 5L))))))
                .as("not(eq(5))").containsExactly("score (null, 5)", "score (5, +\u221e)");
    }

    @Test
    void conditionsOnOneIndexIntersectAndAContradictionReadsNothing() {
        assertThat(intervals(plan(SCORE, p(SCORE, Operator.GE, 3L), p(SCORE, Operator.LT, 9L), p(SCORE, Operator.IN, 1L, 5L, 9L))))
                .containsExactly("score [5, 5]");
        AccessPath none = plan(QueryPlan.KEY_ORDER, p(SCORE, Operator.EQ, 1L), p(SCORE, Operator.EQ, 2L));
        assertThat(none.ranges()).isEmpty();
        assertThat(none.scans()).isFalse();
        assertThat(none.order()).isEqualTo(OrderSource.SORT);
    }

    @Test
    void nullsSortLowestAndOnlyNullTestsReachThem() {
        assertThat(intervals(plan(SCORE, new Filter.AnyOf(List.of(p(SCORE, Operator.IS_NULL), p(SCORE, Operator.LT, 0L))))))
                .containsExactly("score [null, 0)");
        assertThat(intervals(plan(SCORE, p(SCORE, Operator.IS_NULL), p(SCORE, Operator.GE, 0L)))).isEmpty();
    }

    @Test
    void anOrAcrossIndexesUnionsEachBranchsNarrowestRanges() {
        AccessPath a = plan(QueryPlan.KEY_ORDER, new Filter.AnyOf(List.of(
                new Filter.AllOf(List.of(p(NAME, Operator.STARTS_WITH, "ab"), p(SCORE, Operator.EQ, 7L))),
                p(NAME, Operator.EQ, "z"),
                p(SCORE, Operator.EQ, 8L))));

        assertThat(intervals(a)).containsExactly("name [\"z\", \"z\"]", "score [7, 7]", "score [8, 8]");
        assertThat(a.order()).isEqualTo(OrderSource.SORT);
        assertThat(a.scans()).isFalse();
    }

    @Test
    void anOrderIndexANarrowingConditionServesIsWalkedInOrderElseTheNarrowestRangesAreSorted() {
        assertThat(plan(SCORE, p(SCORE, Operator.GT, 1L), p(NAME, Operator.EQ, "a")).order()).isEqualTo(OrderSource.INDEX);
        AccessPath sorted = plan(SCORE, p(NAME, Operator.EQ, "a"));
        assertThat(sorted.order()).isEqualTo(OrderSource.SORT);
        assertThat(intervals(sorted)).containsExactly("name [\"a\", \"a\"]");
        AccessPath walk = plan(SCORE, p(NAME, Operator.IS_NOT_NULL));
        assertThat(walk.scans()).isTrue();
        assertThat(walk.order()).isEqualTo(OrderSource.INDEX);
        assertThat(plan(QueryPlan.KEY_ORDER, p(NAME, Operator.EQ, "a")).order()).as("one value: entries in key order")
                .isEqualTo(OrderSource.INDEX);
    }

    @Test
    void anOrWithABranchNoIndexNarrowsScans() {
        AccessPath a = plan(QueryPlan.KEY_ORDER, new Filter.AnyOf(List.of(p(SCORE, Operator.EQ, 1L), p(NAME, Operator.IS_NOT_NULL))));

        assertThat(a).isEqualTo(new AccessPath(List.of(), true, OrderSource.KEYS));
    }

    @Test
    void rowsReadThroughTheExactRangesSkipTheirIndexsTestsOnlyWhenThereAreManyOfThem() {
        List<Filter> few = List.of(p(SCORE, Operator.GT, 1L), p(SCORE, Operator.LT, 9L), p(NAME, Operator.EQ, "a"));
        AccessPath ordered = plan(SCORE, few.toArray(Filter[]::new));
        assertThat(ordered.exactIndex()).isEqualTo(SCORE);
        assertThat(ordered.residual(few)).as("a handful is tested again").isSameAs(few);

        List<Filter> many = new java.util.ArrayList<>();
        for (long v = 0; v < AccessPath.TRUSTED_TESTS + 1; v++) {
            many.add(new Filter.AnyOf(List.of(p(SCORE, Operator.LT, v), p(SCORE, Operator.GT, v))));
        }
        many.add(p(NAME, Operator.EQ, "a"));
        AccessPath wide = plan(SCORE, many.toArray(Filter[]::new));
        assertThat(wide.exactIndex()).isEqualTo(SCORE);
        assertThat(wide.residual(many)).containsExactly(p(NAME, Operator.EQ, "a"));

        Filter mixedOr = new Filter.AnyOf(List.of(p(SCORE, Operator.EQ, 1L), p(NAME, Operator.EQ, "b")));
        List<Filter> withOr = new java.util.ArrayList<>(many.subList(0, many.size() - 1));
        withOr.add(p(SCORE, Operator.GT, 100L)); // leaves the score ranges wide: the OR's union is read
        withOr.add(mixedOr);
        AccessPath union = plan(QueryPlan.KEY_ORDER, withOr.toArray(Filter[]::new));
        assertThat(intervals(union)).containsExactly("name [\"b\", \"b\"]", "score [1, 1]");
        assertThat(union.exactIndex()).as("an OR's union holds no index's conditions").isEqualTo(-1);
        assertThat(union.residual(withOr)).isSameAs(withOr);
        assertThat(plan(QueryPlan.KEY_ORDER).exactIndex()).isEqualTo(-1);
    }
}
