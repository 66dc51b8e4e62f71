package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.AlreadyExistsException;
import dev.depot.Depot;
import dev.depot.DepotException;
import dev.depot.Direction;
import dev.depot.NotFoundException;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import dev.depot.VersionConflictException;
import dev.depot.spi.CodePoints;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The memory engine against a model that is correct by inspection (a hash map, filtered and sorted
 * on every query): random writes, transactions that commit or roll back, and every query walked
 * page by page must agree. Small key and value spaces force collisions, unique violations and ties.
 */
class MemoryModelTest {
    record Item(String id, String tag, Long rank, long score) {}

    static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class)
            .key(Item::id)
            .index("tag", String.class, Item::tag)
            .uniqueIndex("rank", Long.class, Item::rank)
            .index("score", Long.class, Item::score)
            .build();

    sealed interface Op permits Write, Delete, Tx {}

    record Write(String kind, Item item, boolean stale) implements Op {}

    record Delete(String id) implements Op {}

    record Tx(List<Op> ops, boolean rollback) implements Op {}

    record Stored(Item item, long version) {}

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void memoryAgreesWithTheModel(@ForAll("scripts") List<Op> script) {
        try (Depot depot = Depot.open("memory:")) {
            Records<String, Item> items = depot.records(ITEMS);
            Map<String, Stored> model = new HashMap<>();
            for (Op op : script) {
                apply(depot, items, model, op);
                checkQueries(items, model);
            }
        }
    }

    private void apply(Depot depot, Records<String, Item> items, Map<String, Stored> model, Op op) {
        if (op instanceof Tx tx) {
            Map<String, Stored> scratch = new HashMap<>(model);
            try {
                depot.transact(t -> {
                    Records<String, Item> inTx = t.records(ITEMS);
                    for (Op inner : tx.ops()) {
                        apply(depot, inTx, scratch, inner);
                    }
                    checkQueries(inTx, scratch);
                    if (tx.rollback()) {
                        throw new IllegalStateException("roll back");
                    }
                    return null;
                });
                model.clear();
                model.putAll(scratch);
            } catch (IllegalStateException expected) {
                // rolled back: the model stays as it was
            }
            return;
        }
        String outcome = expected(model, op);
        String actual;
        try {
            perform(items, model, op);
            actual = "ok";
        } catch (DepotException e) {
            actual = e.getClass().getSimpleName();
        }
        assertThat(actual).as("%s", op).isEqualTo(outcome);
        if (outcome.equals("ok")) {
            update(model, op);
        }
        for (Stored s : model.values()) {
            assertThat(items.getVersioned(s.item().id()).map(v -> v.version())).contains(s.version());
        }
    }

    private static void perform(Records<String, Item> items, Map<String, Stored> model, Op op) {
        if (op instanceof Delete d) {
            items.delete(d.id());
            return;
        }
        Write w = (Write) op;
        switch (w.kind()) {
            case "insert" -> items.insert(w.item());
            case "update" -> items.update(w.item());
            case "save" -> items.save(w.item());
            default -> {
                long current = Optional.ofNullable(model.get(w.item().id())).map(Stored::version).orElse(1L);
                items.update(w.item(), w.stale() ? current + 1 : current);
            }
        }
    }

    /** What the contract says should happen. */
    private static String expected(Map<String, Stored> model, Op op) {
        if (op instanceof Delete) {
            return "ok";
        }
        Write w = (Write) op;
        boolean exists = model.containsKey(w.item().id());
        if (w.kind().equals("insert") && exists) {
            return AlreadyExistsException.class.getSimpleName();
        }
        if ((w.kind().equals("update") || w.kind().equals("versioned")) && !exists) {
            return NotFoundException.class.getSimpleName();
        }
        if (w.kind().equals("versioned") && w.stale()) {
            return VersionConflictException.class.getSimpleName();
        }
        Long rank = w.item().rank();
        boolean taken = rank != null && model.values().stream()
                .anyMatch(s -> rank.equals(s.item().rank()) && !s.item().id().equals(w.item().id()));
        return taken ? UniqueConstraintException.class.getSimpleName() : "ok";
    }

    private static void update(Map<String, Stored> model, Op op) {
        if (op instanceof Delete d) {
            model.remove(d.id());
            return;
        }
        Item item = ((Write) op).item();
        Stored old = model.get(item.id());
        model.put(item.id(), new Stored(item, old == null ? 1 : old.version() + 1));
    }

    private static void checkQueries(Records<String, Item> items, Map<String, Stored> model) {
        List<Item> all = model.values().stream().map(Stored::item).toList();
        check(items.query(), all, x -> true, null, Direction.ASC);
        check(items.query().where(Q.field("tag").eq("b")), all, x -> "b".equals(x.tag()), null, Direction.ASC);
        check(items.query().where(Q.field("tag").startsWith("a")).orderBy("score", Direction.DESC), all,
                x -> x.tag() != null && x.tag().startsWith("a"), "score", Direction.DESC);
        check(items.query().where(Q.field("score").between(2, 6)).orderBy("tag"), all,
                x -> x.score() >= 2 && x.score() <= 6, "tag", Direction.ASC);
        check(items.query().where(Q.field("tag").isNull()).orderBy("rank", Direction.DESC), all,
                x -> x.tag() == null, "rank", Direction.DESC);
        check(items.query().where(Q.field("rank").in(1, 3, 5)), all,
                x -> x.rank() != null && List.of(1L, 3L, 5L).contains(x.rank()), null, Direction.ASC);
        check(items.query().where(Q.field("score").gt(3)).and(Q.field("tag").isNotNull()).orderBy("tag", Direction.DESC),
                all, x -> x.score() > 3 && x.tag() != null, "tag", Direction.DESC);
    }

    private static void check(Query<Item> query, List<Item> all, Predicate<Item> filter, String order, Direction dir) {
        List<String> expected = all.stream().filter(filter).sorted(order(order, dir)).map(Item::id).toList();
        assertThat(query.count()).isEqualTo(expected.size());
        List<String> paged = new ArrayList<>();
        Query<Item> q = order == null ? query.limit(2) : query.orderBy(order, dir).limit(2);
        Page<Item> page = q.page();
        page.items().forEach(i -> paged.add(i.id()));
        while (page.hasMore()) {
            page = q.after(page.nextCursor()).page();
            page.items().forEach(i -> paged.add(i.id()));
        }
        assertThat(paged).as("paged %s", order).isEqualTo(expected);
        assertThat(query.list().stream().map(Item::id).toList()).isEqualTo(expected);
    }

    private static Comparator<Item> order(String field, Direction dir) {
        Comparator<Item> byKey = (a, b) -> CodePoints.compare(a.id(), b.id());
        if (field == null) {
            return byKey;
        }
        Comparator<Item> byValue = switch (field) {
            case "tag" -> Comparator.comparing(Item::tag, Comparator.nullsFirst(CodePoints::compare));
            case "rank" -> Comparator.comparing(Item::rank, Comparator.nullsFirst(Comparator.naturalOrder()));
            default -> Comparator.comparing(Item::score);
        };
        return (dir == Direction.DESC ? byValue.reversed() : byValue).thenComparing(byKey);
    }

    @Provide
    Arbitrary<List<Op>> scripts() {
        Arbitrary<Op> simple = Arbitraries.oneOf(writes(), deletes());
        Arbitrary<Op> tx = Combinators.combine(simple.list().ofMaxSize(5), Arbitraries.of(true, false)).as(Tx::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, simple), net.jqwik.api.Tuple.of(1, tx)).list().ofMaxSize(30);
    }

    private Arbitrary<Op> writes() {
        Arbitrary<Item> item = Combinators.combine(
                Arbitraries.of("a", "b", "c", "d", "e", "\uD83D\uDE00", "\uFFFD"),
                Arbitraries.of("a", "ab", "b", "\uE000", "\uD83D\uDE00").injectNull(0.3),
                Arbitraries.longs().between(1, 8).injectNull(0.4),
                Arbitraries.longs().between(0, 8)).as(Item::new);
        return Combinators.combine(Arbitraries.of("insert", "update", "save", "versioned"), item, Arbitraries.of(true, false))
                .as((kind, i, stale) -> (Op) new Write(kind, i, stale));
    }

    private Arbitrary<Op> deletes() {
        return Arbitraries.of("a", "b", "c", "d", "e", "\uD83D\uDE00").map(Delete::new);
    }
}
