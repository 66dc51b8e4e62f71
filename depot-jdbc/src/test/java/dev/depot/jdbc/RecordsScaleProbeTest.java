package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.depot.Condition;
import dev.depot.Depot;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The records layer at its scale edges, memory against each database (transcripts compared as in
 * {@link RecordsProbeTest}): queries whose operands are within the documented 30,000 but bind more
 * statement parameters than that, schemas with many indexes, and big batches that are refused part
 * way (all-or-nothing, no feed events). {@link RecordsTxProbeTest#manyKeysInOneCall} covers big
 * batches, {@code getAll} and {@code in} lists that succeed.
 */
class RecordsScaleProbeTest {
    static final String PREFIX = "s29_";

    static Stream<Arguments> databases() {
        return Stream.concat(TestDatabases.all(PREFIX),
                Stream.of(Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File)));
    }

    record Item(String id, String name, Long score) {}

    static final Schema<String, Item> ITEMS = Schema.of("scale_items", String.class, Item.class).key(Item::id)
            .index("name", String.class, Item::name)
            .index("score", Long.class, Item::score)
            .build();

    static String keys(List<Item> items) {
        return items.stream().map(Item::id).toList().toString();
    }

    /**
     * {@code startsWith} counts as one operand but is a range of two bounds in SQL, so an OR of
     * 20,000 prefixes is within the documented 30,000 and binds 40,000 parameters. The normal build
     * runs 2,000 prefixes; {@code -Ddepot.probe.scale=true} runs 20,000 and 30,000, which memory and
     * H2 answer in about a second or two while PostgreSQL's count of 16,000 on 2,000 rows passed the
     * 30 s statement timeout and SQLite took minutes per ordered page (planning an OR of n ranges
     * grows with n squared there): left open, see the report of helper/scale29.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anOrOfManyPrefixesWithinTheOperandLimitAnswersAsInMemory(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<String, Item> r = depot.records(ITEMS);
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                items.add(new Item("k" + i, String.format("p%05d-x", i * 7), (long) i));
            }
            r.saveAll(items);
            int[] sizes = Boolean.getBoolean("depot.probe.scale") ? new int[] {20_000, 30_000} : new int[] {2_000};
            for (int n : sizes) {
                Condition[] prefixes = new Condition[n];
                for (int i = 0; i < n; i++) {
                    prefixes[i] = Q.field("name").startsWith(String.format("p%05d", i * 3));
                }
                Condition or = Q.or(prefixes);
                log.add(n + " prefixes count", () -> r.query().where(or).count());
                log.add(n + " prefixes page", () -> {
                    var q = r.query().where(or).orderBy("name").limit(3);
                    Page<Item> p = q.page();
                    return keys(p.items()) + " " + keys(q.after(p.nextCursor()).page().items());
                });
                log.add(n + " prefixes in a transaction", () -> depot.transact(tx -> {
                    Records<String, Item> t = tx.records(ITEMS);
                    t.save(new Item("k0", "p00000-own", 0L));
                    return t.query().where(or).count() + " " + keys(t.query().where(or).orderBy("name").limit(2).list());
                }));
                log.add(n + " negated prefixes count", () -> r.query().where(Q.not(or)).count());
            }
            return log.lines;
        });
    }

    /**
     * A negated OR of 1,000 prefixes (well within the documented limits) is an AND of 1,000 {@code
     * (name < ? OR name >= ?)} on one column, which SQLite refused ("Expression tree is too large
     * (maximum depth 1000)") however the AND was nested — 998 passed, 999 failed — while memory, H2,
     * PostgreSQL and MariaDB answered. A wide AND now writes its ORs as NOTs (see {@code QuerySql}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aNegatedOrOfAThousandPrefixesAnswersAsInMemory(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<String, Item> r = depot.records(ITEMS);
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                items.add(new Item("k" + i, String.format("p%05d-x", i * 7), (long) i));
            }
            r.saveAll(items);
            Condition[] prefixes = new Condition[1_000];
            for (int i = 0; i < prefixes.length; i++) {
                prefixes[i] = Q.field("name").startsWith(String.format("p%05d", i * 3));
            }
            log.add("negated prefixes count", () -> r.query().where(Q.not(Q.or(prefixes))).count());
            log.add("negated prefixes page", () -> keys(r.query().where(Q.not(Q.or(prefixes))).orderBy("name").limit(3).list()));
            return log.lines;
        });
    }

    record Wide(String id, List<String> s, List<Long> n) {}

    static Schema<String, Wide> wide(String name, int strings, int longs, int uniques) {
        Schema.Builder<String, Wide> b = Schema.of(name, String.class, Wide.class).key(Wide::id);
        for (int i = 0; i < strings; i++) {
            int at = i;
            b = i < uniques ? b.uniqueIndex("s" + i, String.class, w -> w.s().get(at)) : b.index("s" + i, String.class, w -> w.s().get(at));
        }
        for (int i = 0; i < longs; i++) {
            int at = i;
            b = b.index("n" + i, Long.class, w -> w.n().get(at));
        }
        return b.build();
    }

    static Wide wideValue(String id, int strings, int longs, String text) {
        List<String> s = new ArrayList<>();
        List<Long> n = new ArrayList<>();
        for (int i = 0; i < strings; i++) {
            s.add(text + i);
        }
        for (int i = 0; i < longs; i++) {
            n.add((long) i);
        }
        return new Wide(id, s, n);
    }

    /**
     * Schemas with many indexes and records with long values in many of them, as memory takes them:
     * every database must store, update, find and delete them alike, or refuse them alike. MariaDB
     * sums the declared widths of a row's VARCHARs (65,535 bytes), allows 64 keys per table, and
     * cannot update or delete a row whose undo record (every secondary index's value) passes about
     * 15 kB: such a row would be stored and then stuck.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void schemasWithManyIndexesAnswerAlike(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            String emoji = "\uD83D\uDE00";
            // strings, longs, uniques, code points of the long values
            int[][] shapes = {{8, 0, 0, 500}, {8, 0, 2, 400}, {16, 0, 0, 400}, {40, 0, 0, 10}, {30, 0, 3, 10}, {0, 70, 0, 0},
                    {0, 30, 0, 0}, {10, 20, 5, 20}};
            for (int[] shape : shapes) {
                int strings = shape[0];
                int longs = shape[1];
                String what = strings + " string (" + shape[3] + " code points) and " + longs + " long indexes";
                Records<String, Wide> r;
                try {
                    r = depot.records(wide("wide_" + strings + "_" + longs + "_" + shape[3], strings, longs, shape[2]));
                } catch (RuntimeException e) {
                    log.add(what, () -> e.getClass().getSimpleName() + ": " + e.getMessage());
                    continue;
                }
                String last = strings > 0 ? "s" + (strings - 1) : "n" + (longs - 1);
                String text = emoji.repeat(Math.max(0, shape[3] - 3));
                log.add(what + ": short", () -> r.save(wideValue("a", strings, longs, "v")));
                log.add(what + ": long", () -> r.save(wideValue("b", strings, longs, text)));
                log.add(what + ": update", () -> r.save(wideValue("b", strings, longs, "w" + text)));
                log.add(what + ": found", () -> r.count() + " " + r.query().where(Q.field(last).isNotNull()).orderBy(last).list().stream().map(Wide::id).toList());
                log.add(what + ": delete", () -> r.delete("b"));
                log.add(what + ": clear", () -> {
                    r.clear();
                    return r.count();
                });
            }
            // Six values of 512 four-byte code points are exactly the limit; a seventh byte is one too many.
            Records<String, Wide> r = depot.records(wide("wide_limit", 7, 0, 1));
            List<String> atLimit = new ArrayList<>(java.util.Collections.nCopies(6, emoji.repeat(512)));
            atLimit.add(null);
            log.add("at the limit", () -> r.save(new Wide("x", atLimit, List.of())));
            log.add("at the limit, updated", () -> {
                List<String> other = new ArrayList<>(java.util.Collections.nCopies(6, emoji.repeat(511) + "\uD83D\uDE01"));
                other.add(null);
                return r.save(new Wide("x", other, List.of()));
            });
            log.add("at the limit, found", () -> r.query().where(Q.field("s0").eq(emoji.repeat(511) + "\uD83D\uDE01")).count());
            log.add("at the limit, deleted", () -> r.delete("x"));
            List<String> over = new ArrayList<>(atLimit);
            over.set(6, "a");
            log.add("one byte over", () -> r.save(new Wide("x", over, List.of())));
            log.add("one byte over in a batch", () -> r.saveAll(List.of(new Wide("y", atLimit, List.of()), new Wide("z", over, List.of()))));
            log.add("left", r::count);
            return log.lines;
        });
    }

    record Coded(String id, String code, Long n) {}

    static final Schema<String, Coded> CODED = Schema.of("scale_coded", String.class, Coded.class).key(Coded::id)
            .uniqueIndex("code", String.class, Coded::code)
            .index("n", Long.class, Coded::n)
            .build();

    static List<Coded> batch(String prefix, int n) {
        List<Coded> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Coded(prefix + i, prefix + "c" + i, (long) i));
        }
        return out;
    }

    /** What the store holds and how far the feed went since {@code before}. */
    static String state(Depot depot, Records<String, Coded> r, long before) {
        return "count " + r.count() + ", n>=0 " + r.query().where(Q.field("n").ge(0L)).count() + ", events "
                + (depot.changes().lastSequence() - before);
    }

    /** Records per batch: 20,000 in the normal build, 50,000 with {@code -Ddepot.probe.scale=true}. */
    static final int BATCH = Boolean.getBoolean("depot.probe.scale") ? 50_000 : 20_000;

    /**
     * A transaction of 100,000 writes to a collection with a unique index, on memory: each write
     * checked its unique value against every pending write of the transaction, so this ran for
     * minutes (n² comparisons) where each database takes seconds.
     */
    @Test
    void aBigTransactionWithAUniqueIndexIsLinearOnMemory() {
        try (Depot depot = Depot.open("memory:")) {
            Records<String, Coded> r = depot.records(CODED);
            r.saveAll(batch("seed", 1_000));
            // About 2 s here; the n² check did not end in minutes.
            String answer = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> depot.transact(tx -> {
                Records<String, Coded> t = tx.records(CODED);
                t.saveAll(batch("a", 50_000));
                t.delete("a0");
                t.save(new Coded("b", "ac0", 1L)); // the value the delete freed
                return t.saveAll(batch("c", 50_000)).size() + " " + t.count();
            }));
            assertThat(answer).isEqualTo("50000 101000");
            assertThatThrownBy(() -> depot.transact(tx -> tx.records(CODED).saveAll(batch("d", 50_000)).size() + tx.records(CODED)
                    .save(new Coded("e", "dc49999", 1L)))).isInstanceOf(UniqueConstraintException.class);
            assertThat(r.count()).isEqualTo(101_000);
        }
    }

    /**
     * Batches of BATCH records refused by their last element (a unique value taken inside the batch or by a
     * stored record, a key twice, a key over 255 bytes), alone and inside a transaction that wrote
     * thousands before: each is refused alike, and nothing of it is stored or reaches the feed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void bigBatchesRefusedByTheirLastElementChangeNothing(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<String, Coded> r = depot.records(CODED);
            r.saveAll(batch("seed", 1_000));
            long before = depot.changes().lastSequence();
            int n = BATCH;
            List<Coded> inside = batch("a", n);
            inside.set(n - 1, new Coded("last", "ac0", 1L));
            log.add("unique taken inside the batch", () -> r.saveAll(inside).size());
            log.add("state", () -> state(depot, r, before));
            List<Coded> stored = batch("b", n);
            stored.set(n - 1, new Coded("last", "seedc999", 1L));
            log.add("unique taken by a stored record", () -> r.saveAll(stored).size());
            log.add("state", () -> state(depot, r, before));
            List<Coded> twice = batch("c", n);
            twice.set(n - 1, new Coded("c0", "other", 1L));
            log.add("a key twice", () -> r.saveAll(twice).size());
            List<Coded> longKey = batch("d", n);
            longKey.set(n - 1, new Coded("\uD83D\uDE00".repeat(64), "other", 1L));
            log.add("a key of 256 bytes", () -> r.saveAll(longKey).size());
            log.add("state", () -> state(depot, r, before));
            log.add("in a transaction", () -> depot.transact(tx -> {
                Records<String, Coded> t = tx.records(CODED);
                for (int i = 0; i < 500; i++) {
                    t.delete("seed" + i);
                }
                t.saveAll(batch("e", n));
                return t.saveAll(stored).size();
            }));
            log.add("state", () -> state(depot, r, before));
            log.add("a unique value freed and taken in one transaction", () -> depot.transact(tx -> {
                Records<String, Coded> t = tx.records(CODED);
                for (int i = 0; i < 1_000; i++) {
                    t.delete("seed" + i);
                }
                List<Coded> reuse = batch("seed", 1_000).stream().map(c -> new Coded("f" + c.id(), c.code(), c.n())).toList();
                return t.saveAll(reuse).size() + " " + t.count();
            }));
            log.add("state", () -> state(depot, r, before));
            return log.lines;
        });
    }
}
