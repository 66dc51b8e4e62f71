package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.IndexType;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Counter;
import dev.depot.tck.KitModel.Doc;
import dev.depot.tck.KitModel.Note;
import dev.depot.tck.KitModel.Player;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Values and names where databases like to differ: LIKE wildcards, padding and case, normal forms,
 * long strings, extreme numbers, instants far from 1970, SQL keywords and long names, numeric-looking
 * text, large IN lists, NUL characters and infinities.
 */
abstract class EdgeCaseTests extends FeatureTests {
    /** Values in one {@code in(...)} or {@code getAll(...)}: above common bind-parameter limits. */
    static final int MANY = 2_000;
    /** Characters in one field of a large document (the document is about twice this). */
    static final int LARGE_DOCUMENT_CHARS = 1 << 20;

    EdgeCaseTests(DepotConformanceSuite suite) {
        super(suite);
    }

    private List<String> tagsStartingWith(String prefix) {
        return map(docs().query().where(Q.field("tag").startsWith(prefix)).orderBy("tag").list(), Doc::tag);
    }

    private List<String> idsWithTag(String tag) {
        return ids(docs().query().where(Q.field("tag").eq(tag)).list());
    }

    private void insertTagged(List<String> tags) {
        for (int i = 0; i < tags.size(); i++) {
            docs().insert(Doc.tagged("t" + i, tags.get(i)));
        }
    }

    @Test
    void likeWildcardsInAPrefixAreLiteral() {
        insertTagged(List.of("a%b", "a_b", "axb", "a\\b", "ab", "a\\%"));

        assertThat(tagsStartingWith("a%")).containsExactly("a%b");
        assertThat(tagsStartingWith("a_")).containsExactly("a_b");
        assertThat(tagsStartingWith("a\\")).containsExactly("a\\%", "a\\b");
        assertThat(tagsStartingWith("a\\%")).containsExactly("a\\%");
        assertThat(tagsStartingWith("a")).hasSize(6);
    }

    @Test
    void caseAndTrailingWhitespaceMakeDistinctKeysAndValues() {
        List<String> values = List.of("a", "a ", "A", "a\t", "a  ");
        for (String v : values) {
            accounts().insert(account(v, 1));
            docs().insert(Doc.tagged("id" + v, v));
        }

        assertThat(map(accounts().query().list(), Account::id)).containsExactly("A", "a", "a\t", "a ", "a  ");
        assertThat(accounts().get("a ")).contains(account("a ", 1));
        assertThat(accounts().getAll(List.of("a", "a "))).containsOnlyKeys("a", "a ");
        assertThat(idsWithTag("a")).containsExactly("ida");
        assertThat(idsWithTag("a ")).containsExactly("ida ");
        assertThat(map(docs().query().orderBy("tag").list(), Doc::tag)).containsExactly("A", "a", "a\t", "a ", "a  ");
        assertThat(docs().query().where(Q.field("tag").le("a")).count()).isEqualTo(2);
    }

    @Test
    void quotesAndSqlPunctuationAreOrdinaryCharacters() {
        List<String> values = List.of("a'b", "a\"b", "x'; DROP TABLE accounts; --", "a;b", "a--b", "/*", "a`b");
        for (String v : values) {
            accounts().insert(account(v, 1));
            docs().insert(Doc.tagged("id" + v, v));
        }

        for (String v : values) {
            assertThat(accounts().get(v)).as(v).contains(account(v, 1));
            assertThat(idsWithTag(v)).as(v).containsExactly("id" + v);
        }
        assertThat(accounts().count()).isEqualTo(values.size());
    }

    @Test
    void largeDocumentsRoundTrip() {
        Records<String, Note> notes = depot().records(KitModel.NOTES);
        String big = "0123456789abcdef".repeat(LARGE_DOCUMENT_CHARS / 16);
        notes.insert(new Note("big", "t", List.of(big, big)));

        Note read = notes.get("big").orElseThrow();

        assertThat(read.getTags()).hasSize(2);
        assertThat(read.getTags().get(0)).isEqualTo(big);
    }

    @Test
    void unicodeNormalFormsAreDistinct() {
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        accounts().insert(account(composed, 1));
        accounts().insert(account(decomposed, 2));
        insertTagged(List.of(composed, decomposed));

        assertThat(accounts().get(composed)).contains(account(composed, 1));
        assertThat(accounts().get(decomposed)).contains(account(decomposed, 2));
        assertThat(map(accounts().query().list(), Account::id)).containsExactly(decomposed, composed);
        assertThat(docs().query().where(Q.field("tag").eq(composed)).count()).isEqualTo(1);
    }

    @Test
    void numericLookingTextStaysText() {
        List<String> textOrder = List.of("-1", "010", "1.0", "10", "1e3", "9", "9.5");
        for (String v : QueryTests.shuffled(textOrder)) {
            accounts().insert(account(v, 1));
            docs().insert(Doc.tagged("id" + v, v));
        }

        assertThat(map(accounts().query().list(), Account::id)).containsExactlyElementsOf(textOrder);
        assertThat(map(docs().query().orderBy("tag").list(), Doc::tag)).containsExactlyElementsOf(textOrder);
        assertThat(idsWithTag("10")).containsExactly("id10");
        assertThat(accounts().get("010")).isPresent();
        assertThat(accounts().get("1.0").map(Account::id)).contains("1.0");
    }

    @Test
    void stringIndexValuesUpToTheLimitWorkAndLongerOnesAreRejected() {
        int max = IndexType.MAX_STRING_CODE_POINTS;
        String ascii = "x".repeat(max - 1);
        String fourByte = "\uD83D\uDE00".repeat(max); // 512 code points, 2048 UTF-8 bytes
        insertTagged(List.of(ascii + "a", ascii + "b", fourByte, "short"));

        assertThat(idsWithTag(ascii + "b")).containsExactly("t1");
        assertThat(idsWithTag(fourByte)).containsExactly("t2");
        assertThat(tagsStartingWith(ascii)).containsExactly(ascii + "a", ascii + "b");
        assertThat(map(docs().query().orderBy("tag", Direction.DESC).list(), Doc::id))
                .containsExactly("t2", "t1", "t0", "t3");

        long before = lastSequence();
        assertThatThrownBy(() -> docs().insert(Doc.tagged("long", "y".repeat(max + 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
        assertThatThrownBy(() -> docs().query().where(Q.field("tag").eq("y".repeat(max + 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(docs().exists("long")).isFalse();
        assertThat(eventsAfter(before)).isEmpty();
    }

    /**
     * Long index values that differ only past their 256th character sort by the whole value, also
     * where the database sorts rather than walks an index (a range condition plus a limit): MariaDB's
     * filesort compared only the first 1024 bytes of sort key and paged these in key order.
     */
    @Test
    void longStringsDifferingNearTheEndSortAndPageByTheWholeValue() {
        int max = IndexType.MAX_STRING_CODE_POINTS;
        List<String> tags = List.of("x".repeat(max), "x".repeat(max - 1) + "y", "x".repeat(max - 1) + "w", "x".repeat(300) + "z",
                "\uD83D\uDE00".repeat(max - 1) + "a", "\uD83D\uDE00".repeat(max), "x".repeat(max - 1) + "y");
        insertTagged(tags);
        List<String> ascending = tags.stream().sorted(dev.depot.spi.CodePoints::compare).distinct().toList();
        List<String> descending = ascending.reversed();

        for (Direction direction : Direction.values()) {
            List<String> expected = new ArrayList<>();
            for (String tag : direction == Direction.ASC ? ascending : descending) {
                IntStream.range(0, tags.size()).filter(i -> tags.get(i).equals(tag)).forEach(i -> expected.add("t" + i));
            }
            for (int size = 1; size <= 3; size++) {
                List<String> seen = new ArrayList<>();
                dev.depot.Query<Doc> query = docs().query().where(Q.field("tag").gt("x")).orderBy("tag", direction).limit(size);
                dev.depot.Page<Doc> page = query.page();
                seen.addAll(ids(page.items()));
                while (page.hasMore()) {
                    page = query.after(page.nextCursor()).page();
                    seen.addAll(ids(page.items()));
                }
                assertThat(seen).as("%s, pages of %d", direction, size).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void extremeNumbersKeepTheirValueAndOrder() {
        Records<Integer, Counter> counters = depot().records(KitModel.COUNTERS);
        List<Long> longs = List.of(Long.MIN_VALUE, -1L, 0L, 1L << 53, (1L << 53) + 1, Long.MAX_VALUE);
        for (int i = 0; i < longs.size(); i++) {
            counters.insert(new Counter(longs.size() - i, longs.get(i)));
        }
        List<Double> doubles = List.of(-Double.MAX_VALUE, -1e-300, -Double.MIN_VALUE, 0.0, Double.MIN_VALUE,
                0.3, 0.1 + 0.2, 1e300, Double.MAX_VALUE);
        for (int i = 0; i < doubles.size(); i++) {
            docs().insert(new Doc("d" + (doubles.size() - i), null, doubles.get(i), null, null));
        }

        assertThat(map(counters.query().orderBy("hits").list(), Counter::hits)).containsExactlyElementsOf(longs);
        assertThat(counters.query().where(Q.field("hits").eq((1L << 53) + 1)).count()).isEqualTo(1);
        assertThat(counters.query().where(Q.field("hits").gt(1L << 53)).count()).isEqualTo(2);
        assertThat(map(docs().query().orderBy("ratio").list(), Doc::ratio)).containsExactlyElementsOf(doubles);
        assertThat(ids(docs().query().where(Q.field("ratio").eq(0.1 + 0.2)).list())).containsExactly("d3");
        assertThat(docs().query().where(Q.field("ratio").gt(0.0)).count()).isEqualTo(5);
    }

    @Test
    void infinitiesAreOrderedValuesOfADoubleIndex() {
        List<Double> ordered = List.of(Double.NEGATIVE_INFINITY, -Double.MAX_VALUE, 0.0, Double.MAX_VALUE,
                Double.POSITIVE_INFINITY);
        for (int i = 0; i < ordered.size(); i++) {
            docs().insert(new Doc("d" + (ordered.size() - i), null, ordered.get(i), null, null));
        }

        assertThat(map(docs().query().orderBy("ratio").list(), Doc::ratio)).containsExactlyElementsOf(ordered);
        assertThat(ids(docs().query().where(Q.field("ratio").eq(Double.POSITIVE_INFINITY)).list())).containsExactly("d1");
        assertThat(docs().query().where(Q.field("ratio").gt(Double.MAX_VALUE)).count()).isEqualTo(1);
    }

    @Test
    void instantsFarFromTheEpochKeepTheirOrder() {
        List<Instant> ordered = List.of(
                Instant.parse("1000-01-01T00:00:00Z"),
                Instant.parse("1900-01-01T00:00:00.000001Z"),
                Instant.parse("1969-12-31T23:59:59.999999Z"),
                Instant.EPOCH,
                Instant.parse("1970-01-01T00:00:00.000001Z"),
                Instant.parse("2262-04-12T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999Z"));
        for (Instant t : QueryTests.shuffled(ordered)) {
            players().insert(new Player(UUID.randomUUID(), t.toString(), "p@example.com", 1, t));
        }
        Instant beforeEpochWithNanos = Instant.parse("1969-12-31T23:59:59.999999999Z");

        assertThat(map(players().query().orderBy("joined").list(), Player::joined)).containsExactlyElementsOf(ordered);
        assertThat(names(players().query().where(Q.field("joined").eq(beforeEpochWithNanos)).list()))
                .as("truncation of an instant before 1970 goes down, to .999999")
                .containsExactly("1969-12-31T23:59:59.999999Z");
        assertThat(players().query().where(Q.field("joined").lt(Instant.EPOCH)).count()).isEqualTo(3);
    }

    @Test
    void sqlKeywordsAndInternalSoundingNamesAreOrdinaryNames() {
        Schema.Builder<String, Account> builder = Schema.of("order", String.class, Account.class).key(Account::id);
        List<String> indexNames = List.of("select", "from", "where", "key", "value", "version", "id", "doc", "data",
                "seq", "sequence", "collection", "op", "time", "order", "group", "user", "table", "index");
        for (String name : indexNames) {
            builder.index(name, Long.class, a -> a.balance() + name.length());
        }
        Records<String, Account> order = depot().records(builder.build());
        order.insert(account("k1", 10));
        order.insert(account("k2", 20));

        for (String name : indexNames) {
            assertThat(map(order.query().where(Q.field(name).eq(20 + name.length())).list(), Account::id))
                    .as("index '%s'", name).containsExactly("k2");
        }
        assertThat(order.query().orderBy("version", Direction.DESC).first().map(Account::id)).contains("k2");
        assertThat(depot().records(Schema.of("user", String.class, Account.class).key(Account::id).build()).count())
                .isZero();
    }

    @Test
    void longNamesThatShareAPrefixDoNotCollide() {
        String prefix = "c" + "x".repeat(61);
        Schema<String, Account> first = Schema.of(prefix + "1", String.class, Account.class).key(Account::id)
                .index("i".repeat(62) + "a", Long.class, Account::balance)
                .index("i".repeat(62) + "b", Long.class, a -> -a.balance())
                .build();
        Schema<String, Account> second = Schema.of(prefix + "2", String.class, Account.class).key(Account::id).build();
        depot().records(first).insert(account("k", 5));

        assertThat(depot().records(second).count()).isZero();
        assertThat(depot().records(first).query().where(Q.field("i".repeat(62) + "a").eq(5)).count()).isEqualTo(1);
        assertThat(depot().records(first).query().where(Q.field("i".repeat(62) + "b").eq(-5)).count()).isEqualTo(1);
        assertThat(depot().records(first).query().where(Q.field("i".repeat(62) + "b").eq(5)).count()).isZero();
    }

    @Test
    void largeInListsAndGetAllWork() {
        List<Account> stored = IntStream.range(0, MANY / 2).mapToObj(i -> account("k" + i, i)).toList();
        accounts().saveAll(stored);
        List<String> keys = new ArrayList<>();
        List<Long> balances = new ArrayList<>();
        for (int i = 0; i < MANY; i++) {
            keys.add("k" + i);
            balances.add((long) i * 2);
        }

        assertThat(accounts().getAll(keys)).hasSize(MANY / 2);
        assertThat(accounts().query().where(Q.field("balance").in(balances)).count()).isEqualTo(MANY / 4);
        assertThat(accounts().query().where(Q.field("balance").in(balances)).limit(3).list())
                .containsExactly(account("k0", 0), account("k10", 10), account("k100", 100));
    }

    @Test
    void nulCharactersAreRejectedInKeysAndIndexValuesButKeptInDocuments() {
        long before = lastSequence();

        assertThatThrownBy(() -> accounts().insert(account("a\u0000b", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> docs().insert(Doc.tagged("d", "a\u0000b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> docs().query().where(Q.field("tag").eq("a\u0000")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(accounts().count() + docs().count()).isZero();
        assertThat(eventsAfter(before)).isEmpty();

        Records<String, Note> notes = depot().records(KitModel.NOTES);
        notes.insert(new Note("n", "text", List.of("with\u0000nul")));
        assertThat(notes.get("n").orElseThrow().getTags()).containsExactly("with\u0000nul");
    }
}
