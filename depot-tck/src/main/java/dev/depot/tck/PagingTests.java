package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Direction;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.tck.KitModel.Doc;
import dev.depot.tck.KitModel.Item;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keyset and offset paging, limits and lazy streams. */
abstract class PagingTests extends FeatureTests {
    static final int PAGED_RECORDS = 30;
    static final int PAGE_SIZE = 7;
    /** More than one internal stream batch (256) so that a stream must fetch several. */
    static final int STREAMED_RECORDS = 600;

    PagingTests(DepotConformanceSuite suite) {
        super(suite);
    }

    /** Docs d00..d29 with ratios cycling through five values, so the ratio order has ties. */
    private List<Doc> insertPagedDocs() {
        List<Doc> docs = new ArrayList<>();
        for (int i = 0; i < PAGED_RECORDS; i++) {
            docs.add(new Doc(String.format("d%02d", i), null, (double) (i * 7 % 5), null, null));
        }
        docs().saveAll(QueryTests.shuffled(docs));
        return docs;
    }

    /** Follows cursors from the first page to the last, returning every item seen. */
    private static <V> List<V> walk(Query<V> query) {
        List<V> seen = new ArrayList<>();
        Page<V> page = query.page();
        seen.addAll(page.items());
        while (page.hasMore()) {
            assertThat(page.items()).hasSize(PAGE_SIZE);
            page = query.after(page.nextCursor()).page();
            seen.addAll(page.items());
        }
        assertThat(page.next()).isEmpty();
        return seen;
    }

    @Test
    void keysetPagingWalksEveryRecordOnceInKeyOrder() {
        List<Doc> docs = insertPagedDocs();

        assertThat(walk(docs().query().limit(PAGE_SIZE))).containsExactlyElementsOf(docs);
    }

    @Test
    void keysetPagingWalksEveryRecordOnceInIndexOrderWithTies() {
        List<Doc> docs = insertPagedDocs();
        Comparator<Doc> byRatio = Comparator.comparing(Doc::ratio);
        List<Doc> ascending = docs.stream().sorted(byRatio.thenComparing(Doc::id)).toList();
        List<Doc> descending = docs.stream().sorted(byRatio.reversed().thenComparing(Doc::id)).toList();

        assertThat(walk(docs().query().orderBy("ratio").limit(PAGE_SIZE))).containsExactlyElementsOf(ascending);
        assertThat(walk(docs().query().orderBy("ratio", Direction.DESC).limit(PAGE_SIZE)))
                .containsExactlyElementsOf(descending);
    }

    @Test
    void keysetPagingWorksWithConditionsAndNullOrderValues() {
        insertPagedDocs();
        for (int i = 0; i < PAGE_SIZE + 2; i++) {
            docs().insert(Doc.tagged("n" + i, null));
        }

        List<Doc> nullsLast = walk(docs().query().orderBy("ratio", Direction.DESC).limit(PAGE_SIZE));
        List<Doc> filtered = walk(docs().query().where(Q.field("ratio").ge(3)).orderBy("ratio").limit(PAGE_SIZE));

        assertThat(nullsLast).hasSize(PAGED_RECORDS + PAGE_SIZE + 2).doesNotHaveDuplicates();
        assertThat(ids(nullsLast.subList(PAGED_RECORDS, nullsLast.size()))).allMatch(id -> id.startsWith("n")).isSorted();
        assertThat(filtered).isNotEmpty().allMatch(d -> d.ratio() >= 3).doesNotHaveDuplicates();
        assertThat(filtered).hasSize((int) docs().query().where(Q.field("ratio").ge(3)).count());
    }

    @Test
    void aCursorStaysValidWhenRecordsAreInsertedBeforeItOrItsRecordIsDeleted() {
        insertPagedDocs();
        Query<Doc> query = docs().query().limit(5);
        Page<Doc> first = query.page();
        assertThat(ids(first.items())).containsExactly("d00", "d01", "d02", "d03", "d04");

        docs().insert(Doc.tagged("a-before-everything", null));
        docs().insert(Doc.tagged("d01a", null));
        docs().insert(Doc.tagged("d05a", null));
        docs().delete("d04"); // the record the cursor points at
        Page<Doc> second = query.after(first.nextCursor()).page();

        assertThat(ids(second.items())).containsExactly("d05", "d05a", "d06", "d07", "d08");
    }

    @Test
    void aCursorKeepsItsPositionWhenItsRecordMoves() {
        insertPagedDocs();
        Query<Doc> byRatio = docs().query().orderBy("ratio").limit(5);
        Page<Doc> first = byRatio.page();
        Doc last = first.items().getLast();

        docs().update(new Doc(last.id(), null, 99.0, null, null));
        Page<Doc> second = byRatio.after(first.nextCursor()).page();

        List<Doc> expected = docs().query().orderBy("ratio").list().stream()
                .filter(d -> d.ratio() > last.ratio() || (d.ratio().equals(last.ratio()) && d.id().compareTo(last.id()) > 0))
                .limit(5)
                .toList();
        assertThat(second.items()).containsExactlyElementsOf(expected);
    }

    @Test
    void aCursorFromAnotherOrderIsRejected() {
        insertPagedDocs();
        String byRatio = docs().query().orderBy("ratio").limit(5).page().nextCursor();
        String byKey = docs().query().limit(5).page().nextCursor();

        assertThatThrownBy(() -> docs().query().orderBy("ratio", Direction.DESC).after(byRatio).page())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> docs().query().orderBy("tag").after(byRatio).page())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> docs().query().after(byRatio).page()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> docs().query().orderBy("ratio").after(byKey).page())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGarbageCursorIsRejected() {
        insertPagedDocs();

        for (String garbage : List.of("not-a-cursor", "", "%%%", "W10", "bnVsbA")) {
            assertThatThrownBy(() -> docs().query().after(garbage).page())
                    .as("cursor '%s'", garbage)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void offsetPagingSkipsMatches() {
        List<Doc> docs = insertPagedDocs();

        assertThat(docs().query().offset(10).limit(5).list()).containsExactlyElementsOf(docs.subList(10, 15));
        assertThat(docs().query().offset(10).limit(5).page().items()).containsExactlyElementsOf(docs.subList(10, 15));
        assertThat(docs().query().offset(PAGED_RECORDS - 2).list()).containsExactlyElementsOf(docs.subList(28, 30));
        assertThat(docs().query().offset(PAGED_RECORDS + 5).list()).isEmpty();
        assertThat(docs().query().offset(10).limit(5).count()).as("count ignores offset and limit")
                .isEqualTo(PAGED_RECORDS);
    }

    @Test
    void theLastPageHasNoCursorEvenWhenItIsFull() {
        for (int i = 0; i < 10; i++) {
            docs().insert(Doc.tagged("d" + i, null));
        }

        Page<Doc> first = docs().query().limit(5).page();
        Page<Doc> last = docs().query().limit(5).after(first.nextCursor()).page();

        assertThat(first.hasMore()).isTrue();
        assertThat(last.items()).hasSize(5);
        assertThat(last.hasMore()).isFalse();
        assertThat(last.nextCursor()).isNull();
        assertThat(docs().query().where(Q.field("tag").eq("none")).page().items()).isEmpty();
    }

    @Test
    void theDefaultPageSizeIsAHundred() {
        List<Item> items = LongStream.rangeClosed(1, 150).mapToObj(i -> new Item(i, "x")).toList();
        items().saveAll(items);

        Page<Item> first = items().query().page();

        assertThat(first.items()).containsExactlyElementsOf(items.subList(0, 100));
        assertThat(items().query().after(first.nextCursor()).page().items())
                .containsExactlyElementsOf(items.subList(100, 150));
    }

    private List<Item> insertStreamedItems() {
        List<Item> items = LongStream.rangeClosed(1, STREAMED_RECORDS)
                .mapToObj(i -> new Item(i, String.format("label-%04d", STREAMED_RECORDS - i)))
                .toList();
        items().saveAll(QueryTests.shuffled(items));
        return items;
    }

    @Test
    void streamReturnsEveryMatchInOrderAcrossBatches() {
        List<Item> items = insertStreamedItems();

        try (Stream<Item> s = items().query().stream()) {
            assertThat(s.toList()).containsExactlyElementsOf(items);
        }
        try (Stream<Item> s = items().query().orderBy("label").stream()) {
            assertThat(s.toList()).containsExactlyElementsOf(items.reversed());
        }
        try (Stream<Item> s = items().query().where(Q.field("label").ge("label-0100")).limit(300).stream()) {
            assertThat(s.toList()).containsExactlyElementsOf(items.subList(0, 300));
        }
    }

    @Test
    void streamFetchesLazilySoLaterBatchesSeeNewRecords() {
        List<Item> items = insertStreamedItems();
        Item late = new Item((long) STREAMED_RECORDS + 1, "late");

        List<Item> seen = new ArrayList<>();
        try (Stream<Item> s = items().query().stream()) {
            Iterator<Item> it = s.iterator();
            seen.add(it.next());
            items().insert(late);
            it.forEachRemaining(seen::add);
        }

        assertThat(seen).hasSize(items.size() + 1).endsWith(late);
    }
}
