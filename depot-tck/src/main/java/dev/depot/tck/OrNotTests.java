package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Condition;
import dev.depot.Direction;
import dev.depot.Explanation;
import dev.depot.Explanation.OrderSource;
import dev.depot.Index;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.tck.KitModel.Doc;
import dev.depot.tck.KitModel.Player;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code Q.or}, {@code Q.and} and {@code Q.not}, typed index handles and {@code explain()}: the
 * same matches, order, pages and plan description on every backend, and null values under SQL's
 * three-valued logic (a comparison and its negation both miss a null).
 */
abstract class OrNotTests extends FeatureTests {
    static final Index<Long> SCORE = Index.of("score", Long.class);
    static final Index<String> NAME = Index.of("name", String.class);

    OrNotTests(DepotConformanceSuite suite) {
        super(suite);
    }

    /** Twelve players: names P00..P11, scores in ties (0, 0, 10, 10, ..., 50, 50). */
    private List<Player> insertPlayers() {
        List<Player> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Player p = player(String.format("P%02d", i), (i / 2) * 10);
            players().insert(p);
            all.add(p);
        }
        return all;
    }

    /** Docs with tags a, b, c, null and ratios 1.0, 2.0, null, 3.0 in a mix. */
    private void insertDocs() {
        docs().insert(new Doc("d1", "a", 1.0, true, null));
        docs().insert(new Doc("d2", "b", null, false, null));
        docs().insert(new Doc("d3", null, 2.0, null, null));
        docs().insert(new Doc("d4", "c", 3.0, true, null));
        docs().insert(new Doc("d5", "ab", null, null, null));
        docs().insert(new Doc("d6", null, null, null, null));
    }

    private List<String> docIds(Condition c) {
        List<String> listed = ids(docs().query().where(c).list());
        assertThat(docs().query().where(c).count()).as("count of %s", c).isEqualTo(listed.size());
        return listed;
    }

    /** The expected players in the query's total order: by score (direction), ties by key ascending. */
    private static List<String> expected(List<Player> all, Predicate<Player> match, boolean descending) {
        Comparator<Player> byScore = Comparator.comparingInt(Player::score);
        Comparator<Player> order = (descending ? byScore.reversed() : byScore)
                .thenComparing(p -> p.id().toString());
        return all.stream().filter(match).sorted(order).map(Player::name).toList();
    }

    /** Every item, following cursors page by page. */
    private static <V> List<V> paged(Query<V> q, int size) {
        List<V> out = new ArrayList<>();
        Page<V> page = q.limit(size).page();
        out.addAll(page.items());
        while (page.nextCursor() != null) {
            page = q.limit(size).after(page.nextCursor()).page();
            out.addAll(page.items());
        }
        return out;
    }

    @Test
    void anOrOfEqualitiesOnOneIndexIsTheUnionOfTheirValues() {
        List<Player> all = insertPlayers();
        Condition c = Q.or(Q.field("score").eq(10), Q.field("score").eq(40));

        for (boolean desc : List.of(false, true)) {
            Query<Player> q = players().query().where(c).orderBy("score", desc ? Direction.DESC : Direction.ASC);
            List<String> want = expected(all, p -> p.score() == 10 || p.score() == 40, desc);
            assertThat(want).hasSize(4);
            assertThat(names(q.list())).isEqualTo(want);
            for (int size = 1; size <= 3; size++) {
                assertThat(names(paged(q, size))).as("pages of %d, desc=%s", size, desc).isEqualTo(want);
            }
        }
        assertThat(players().query().where(c).count()).isEqualTo(4);
        assertThat(map(players().query().where(c).list(), p -> p.id().toString()))
                .as("key order without orderBy").isSorted();
    }

    @Test
    void anInListPagesOneRowAtATimeWithoutLosingOrReorderingRows() {
        List<Player> all = insertPlayers();

        for (boolean desc : List.of(false, true)) {
            Query<Player> q = players().query().where(Q.field("score").in(10, 40))
                    .orderBy("score", desc ? Direction.DESC : Direction.ASC);
            List<String> want = expected(all, p -> p.score() == 10 || p.score() == 40, desc);
            for (int size = 1; size <= 3; size++) { // cached statements re-run with other limits and bounds
                assertThat(names(paged(q, size))).as("desc=%s, pages of %d", desc, size).isEqualTo(want);
            }
        }
    }

    @Test
    void anOrOfTwoIndexedEqualitiesReadsTwoRangesAndDoesNotScan() {
        Explanation e = players().query().where(Q.or(Q.field("score").eq(10), Q.field("score").eq(40))).explain();

        assertThat(e.ranges()).containsExactly(new Explanation.Range("score", "[10, 10]"), new Explanation.Range("score", "[40, 40]"));
        assertThat(e.scans()).isFalse();
        assertThat(e.order()).isEqualTo(OrderSource.SORT);
        Explanation ordered = players().query().where(Q.or(Q.field("score").eq(40), Q.field("score").eq(10)))
                .orderBy("score", Direction.DESC).explain();
        assertThat(ordered.ranges()).hasSize(2);
        assertThat(ordered.scans()).isFalse();
        assertThat(ordered.order()).as("walked in order, no sort").isEqualTo(OrderSource.INDEX);
    }

    @Test
    void anOrAcrossIndexesCountsARowMatchingBothBranchesOnce() {
        List<Player> all = insertPlayers();
        // P05 has score 20: it matches both branches.
        Condition c = Q.or(Q.field("name").in("P05", "P11"), Q.field("score").between(20, 30));

        for (boolean desc : List.of(false, true)) {
            Query<Player> q = players().query().where(c).orderBy("score", desc ? Direction.DESC : Direction.ASC);
            List<String> want = expected(all, p -> p.name().equals("P05") || p.name().equals("P11")
                    || (p.score() >= 20 && p.score() <= 30), desc);
            assertThat(want).hasSize(5);
            assertThat(names(q.list())).isEqualTo(want);
            assertThat(names(paged(q, 2))).isEqualTo(want);
            assertThat(names(q.stream().toList())).isEqualTo(want);
        }
        assertThat(players().query().where(c).count()).isEqualTo(5);
        Explanation e = players().query().where(c).orderBy("score").explain();
        assertThat(e.ranges()).extracting(Explanation.Range::toString)
                .containsExactly("name [\"P05\", \"P05\"]", "name [\"P11\", \"P11\"]", "score [20, 30]");
        assertThat(e.scans()).isFalse();
        assertThat(e.order()).isEqualTo(OrderSource.SORT);
    }

    @Test
    void anOrWithABranchNoIndexNarrowsScansAndSaysSo() {
        List<Player> all = insertPlayers();
        Condition c = Q.or(Q.field("score").eq(0), Q.field("name").isNotNull());

        assertThat(players().query().where(c).count()).isEqualTo(all.size());
        assertThat(players().query().where(c).explain().scans()).isTrue();
        assertThat(players().query().explain()).isEqualTo(new Explanation(List.of(), true, OrderSource.KEYS));
        Explanation walk = players().query().orderBy("score").explain();
        assertThat(walk.scans()).isTrue();
        assertThat(walk.order()).isEqualTo(OrderSource.INDEX);
    }

    @Test
    void explainNamesTheRangesOfCommonShapes() {
        assertThat(players().query().where(Q.field("score").eq(10)).explain())
                .isEqualTo(new Explanation(List.of(new Explanation.Range("score", "[10, 10]")), false, OrderSource.INDEX));
        assertThat(players().query().where(Q.field("score").ge(10)).where(Q.field("score").lt(50)).orderBy("score").explain())
                .isEqualTo(new Explanation(List.of(new Explanation.Range("score", "[10, 50)")), false, OrderSource.INDEX));
        assertThat(players().query().where(Q.not(Q.field("score").eq(10))).orderBy("score").explain().ranges())
                .extracting(Explanation.Range::interval).containsExactly("(null, 10)", "(10, +\u221e)");
        assertThat(docs().query().where(Q.field("tag").isNull()).explain().ranges())
                .extracting(Explanation.Range::interval).containsExactly("[null, null]");
        assertThat(docs().query().where(Q.field("tag").startsWith("ab")).explain().ranges())
                .extracting(Explanation.Range::interval).containsExactly("[\"ab\", \"ac\")");
        Explanation contradiction = players().query().where(Q.field("score").lt(10)).where(Q.field("score").gt(20)).explain();
        assertThat(contradiction.ranges()).isEmpty();
        assertThat(contradiction.scans()).isFalse();
        assertThat(players().query().where(Q.field("score").lt(10)).where(Q.field("score").gt(20)).list()).isEmpty();
    }

    @Test
    void notOfAComparisonMissesNullsLikeTheComparisonItself() {
        insertDocs();

        assertThat(docIds(Q.field("tag").eq("a"))).containsExactly("d1");
        assertThat(docIds(Q.not(Q.field("tag").eq("a")))).containsExactly("d2", "d4", "d5");
        assertThat(docIds(Q.not(Q.field("tag").in("a", "c")))).containsExactly("d2", "d5");
        assertThat(docIds(Q.not(Q.field("tag").startsWith("a")))).containsExactly("d2", "d4");
        assertThat(docIds(Q.not(Q.field("tag").between("ab", "b")))).containsExactly("d1", "d4");
        assertThat(docIds(Q.not(Q.field("ratio").lt(2.0)))).containsExactly("d3", "d4");
        assertThat(docIds(Q.not(Q.field("ratio").ge(2.0)))).containsExactly("d1");
        assertThat(docIds(Q.not(Q.field("flag").eq(true)))).containsExactly("d2");
    }

    @Test
    void notOfANullTestIsTheOtherNullTest() {
        insertDocs();

        assertThat(docIds(Q.not(Q.field("tag").isNull()))).containsExactly("d1", "d2", "d4", "d5");
        assertThat(docIds(Q.not(Q.field("tag").isNotNull()))).containsExactly("d3", "d6");
        assertThat(docIds(Q.not(Q.not(Q.field("tag").eq("b"))))).containsExactly("d2");
    }

    @Test
    void notDistributesOverOrAndAndAsDeMorganSays() {
        insertDocs();

        // not(tag = a or ratio >= 2): tag must be non-null and not a, ratio non-null and below 2.
        assertThat(docIds(Q.not(Q.or(Q.field("tag").eq("a"), Q.field("ratio").ge(2.0))))).isEmpty();
        assertThat(docIds(Q.not(Q.or(Q.field("tag").eq("c"), Q.field("ratio").ge(3.0))))).containsExactly("d1");
        // not(tag = a and ratio = 1): either side false (and known).
        assertThat(docIds(Q.not(Q.and(Q.field("tag").eq("a"), Q.field("ratio").eq(1.0)))))
                .containsExactly("d2", "d3", "d4", "d5"); // d2, d5: a known non-a tag suffices; d6 knows neither
    }

    @Test
    void orAndNotNestAndCombineWithOtherConditions() {
        insertDocs();

        Condition c = Q.or(Q.and(Q.field("tag").ge("b"), Q.field("flag").eq(true)), Q.field("ratio").eq(2.0), Q.field("tag").eq("a"));
        assertThat(docIds(c)).containsExactly("d1", "d3", "d4");
        assertThat(ids(docs().query().where(c).where(Q.not(Q.field("flag").eq(false))).where(Q.field("ratio").le(2.0)).list()))
                .containsExactly("d1");
        assertThat(ids(docs().query().where(c).orderBy("ratio", Direction.DESC).list())).containsExactly("d4", "d3", "d1");
    }

    @Test
    void anOrInsideATransactionSeesItsOwnWrites() {
        insertPlayers();
        List<String> seen = depot().transact(tx -> {
            var rows = tx.records(KitModel.PLAYERS);
            rows.insert(player("New", 40));
            Player p00 = rows.query().where(Q.field("name").eq("P00")).first().orElseThrow();
            rows.update(p00.withScore(99));
            return names(rows.query().where(Q.or(Q.field("score").eq(40), Q.field("score").eq(99)))
                    .orderBy("score").list());
        });

        assertThat(seen).hasSize(4).endsWith("P00");
        assertThat(seen.subList(0, 3)).as("score 40, ties by random key").containsExactlyInAnyOrder("P08", "P09", "New");
    }

    @Test
    void typedIndexHandlesBuildTheSameConditions() {
        List<Player> all = insertPlayers();

        List<String> typed = names(players().query().where(Q.where(SCORE).between(10L, 30L)).orderBy("score").list());
        assertThat(typed).isEqualTo(names(players().query().where(Q.field("score").between(10, 30)).orderBy("score").list()));
        assertThat(typed).isEqualTo(expected(all, p -> p.score() >= 10 && p.score() <= 30, false));
        assertThat(names(players().query().where(Q.or(Q.where(NAME).eq("P01"), Q.where(NAME).in(List.of("P02", "P03"))))
                .list())).containsExactlyInAnyOrder("P01", "P02", "P03");
        Index<String> wrong = Index.of("score", String.class);
        assertThatThrownBy(() -> players().query().where(Q.where(wrong).eq("ten")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("players").hasMessageContaining("score");
    }

    @Test
    void badCombinationsAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> Q.or(Q.field("score").eq(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("or() needs at least two conditions");
        assertThatThrownBy(() -> Q.and(Q.field("score").eq(1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition 2 is null");
        assertThatThrownBy(() -> Q.not(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> players().query().where(Q.or(Q.field("score").eq(1), Q.field("nope").eq(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    /**
     * Shapes that run in memory run on every backend: an OR of 2,000 tests and a negated {@code in}
     * of 1,500 values (1,501 ranges) once failed on SQLite, which refuses expressions nested 1,000
     * deep, while memory and the other databases answered.
     */
    @Test
    void aWideOrAndANegatedLongInAnswerAsInMemory() {
        List<Player> all = insertPlayers();
        Condition[] wide = new Condition[2_000];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = Q.field("score").eq((long) i * 10);
        }
        assertThat(names(players().query().where(Q.or(wide)).orderBy("score").list()))
                .isEqualTo(expected(all, p -> true, false));
        List<Object> notTens = new ArrayList<>();
        for (long v = 1; notTens.size() < 1_500; v++) {
            if (v % 10 != 0) {
                notTens.add(v);
            }
        }
        assertThat(names(players().query().where(Q.not(Q.field("score").in(notTens))).orderBy("score").list()))
                .isEqualTo(expected(all, p -> true, false));
        assertThat(players().query().where(Q.field("score").in(notTens)).count()).isZero();
    }

    /**
     * An AND of about a thousand ORs on one indexed column — a negated OR of prefixes, an {@code and}
     * of many {@code not(eq)} — and an AND of 1,500 plain tests answer as in memory on every backend:
     * SQLite refused them ("Expression tree is too large") however the AND was nested.
     */
    @Test
    void wideConjunctionsOfOrsAnswerAsInMemory() {
        List<Player> all = insertPlayers();
        Condition[] prefixes = new Condition[1_000];
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = Q.field("name").startsWith(String.format("P%02d", 2 * i + 1)); // the odd names and absent ones
        }
        assertSame(Q.not(Q.or(prefixes)), all, p -> Integer.parseInt(p.name().substring(1)) % 2 == 0);

        Condition[] notScores = new Condition[1_500];
        for (int i = 0; i < notScores.length; i++) {
            long present = i == 0 ? 20 : i == 750 ? 30 : i == 1_498 ? 40 : i == 1_499 ? 50 : -1 - i; // first, middle and last
            notScores[i] = Q.not(Q.field("score").eq(present));
        }
        assertSame(Q.and(notScores), all, p -> p.score() < 20);

        Condition[] outside = new Condition[1_000];
        for (int i = 0; i < outside.length; i++) {
            outside[i] = Q.or(Q.field("score").lt(10L + i % 3), Q.field("score").gt(40L - i % 5), Q.field("name").isNull());
        }
        assertSame(Q.and(outside), all, p -> p.score() < 10 || p.score() > 40);

        Condition[] plain = new Condition[1_500];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = Q.field("score").ge(-(long) i);
        }
        assertSame(Q.and(plain), all, p -> true);

        Condition[] branches = new Condition[1_000];
        for (int i = 0; i < branches.length; i++) {
            branches[i] = Q.and(Q.not(Q.field("score").eq(10L * (i % 6))), Q.field("name").startsWith(String.format("P%02d", i % 12)));
        }
        Predicate<Player> anyBranch = p -> {
            for (int i = 0; i < branches.length; i++) {
                if (p.score() != 10 * (i % 6) && p.name().startsWith(String.format("P%02d", i % 12))) {
                    return true;
                }
            }
            return false;
        };
        assertSame(Q.or(branches), all, anyBranch);
        assertSame(Q.and(Q.or(branches), Q.and(notScores)), all, anyBranch.and(p -> p.score() < 20));
    }

    /** The condition's rows, ordered both ways and paged, and its count, are the model's. */
    /**
     * An OR of 3,000 prefixes of one column, nested ones and repeats among them (PostgreSQL planned
     * such an OR of range tests, and its negation, for minutes; it joins the ranges, or the gaps
     * between them, now): alone, under a wide AND, negated, and inside a transaction that changed rows.
     */
    @Test
    void anOrOfThousandsOfPrefixesAnswersAsInMemory() {
        List<Player> all = insertPlayers();
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            prefixes.add(switch (i % 500) {
                case 0 -> "P0"; // P00..P09, and repeated
                case 1 -> "P03"; // inside P0's range
                case 2 -> "P11";
                default -> String.format("P%02d-%d", i % 12, i); // longer than any name: matches none
            });
        }
        Condition any = Q.or(prefixes.stream().map(p -> Q.field("name").startsWith(p)).toArray(Condition[]::new));
        Predicate<Player> match = p -> p.name().startsWith("P0") || p.name().equals("P11");
        assertSame(any, all, match);
        Condition[] wide = new Condition[100];
        wide[0] = any;
        for (int i = 1; i < wide.length; i++) {
            wide[i] = Q.field("score").ge(-(long) i);
        }
        assertSame(Q.and(wide), all, match);
        assertSame(Q.and(any, Q.field("score").ge(20L)), all, match.and(p -> p.score() >= 20));
        assertSame(Q.not(any), all, match.negate());
        assertSame(Q.and(Q.not(any), Q.field("score").lt(50L)), all, match.negate().and(p -> p.score() < 50));

        List<String> inTransaction = depot().transact(tx -> {
            var rows = tx.records(KitModel.PLAYERS);
            rows.delete(all.get(0).id()); // P00
            rows.update(all.get(10).withName("P03b")); // P10 moves into the ranges
            rows.insert(player("P0new", 5));
            return names(rows.query().where(any).orderBy("name", Direction.ASC).list());
        });
        assertThat(inTransaction).containsExactly("P01", "P02", "P03", "P03b", "P04", "P05", "P06", "P07", "P08", "P09",
                "P0new", "P11");
    }

    private void assertSame(Condition c, List<Player> all, Predicate<Player> match) {
        for (boolean desc : new boolean[] {false, true}) {
            List<String> want = expected(all, match, desc);
            Query<Player> q = players().query().where(c).orderBy("score", desc ? Direction.DESC : Direction.ASC);
            assertThat(names(q.list())).as("desc=%s", desc).isEqualTo(want);
            assertThat(names(paged(q, 5))).as("pages, desc=%s", desc).isEqualTo(want);
        }
        assertThat(players().query().where(c).count()).isEqualTo(all.stream().filter(match).count());
    }

    /**
     * Conditions nest at most 32 deep and a query holds at most 30,000 operands, on every backend:
     * past that, memory overflowed its stack and PostgreSQL refused more than 65,535 parameters.
     */
    @Test
    void conditionsBeyondTheLimitsAreRefusedNamingTheLimit() {
        List<Player> all = insertPlayers();
        Condition c = Q.field("score").ge(30L);
        for (int depth = 1; depth < 32; depth++) {
            c = Q.not(c); // 31 nots around the test: 32 levels, an odd number of nots
        }
        assertThat(names(players().query().where(c).orderBy("score").list())).isEqualTo(expected(all, p -> p.score() < 30, false));
        Condition tooDeep = Q.not(c);
        assertThatThrownBy(() -> players().query().where(tooDeep))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("players").hasMessageContaining("32 deep");
        Condition hostile = Q.field("score").eq(1L);
        for (int i = 0; i < 100_000; i++) {
            hostile = Q.not(hostile);
        }
        Condition deep = hostile;
        assertThatThrownBy(() -> players().query().where(deep)).isInstanceOf(IllegalArgumentException.class);

        List<Object> many = new ArrayList<>();
        for (long v = 0; v < 30_000; v++) {
            many.add(v);
        }
        assertThat(players().query().where(Q.field("score").in(many)).count()).isEqualTo(all.size());
        many.add(30_000L);
        assertThatThrownBy(() -> players().query().where(Q.field("score").in(many)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("players").hasMessageContaining("30000");
        List<Object> half = many.subList(0, 20_000);
        assertThatThrownBy(() -> players().query().where(Q.field("score").in(half)).where(Q.field("score").in(half)))
                .as("counted over all where() calls").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("40000");
    }
}
