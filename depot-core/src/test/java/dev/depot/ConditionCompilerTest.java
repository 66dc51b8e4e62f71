package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Condition.Operator;
import dev.depot.spi.Filter;
import dev.depot.spi.Predicate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the compiler hands backends for ORs of point tests (the kit checks the rows on every backend). */
class ConditionCompilerTest {
    record Item(String id, String name, Long score) {}

    static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class).key(Item::id)
            .index("name", String.class, Item::name)
            .index("score", Long.class, Item::score)
            .build();

    private static List<Filter> compile(Condition c) {
        return new ConditionCompiler(ITEMS).conjuncts(c);
    }

    @Test
    void anOrOfPointTestsOnOneIndexIsOneSortedDistinctIn() {
        List<Filter> f = compile(Q.or(Q.field("score").eq(5L), Q.field("score").in(3L, 9L), Q.field("score").eq(3L)));
        assertThat(f).containsExactly(new Predicate(1, Operator.IN, List.of(3L, 5L, 9L)));
    }

    @Test
    void otherBranchesStayAndEachIndexMergesAtItsFirstPointTest() {
        List<Filter> f = compile(Q.or(Q.field("name").eq("b"), Q.field("score").gt(7L), Q.field("score").eq(1L),
                Q.field("name").eq("a"), Q.field("score").isNull(), Q.field("score").eq(2L)));
        assertThat(f).containsExactly(new Filter.AnyOf(List.of(
                new Predicate(0, Operator.IN, List.of("a", "b")),
                new Predicate(1, Operator.GT, List.of(7L)),
                new Predicate(1, Operator.IN, List.of(1L, 2L)),
                new Predicate(1, Operator.IS_NULL, List.of()))));
    }

    @Test
    void aSinglePointTestPerIndexIsLeftAsWritten() {
        List<Filter> f = compile(Q.or(Q.field("name").eq("a"), Q.field("score").eq(1L)));
        assertThat(f).containsExactly(new Filter.AnyOf(List.of(new Predicate(0, Operator.EQ, List.of("a")),
                new Predicate(1, Operator.EQ, List.of(1L)))));
    }

    @Test
    void aNegatedAndOfUnequalsIsAnInOfTheirValues() {
        List<Filter> f = compile(Q.not(Q.and(Q.not(Q.field("score").eq(4L)), Q.not(Q.field("score").eq(2L)))));
        assertThat(f).containsExactly(new Predicate(1, Operator.IN, List.of(2L, 4L)));
    }
}
