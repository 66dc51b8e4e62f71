package dev.depot.jdbc;

import dev.depot.Depot;
import dev.depot.KeyCodec;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Unique indexes and writes inside transactions, custom key codecs, coercion: memory against each database. */
class RecordsTxProbeTest {
    private static final String PREFIX = "p24t_";

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    record User(String id, String email, Long rank) {}

    static final Schema<String, User> USERS = Schema.of("users", String.class, User.class).key(User::id)
            .uniqueIndex("email", String.class, User::email)
            .index("rank", Long.class, User::rank)
            .build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void uniqueValuesMovingInsideATransaction(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<String, User> r = depot.records(USERS);
            r.save(new User("a", "x@", 1L));
            r.save(new User("b", "y@", 2L));
            r.save(new User("c", "z@", 3L));
            log.add("swap", () -> depot.transact(tx -> {
                Records<String, User> t = tx.records(USERS);
                t.update(new User("a", "tmp@", 1L));
                t.update(new User("b", "x@", 2L));
                t.update(new User("a", "y@", 1L));
                return t.query().where(Q.field("email").in(List.of("x@", "y@", "tmp@"))).orderBy("email").list();
            }));
            log.add("after swap", () -> r.query().orderBy("email").list());
            log.add("delete then reuse", () -> depot.transact(tx -> {
                Records<String, User> t = tx.records(USERS);
                t.delete("c");
                t.insert(new User("d", "z@", 4L));
                return t.query().where(Q.field("email").eq("z@")).list() + " " + t.count();
            }));
            log.add("take a value then free it", () -> depot.transact(tx -> {
                Records<String, User> t = tx.records(USERS);
                List<String> out = new ArrayList<>();
                try {
                    t.insert(new User("e", "x@", 5L));
                } catch (RuntimeException e) {
                    out.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                t.delete("b");
                out.add(String.valueOf(t.insert(new User("e", "x@", 5L))));
                out.add(String.valueOf(t.query().where(Q.field("email").eq("x@")).list()));
                try {
                    t.saveAll(List.of(new User("f", "q@", 1L), new User("g", "q@", 1L)));
                } catch (RuntimeException e) {
                    out.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                out.add(String.valueOf(t.query().where(Q.field("email").eq("q@")).count()));
                return out;
            }));
            log.add("delete then insert versions and events", () -> {
                long before = depot.changes().lastSequence();
                depot.inTransaction(tx -> {
                    Records<String, User> t = tx.records(USERS);
                    t.delete("a");
                    t.insert(new User("a", "y@", 7L));
                    t.save(new User("a", "y@", 8L));
                    t.delete("a");
                    t.save(new User("a", "w@", 9L));
                });
                return depot.changes().since(before).stream().map(e -> e.op() + " " + e.key() + " v" + e.version()).toList()
                        + " " + r.getVersioned("a").map(v -> v.version() + " " + v.value());
            });
            log.add("update at pending version", () -> depot.transact(tx -> {
                Records<String, User> t = tx.records(USERS);
                long v = t.insert(new User("h", "h@", 1L));
                long v2 = t.update(new User("h", "h2@", 1L), v);
                boolean gone = t.delete("h", v2);
                return v + " " + v2 + " " + gone + " " + t.exists("h") + " " + t.query().where(Q.field("email").eq("h2@")).count();
            }));
            log.add("final", () -> r.query().orderBy("email").list());
            return log.lines;
        });
    }

    record Sku(String code) {}

    record Product(Sku sku, String name) {}

    static final Schema<Sku, Product> PRODUCTS = Schema.of("products", Sku.class, Product.class).key(Product::sku)
            .keyCodec(KeyCodec.of(Sku::code, s -> {
                if (!s.startsWith("SKU-")) {
                    throw new IllegalStateException("not a SKU: " + s);
                }
                return new Sku(s);
            }))
            .index("name", String.class, Product::name)
            .build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void customKeyCodecsAndForgedCursors(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<Sku, Product> r = depot.records(PRODUCTS);
            for (int i = 0; i < 6; i++) {
                int n = i;
                log.add("save " + i, () -> r.save(new Product(new Sku("SKU-" + (char) ('f' - n)), "p" + (n % 2))));
            }
            log.add("bad key", () -> r.save(new Product(new Sku(""), "x")));
            log.add("list", () -> r.query().list().stream().map(p -> p.sku().code()).toList());
            Page<Product> p = r.query().orderBy("name").limit(2).page();
            log.add("page 2", () -> r.query().orderBy("name").limit(2).after(p.nextCursor()).page().items().stream()
                    .map(x -> x.sku().code()).toList());
            String forged = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString("[1,\"name\",\"a\",\"p0\",\"NOT-A-SKU\"]".getBytes(StandardCharsets.UTF_8));
            log.add("forged key the codec refuses", () -> r.query().orderBy("name").limit(2).after(forged).page().items());
            log.add("events", () -> depot.changes().since(0).stream().map(e -> e.key()).toList().size());
            log.add("getAll", () -> r.getAll(List.of(new Sku("SKU-a"), new Sku("SKU-f"), new Sku("SKU-z"))).keySet());
            log.add("double index coerced from a huge BigDecimal", () -> depot.records(RecordsProbeTest.ITEMS).query()
                    .where(Q.field("ratio").eq(new BigDecimal("1e400"))).explain());
            log.add("long index from 1e19", () -> depot.records(RecordsProbeTest.ITEMS).query()
                    .where(Q.field("score").eq(1e19)).explain());
            return log.lines;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void manyKeysInOneCall(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<String, RecordsProbeTest.Item> r = depot.records(RecordsProbeTest.ITEMS);
            List<RecordsProbeTest.Item> items = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<Long> scores = new ArrayList<>();
            for (int i = 0; i < 70_000; i++) {
                if (i % 2 == 0) {
                    items.add(new RecordsProbeTest.Item("k" + i, "n", (long) i, null));
                }
                keys.add("k" + i);
            }
            for (int i = 0; i < 30_000; i++) {
                scores.add((long) i * 3);
            }
            log.add("saveAll 35k", () -> r.saveAll(items).size());
            log.add("getAll 70k", () -> r.getAll(keys).size());
            log.add("in 30k", () -> r.query().where(Q.field("score").in(scores)).count());
            log.add("in 30k page", () -> r.query().where(Q.field("score").in(scores)).limit(3).list().stream().map(RecordsProbeTest.Item::id).toList());
            log.add("tx", () -> depot.transact(tx -> {
                Records<String, RecordsProbeTest.Item> t = tx.records(RecordsProbeTest.ITEMS);
                List<RecordsProbeTest.Item> more = new ArrayList<>();
                for (int i = 1; i < 70_000; i += 2) {
                    more.add(new RecordsProbeTest.Item("k" + i, "m", (long) i, 1.0));
                }
                t.saveAll(more);
                return t.getAll(keys).size() + " " + t.count() + " " + t.query().where(Q.field("score").in(scores)).count() + " "
                        + t.query().where(Q.field("name").eq("m")).limit(2).list().stream().map(RecordsProbeTest.Item::id).toList();
            }));
            log.add("after", r::count);
            return log.lines;
        });
    }
}
