package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Condition;
import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.tck.KitModel.Counter;
import dev.depot.tck.KitModel.Doc;
import dev.depot.tck.KitModel.Item;
import dev.depot.tck.KitModel.Player;
import dev.depot.tck.KitModel.Priority;
import dev.depot.tck.KitModel.Sku;
import dev.depot.tck.KitModel.Task;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Operators, coercion and the one total order every backend returns. */
abstract class QueryTests extends FeatureTests {
    /** Code point order; Java's String.compareTo puts the emoji (a surrogate pair) before U+E000. */
    static final List<String> CODE_POINT_ORDER =
            List.of("A", "a", "aa", "b", "\u00e9", "\uE000", "\uFFFD", "\uD83D\uDE00", "\uD83D\uDE00a");

    /** Canonical text order; Java's UUID.compareTo (signed longs) orders these differently. */
    static final List<UUID> UUID_TEXT_ORDER = List.of(
            UUID.fromString("00000000-0000-0000-0000-000000000001"),
            UUID.fromString("00000000-0000-0000-8000-000000000000"),
            UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff"),
            UUID.fromString("80000000-0000-0000-0000-000000000000"),
            UUID.fromString("ffffffff-ffff-ffff-ffff-fffffffffffe"));

    private static final Random SHUFFLE = new Random(42);

    QueryTests(DepotConformanceSuite suite) {
        super(suite);
    }

    static <T> List<T> shuffled(List<T> values) {
        List<T> out = new ArrayList<>(values);
        Collections.shuffle(out, SHUFFLE);
        return out;
    }

    /** Five players Ann..Eve with scores 10..50. */
    private void insertFivePlayers() {
        List<String> names = List.of("Ann", "Bob", "Cid", "Dan", "Eve");
        for (int i = 0; i < names.size(); i++) {
            players().insert(player(names.get(i), (i + 1) * 10));
        }
    }

    private List<String> namesWhere(Condition... conditions) {
        var q = players().query().orderBy("score");
        for (Condition c : conditions) {
            q = q.where(c);
        }
        return names(q.list());
    }

    private void insertTags(List<String> tags) {
        for (String tag : shuffled(tags)) {
            docs().insert(Doc.tagged("id-" + tags.indexOf(tag), tag));
        }
    }

    private List<String> tags(List<Doc> docs) {
        return map(docs, Doc::tag);
    }

    @Test
    void withoutOrderByResultsComeInKeyOrderNotInsertionOrder() {
        for (String key : shuffled(CODE_POINT_ORDER)) {
            docs().insert(Doc.tagged(key, null));
        }

        assertThat(ids(docs().query().list())).containsExactlyElementsOf(CODE_POINT_ORDER);
    }

    @Test
    void stringIndexesOrderByCodePoint() {
        insertTags(CODE_POINT_ORDER);

        assertThat(tags(docs().query().orderBy("tag").list())).containsExactlyElementsOf(CODE_POINT_ORDER);
        assertThat(tags(docs().query().orderBy("tag", Direction.DESC).list()))
                .containsExactlyElementsOf(CODE_POINT_ORDER.reversed());
        assertThat(tags(docs().query().where(Q.field("tag").gt("\uFFFD")).orderBy("tag").list()))
                .containsExactly("\uD83D\uDE00", "\uD83D\uDE00a");
        assertThat(tags(docs().query().where(Q.field("tag").lt("\uD83D\uDE00")).orderBy("tag").list()))
                .containsExactlyElementsOf(CODE_POINT_ORDER.subList(0, 7));
    }

    @Test
    void uuidKeysOrderByTheirCanonicalText() {
        for (UUID id : shuffled(UUID_TEXT_ORDER)) {
            players().insert(new Player(id, "p", "p@example.com", 1, DepotConformanceSuite.START));
        }

        assertThat(map(players().query().list(), Player::id)).containsExactlyElementsOf(UUID_TEXT_ORDER);
    }

    @Test
    void uuidIndexesOrderByTheirCanonicalText() {
        for (int i = 0; i < UUID_TEXT_ORDER.size(); i++) {
            docs().insert(new Doc("d" + (UUID_TEXT_ORDER.size() - i), null, null, null, UUID_TEXT_ORDER.get(i)));
        }

        assertThat(map(docs().query().orderBy("ref").list(), Doc::ref)).containsExactlyElementsOf(UUID_TEXT_ORDER);
        assertThat(map(docs().query().where(Q.field("ref").ge(UUID_TEXT_ORDER.get(2))).orderBy("ref").list(), Doc::ref))
                .containsExactlyElementsOf(UUID_TEXT_ORDER.subList(2, 5));
    }

    @Test
    void numericKeysOrderNumerically() {
        Records<Integer, Counter> counters = depot().records(KitModel.COUNTERS);
        for (long id : shuffled(List.of(10L, 2L, -1L, 100L, 9L))) {
            items().insert(new Item(id, "x"));
        }
        for (int id : shuffled(List.of(10, 9, 1000, -20))) {
            counters.insert(new Counter(id, 0));
        }

        assertThat(map(items().query().list(), Item::id)).containsExactly(-1L, 2L, 9L, 10L, 100L);
        assertThat(map(counters.query().list(), Counter::id)).containsExactly(-20, 9, 10, 1000);
    }

    @Test
    void numericIndexesOrderNumerically() {
        List<Double> ratios = List.of(-1.5, 0.0, 2.0, 9.5, 10.0, 100.0);
        for (int i = 0; i < ratios.size(); i++) {
            docs().insert(new Doc("d" + (ratios.size() - i), null, ratios.get(i), null, null));
        }
        insertFivePlayers();
        players().insert(player("Neg", -3));

        assertThat(map(docs().query().orderBy("ratio").list(), Doc::ratio)).containsExactlyElementsOf(ratios);
        assertThat(names(players().query().orderBy("score", Direction.DESC).list()))
                .containsExactly("Eve", "Dan", "Cid", "Bob", "Ann", "Neg");
    }

    @Test
    void nullsComeFirstAscendingAndLastDescending() {
        docs().insert(Doc.tagged("n1", null));
        docs().insert(Doc.tagged("b", "b"));
        docs().insert(Doc.tagged("n0", null));
        docs().insert(Doc.tagged("a", "a"));

        assertThat(ids(docs().query().orderBy("tag").list())).containsExactly("n0", "n1", "a", "b");
        assertThat(ids(docs().query().orderBy("tag", Direction.DESC).list())).containsExactly("b", "a", "n0", "n1");
    }

    @Test
    void tiesAreBrokenByKeyAscendingInBothDirections() {
        for (String id : shuffled(List.of("t3", "t1", "t2"))) {
            docs().insert(new Doc(id, "same", 5.0, null, null));
        }
        docs().insert(new Doc("t0", "lower", 1.0, null, null));

        assertThat(ids(docs().query().orderBy("ratio").list())).containsExactly("t0", "t1", "t2", "t3");
        assertThat(ids(docs().query().orderBy("ratio", Direction.DESC).list())).containsExactly("t1", "t2", "t3", "t0");
    }

    @Test
    void eqAndIn() {
        insertFivePlayers();

        assertThat(namesWhere(Q.field("score").eq(30))).containsExactly("Cid");
        assertThat(namesWhere(Q.field("name").eq("Eve"))).containsExactly("Eve");
        assertThat(namesWhere(Q.field("score").in(50, 10, 99))).containsExactly("Ann", "Eve");
        assertThat(namesWhere(Q.field("name").in(List.of("Bob", "Bob", "Zed")))).containsExactly("Bob");
        assertThat(namesWhere(Q.field("score").eq(31))).isEmpty();
    }

    @Test
    void comparisons() {
        insertFivePlayers();

        assertThat(namesWhere(Q.field("score").lt(30))).containsExactly("Ann", "Bob");
        assertThat(namesWhere(Q.field("score").le(30))).containsExactly("Ann", "Bob", "Cid");
        assertThat(namesWhere(Q.field("score").gt(30))).containsExactly("Dan", "Eve");
        assertThat(namesWhere(Q.field("score").ge(30))).containsExactly("Cid", "Dan", "Eve");
        assertThat(namesWhere(Q.field("name").lt("Cid"))).containsExactly("Ann", "Bob");
    }

    @Test
    void betweenIncludesBothEnds() {
        insertFivePlayers();

        assertThat(namesWhere(Q.field("score").between(20, 40))).containsExactly("Bob", "Cid", "Dan");
        assertThat(namesWhere(Q.field("score").between(30, 30))).containsExactly("Cid");
        assertThat(namesWhere(Q.field("score").between(40, 20))).isEmpty();
    }

    @Test
    void conditionsCombineWithAnd() {
        insertFivePlayers();

        assertThat(namesWhere(Q.field("score").ge(20), Q.field("name").lt("Dan"))).containsExactly("Bob", "Cid");
        assertThat(names(players().query().where(Q.field("score").ge(20)).and(Q.field("score").le(30)).list()))
                .containsExactlyInAnyOrder("Bob", "Cid");
        assertThat(namesWhere(Q.field("score").ge(40), Q.field("score").le(20))).isEmpty();
        assertThat(players().query().where(Q.field("score").gt(10)).and(Q.field("name").in("Ann", "Bob")).count())
                .isEqualTo(1);
    }

    @Test
    void startsWithMatchesByCodePointPrefix() {
        List<String> tags = List.of("a", "ab", "ab\uD83D\uDE00", "ab\uD83D\uDE00z", "ab\uD83D\uDE01", "abc",
                "ab\uFFFF", "b", "\uD83D\uDE00x");
        insertTags(tags);

        assertThat(tags(docs().query().where(Q.field("tag").startsWith("ab")).orderBy("tag").list()))
                .containsExactly("ab", "abc", "ab\uFFFF", "ab\uD83D\uDE00", "ab\uD83D\uDE00z", "ab\uD83D\uDE01");
        assertThat(tags(docs().query().where(Q.field("tag").startsWith("ab\uD83D\uDE00")).orderBy("tag").list()))
                .containsExactly("ab\uD83D\uDE00", "ab\uD83D\uDE00z");
        assertThat(tags(docs().query().where(Q.field("tag").startsWith("\uD83D\uDE00")).list()))
                .containsExactly("\uD83D\uDE00x");
        assertThat(docs().query().where(Q.field("tag").startsWith("abd")).count()).isZero();
    }

    @Test
    void anEmptyPrefixMatchesEveryNonNullValue() {
        docs().insert(Doc.tagged("a", ""));
        docs().insert(Doc.tagged("b", "x"));
        docs().insert(Doc.tagged("c", null));

        assertThat(ids(docs().query().where(Q.field("tag").startsWith("")).list())).containsExactly("a", "b");
    }

    @Test
    void theLastOrderByWins() {
        docs().insert(new Doc("a", "z", 1.0, null, null));
        docs().insert(new Doc("b", "y", 2.0, null, null));

        assertThat(ids(docs().query().orderBy("tag").orderBy("ratio", Direction.DESC).list())).containsExactly("b", "a");
        assertThat(ids(docs().query().orderBy("ratio").orderBy("tag").list())).containsExactly("b", "a");
    }

    @Test
    void isNullAndIsNotNull() {
        docs().insert(Doc.tagged("x", null));
        docs().insert(Doc.tagged("y", "tagged"));
        docs().insert(Doc.tagged("z", null));

        assertThat(ids(docs().query().where(Q.field("tag").isNull()).list())).containsExactly("x", "z");
        assertThat(ids(docs().query().where(Q.field("tag").isNotNull()).list())).containsExactly("y");
        assertThat(docs().query().where(Q.field("tag").lt("zzz")).count()).as("a null matches no comparison").isEqualTo(1);
        assertThat(docs().query().where(Q.field("flag").isNull()).count()).as("a Boolean index").isEqualTo(3);
        assertThat(docs().query().where(Q.field("ref").isNotNull()).count()).as("a UUID index").isZero();
    }

    @Test
    void booleanAndDoubleIndexes() {
        docs().insert(new Doc("a", null, 0.5, true, null));
        docs().insert(new Doc("b", null, 1.0, false, null));
        docs().insert(new Doc("c", null, 2.5, true, null));

        assertThat(ids(docs().query().where(Q.field("flag").eq(true)).list())).containsExactly("a", "c");
        assertThat(ids(docs().query().orderBy("flag").list())).containsExactly("b", "a", "c");
        assertThat(ids(docs().query().where(Q.field("ratio").between(0.75, 2.5)).list())).containsExactly("b", "c");
    }

    @Test
    void queryValuesAreCoercedToTheIndexType() {
        insertFivePlayers();
        docs().insert(new Doc("one", null, 1.0, null, null));
        docs().insert(new Doc("two", null, 2.0, null, null));

        assertThat(namesWhere(Q.field("score").eq(50))).as("int on a Long index").containsExactly("Eve");
        assertThat(namesWhere(Q.field("score").in(10, 20L))).as("mixed int and long").containsExactly("Ann", "Bob");
        assertThat(namesWhere(Q.field("score").eq(40.0))).as("an integral double on a Long index").containsExactly("Dan");
        assertThat(namesWhere(Q.field("score").eq((short) 20))).containsExactly("Bob");
        assertThat(ids(docs().query().where(Q.field("ratio").eq(1)).list())).as("Integer on a Double index")
                .containsExactly("one");
        assertThat(ids(docs().query().where(Q.field("ratio").gt(1)).list())).containsExactly("two");
    }

    @Test
    void instantIndexValuesAreTruncatedToMicroseconds() {
        Instant base = Instant.parse("2031-05-06T07:08:09Z");
        Instant withNanos = base.plusNanos(123_456_789);
        Instant micros = base.plusNanos(123_456_000);
        Player p = new Player(UUID.randomUUID(), "Nano", "n@example.com", 1, withNanos);
        players().insert(p);

        assertThat(players().get(p.id()).map(Player::joined)).as("the document keeps the nanoseconds")
                .contains(withNanos);
        assertThat(players().query().where(Q.field("joined").eq(withNanos)).list()).containsExactly(p);
        assertThat(players().query().where(Q.field("joined").eq(micros)).list()).containsExactly(p);
        assertThat(players().query().where(Q.field("joined").le(micros)).count()).isEqualTo(1);
        assertThat(players().query().where(Q.field("joined").gt(micros)).count())
                .as("the stored index value is the truncated one").isZero();
        assertThat(players().query().where(Q.field("joined").lt(base.plusNanos(123_457_000))).count()).isEqualTo(1);
        assertThat(players().query().where(Q.field("joined").ge(base.plusNanos(123_457_000))).count()).isZero();
        // Operands are truncated too, so conditions compare microseconds, not the document's nanoseconds.
        assertThat(players().query().where(Q.field("joined").gt(micros.plusNanos(1))).count())
                .as("gt of a sub-microsecond operand is gt of its microsecond").isZero();
        assertThat(players().query().where(Q.field("joined").between(micros.plusNanos(999), micros)).count())
                .as("bounds inverted only below a microsecond are one microsecond").isEqualTo(1);
        assertThat(players().query().where(Q.field("joined").between(micros.plusNanos(999), micros)).explain().ranges())
                .extracting(Object::toString).containsExactly("joined [" + micros + ", " + micros + "]");
    }

    @Test
    void indexesFollowUpdatesAndDeletes() {
        insertFivePlayers();
        Player cid = players().query().where(Q.field("name").eq("Cid")).first().orElseThrow();
        Player bob = players().query().where(Q.field("name").eq("Bob")).first().orElseThrow();

        players().update(cid.withScore(99).withName("Cyd"));
        players().delete(bob.id());

        assertThat(namesWhere(Q.field("score").eq(30))).isEmpty();
        assertThat(namesWhere(Q.field("name").eq("Cid"))).isEmpty();
        assertThat(namesWhere(Q.field("score").ge(40))).containsExactly("Dan", "Eve", "Cyd");
        assertThat(namesWhere(Q.field("name").startsWith("C"))).containsExactly("Cyd");
        assertThat(names(players().query().orderBy("score").list())).containsExactly("Ann", "Dan", "Eve", "Cyd");
        assertThat(players().query().where(Q.field("score").le(30)).count()).isEqualTo(1);
    }

    @Test
    void enumIndexesHoldTheNameAndOrderByIt() {
        Records<Sku, Task> tasks = depot().records(KitModel.TASKS);
        tasks.insert(new Task(new Sku("t1"), Priority.ZULU, 1f, (short) 1));
        tasks.insert(new Task(new Sku("t2"), Priority.ALPHA, 1f, (short) 1));
        tasks.insert(new Task(new Sku("t3"), Priority.MIKE, 1f, (short) 1));

        assertThat(map(tasks.query().orderBy("priority").list(), Task::priority))
                .containsExactly(Priority.ALPHA, Priority.MIKE, Priority.ZULU);
        assertThat(map(tasks.query().where(Q.field("priority").eq(Priority.MIKE)).list(), Task::sku))
                .containsExactly(new Sku("t3"));
        assertThat(tasks.query().where(Q.field("priority").eq("ZULU")).count()).isEqualTo(1);
        assertThat(tasks.query().where(Q.field("priority").lt("M")).count()).isEqualTo(1);
    }

    @Test
    void floatAndShortIndexesWidenToDoubleAndLong() {
        Records<Sku, Task> tasks = depot().records(KitModel.TASKS);
        tasks.insert(new Task(new Sku("a"), Priority.ALPHA, 0.5f, (short) -2));
        tasks.insert(new Task(new Sku("b"), Priority.ALPHA, 2.25f, (short) 300));

        assertThat(tasks.query().where(Q.field("weight").eq(0.5)).count()).isEqualTo(1);
        assertThat(tasks.query().where(Q.field("weight").gt(1)).list()).extracting(Task::sku).containsExactly(new Sku("b"));
        assertThat(tasks.query().where(Q.field("rank").lt(0L)).list()).extracting(Task::sku).containsExactly(new Sku("a"));
        assertThat(tasks.query().where(Q.field("rank").eq(300)).count()).isEqualTo(1);
    }

    @Test
    void customKeyTypesOrderByTheirTextFormByCodePoint() {
        Records<Sku, Task> tasks = depot().records(KitModel.TASKS);
        for (String code : shuffled(CODE_POINT_ORDER)) {
            tasks.insert(new Task(new Sku(code), Priority.ALPHA, 1f, (short) 1));
        }

        assertThat(map(tasks.query().list(), t -> t.sku().code())).containsExactlyElementsOf(CODE_POINT_ORDER);
        assertThat(tasks.get(new Sku("\uD83D\uDE00"))).isPresent();
        assertThat(tasks.getAll(List.of(new Sku("b"), new Sku("zz")))).containsOnlyKeys(new Sku("b"));
    }

    @Test
    void textAndDateTimeValuesAreCoercedToInstantAndUuidIndexes() {
        Instant joined = Instant.parse("2031-05-06T07:08:09.123456Z");
        Player p = new Player(UUID.randomUUID(), "Ann", "a@example.com", 1, joined);
        players().insert(p);
        UUID ref = UUID_TEXT_ORDER.get(3);
        docs().insert(new Doc("d", null, null, null, ref));

        assertThat(players().query().where(Q.field("joined").eq("2031-05-06T07:08:09.123456Z")).list())
                .containsExactly(p);
        assertThat(players().query().where(Q.field("joined").eq(joined.atOffset(ZoneOffset.ofHours(2)))).list())
                .containsExactly(p);
        assertThat(players().query().where(Q.field("joined").eq(joined.atZone(ZoneId.of("Asia/Tokyo")))).count())
                .isEqualTo(1);
        assertThat(players().query().where(Q.field("joined").lt(Date.from(joined))).count()).isZero();
        assertThat(docs().query().where(Q.field("ref").eq(ref.toString())).count()).isEqualTo(1);
    }

    @Test
    void firstReturnsTheFirstMatchInQueryOrder() {
        insertFivePlayers();

        assertThat(players().query().orderBy("score", Direction.DESC).first().map(Player::name)).contains("Eve");
        assertThat(players().query().where(Q.field("score").gt(15)).orderBy("score").first().map(Player::name))
                .contains("Bob");
        assertThat(players().query().where(Q.field("score").gt(100)).first()).isEmpty();
    }

    @Test
    void limitCapsTheList() {
        insertFivePlayers();

        assertThat(names(players().query().orderBy("score").limit(2).list())).containsExactly("Ann", "Bob");
        assertThat(players().query().limit(2).count()).as("count ignores limit").isEqualTo(5);
    }

    @Test
    void queriesAreImmutableAndReusable() {
        insertFivePlayers();
        var base = players().query().orderBy("score");
        var filtered = base.where(Q.field("score").gt(30));

        assertThat(names(base.list())).hasSize(5);
        assertThat(names(filtered.list())).containsExactly("Dan", "Eve");
        players().insert(player("Fay", 60));
        assertThat(names(filtered.list())).containsExactly("Dan", "Eve", "Fay");
    }
}
