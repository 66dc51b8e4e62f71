package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ConflictException;
import dev.depot.Depot;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.Transaction;
import dev.depot.UniqueConstraintException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hermitage-style anomaly probes (G0, G1a, G1b, G1c, OTV, PMP, P4, G-single, G2-item, G2) and
 * concurrency probes (unique races, read-your-writes, page walks, retries under contention), run
 * on memory and every database. Transactions are interleaved deterministically: each runs on its
 * own thread and is driven step by step ({@link Tx}); nothing sleeps, every wait has a deadline
 * only a hang reaches. Expectations are CONTRACT.md §4: snapshot isolation, first committer wins,
 * write skew allowed.
 */
class IsolationProbeTest {
    private static final String PREFIX = "iso_";
    private static final long GUARD_SECONDS = 120;

    record Acct(String id, long balance, String owner, String email) {}

    static final Schema<String, Acct> ACCTS = Schema.of("accts", String.class, Acct.class).key(Acct::id)
            .index("balance", Long.class, Acct::balance)
            .index("owner", String.class, Acct::owner)
            .uniqueIndex("email", String.class, Acct::email)
            .build();

    static Stream<Arguments> everyBackend() {
        return TestDatabases.memoryAndAll(PREFIX);
    }

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Tx> open = new ArrayList<>();

    @AfterEach
    void stopThreads() {
        for (Tx t : open) {
            t.abandon();
        }
        threads.shutdownNow();
    }

    private static Depot open(TestDatabases.UrlSource opener) {
        return TestDatabases.open(opener, PREFIX);
    }

    /** Runs {@code scenario} on a fresh depot and clears it afterwards. */
    private static void with(TestDatabases.UrlSource opener, java.util.function.Consumer<Depot> scenario) {
        try (Depot depot = open(opener)) {
            try {
                scenario.accept(depot);
            } finally {
                depot.clear();
            }
        }
    }

    private static Acct acct(String id, long balance) {
        return new Acct(id, balance, "o", null);
    }

    private static long balance(Records<String, Acct> r, String id) {
        return r.get(id).map(Acct::balance).orElse(-1L);
    }

    /**
     * One transaction on its own thread, driven step by step: {@link #run} executes a step inside the
     * callback and returns its result (or rethrows what the step threw, leaving the transaction
     * open), {@link #commit} returns from the callback, {@link #abort} throws out of it.
     */
    final class Tx {
        private final BlockingQueue<Object> steps = new LinkedBlockingQueue<>();
        private final Future<Object> done;
        private static final Object COMMIT = new Object();
        private static final Object ABORT = new Object();

        private record Step(Function<Transaction, Object> work, CompletableFuture<Object> result) {}

        Tx(Depot depot) {
            done = threads.submit(() -> depot.transact(tx -> {
                while (true) {
                    Object s;
                    try {
                        s = steps.poll(GUARD_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("abandoned");
                    }
                    if (s == null || s == ABORT) {
                        throw new Aborted();
                    }
                    if (s == COMMIT) {
                        return null;
                    }
                    Step step = (Step) s;
                    try {
                        step.result.complete(step.work.apply(tx));
                    } catch (RuntimeException e) {
                        step.result.completeExceptionally(e);
                    }
                }
            }));
            open.add(this);
        }

        @SuppressWarnings("unchecked")
        <T> T run(Function<Records<String, Acct>, T> work) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            steps.add(new Step(tx -> work.apply(tx.records(ACCTS)), f));
            try {
                return (T) f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw (RuntimeException) e.getCause();
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError("step did not finish", e);
            }
        }

        @SuppressWarnings("unchecked")
        <T> T runTx(Function<Transaction, T> work) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            steps.add(new Step(tx -> work.apply(tx), f));
            try {
                return (T) f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw (RuntimeException) e.getCause();
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError("step did not finish", e);
            }
        }

        /** Commits; returns null, or what the commit threw. */
        RuntimeException commit() {
            steps.add(COMMIT);
            return outcome();
        }

        void abort() {
            steps.add(ABORT);
            RuntimeException e = outcome();
            assertThat(e).isInstanceOf(Aborted.class);
        }

        void abandon() {
            if (!done.isDone()) {
                steps.add(ABORT);
            }
        }

        private RuntimeException outcome() {
            try {
                done.get(GUARD_SECONDS, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    return r;
                }
                throw new AssertionError(e.getCause());
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError("commit did not finish", e);
            }
        }
    }

    static final class Aborted extends RuntimeException {
        Aborted() {
            super("aborted by the test");
        }
    }

    private Tx begin(Depot depot) {
        return new Tx(depot);
    }

    private static void seedXY(Records<String, Acct> r) {
        r.save(acct("x", 10));
        r.save(acct("y", 20));
    }

    // ---- G0: dirty write ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void g0DirtyWritesNeverInterleave(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            t1.run(a -> a.get("x"));
            t2.run(a -> a.get("x"));
            t1.run(a -> a.update(acct("x", 11)));
            t2.run(a -> a.update(acct("x", 12)));
            t1.run(a -> a.update(acct("y", 21)));
            t2.run(a -> a.update(acct("y", 22)));
            assertThat(t1.commit()).isNull();
            assertThat(t2.commit()).isInstanceOf(ConflictException.class);
            assertThat(List.of(balance(r, "x"), balance(r, "y"))).containsExactly(11L, 21L);
            assertThat(r.getVersioned("x").orElseThrow().version()).isEqualTo(2);
        });
    }

    // ---- G1a, G1b: aborted and intermediate reads ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void g1aAndG1bNoAbortedOrIntermediateReads(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            t1.run(a -> a.update(acct("x", 101)));
            assertThat((Object) t2.run(a -> a.query().where(Q.field("balance").eq(101)).count())).isEqualTo(0L);
            assertThat(balance(r, "x")).isEqualTo(10);
            t1.abort();
            assertThat((Object) t2.run(a -> balance(a, "x"))).isEqualTo(10L);
            assertThat(t2.commit()).isNull();
            assertThat(balance(r, "x")).isEqualTo(10);

            Tx t3 = begin(depot);
            Tx t4 = begin(depot);
            t3.run(a -> a.update(acct("x", 101)));
            assertThat((Object) t4.run(a -> balance(a, "x"))).isEqualTo(10L);
            t3.run(a -> a.update(acct("x", 11)));
            assertThat((Object) t4.run(a -> a.query().where(Q.field("balance").in(List.of(101L, 11L))).count())).isEqualTo(0L);
            assertThat(t3.commit()).isNull();
            // t4's snapshot predates t3's commit: it keeps reading 10, in every read shape.
            assertThat((Object) t4.run(a -> balance(a, "x") + " " + a.getAll(List.of("x")).get("x").balance() + " "
                    + a.query().where(Q.field("balance").eq(10)).count() + " " + a.query().where(Q.field("balance").eq(11)).count()))
                    .isEqualTo("10 10 1 0");
            assertThat(t4.commit()).isNull();
            assertThat(balance(r, "x")).isEqualTo(11);
            // Each write inside a transaction counts: 101 then 11 is two versions.
            assertThat(r.getVersioned("x").orElseThrow().version()).isEqualTo(3);
        });
    }

    // ---- G1c: circular information flow ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void g1cNoCircularInformationFlow(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            t1.run(a -> a.update(acct("x", 11)));
            t2.run(a -> a.update(acct("y", 22)));
            assertThat((Object) t1.run(a -> balance(a, "y"))).isEqualTo(20L);
            assertThat((Object) t2.run(a -> balance(a, "x"))).isEqualTo(10L);
            assertThat(t1.commit()).isNull();
            assertThat(t2.commit()).isNull();
            assertThat(List.of(balance(r, "x"), balance(r, "y"))).containsExactly(11L, 22L);
        });
    }

    // ---- OTV: observed transaction vanishes ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void otvAReaderNeverSeesHalfOfACommit(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            Tx t3 = begin(depot);
            t1.run(a -> a.update(acct("x", 11)));
            t1.run(a -> a.update(acct("y", 19)));
            t2.run(a -> a.update(acct("x", 12)));
            assertThat((Object) t3.run(a -> balance(a, "x"))).isEqualTo(10L);
            assertThat(t1.commit()).isNull();
            assertThat((Object) t3.run(a -> balance(a, "y"))).isEqualTo(20L);
            t2.run(a -> a.update(acct("y", 18)));
            assertThat((Object) t3.run(a -> balance(a, "x") + " " + balance(a, "y"))).isEqualTo("10 20");
            assertThat(t2.commit()).isInstanceOf(ConflictException.class);
            assertThat(t3.commit()).isNull();
            assertThat(List.of(balance(r, "x"), balance(r, "y"))).containsExactly(11L, 19L);
        });
    }

    // ---- PMP: predicate-many-preceders ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void pmpAQueryIsRepeatableAcrossConcurrentInsertsAndDeletes(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            assertThat((Object) t1.run(a -> a.query().where(Q.field("balance").eq(30)).count())).isEqualTo(0L);
            r.insert(acct("z", 30));
            r.delete("x");
            r.update(acct("y", 30));
            assertThat((Object) t1.run(a -> a.query().where(Q.field("balance").eq(30)).count() + " "
                    + a.query().where(Q.field("balance").eq(30)).list().size() + " " + a.count() + " "
                    + a.query().orderBy("balance").list().stream().map(Acct::id).toList() + " " + a.exists("z") + a.exists("x")))
                    .isEqualTo("0 0 2 [x, y] falsetrue");
            assertThat(t1.commit()).isNull();
        });
    }

    /** Hermitage PMP-write: a predicate update racing a predicate delete; the second committer loses. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void pmpWriteThePredicateDeleteOfAChangedRowConflicts(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            t1.run(a -> {
                for (Acct v : a.query().list()) {
                    a.update(new Acct(v.id(), v.balance() + 10, v.owner(), v.email()));
                }
                return null;
            });
            assertThat((Object) t2.run(a -> {
                List<Acct> hits = a.query().where(Q.field("balance").eq(20)).list();
                hits.forEach(v -> a.delete(v.id()));
                return hits.size();
            })).isEqualTo(1);
            assertThat(t1.commit()).isNull();
            assertThat(t2.commit()).isInstanceOf(ConflictException.class);
            assertThat(r.query().orderBy("balance").list().stream().map(v -> v.id() + v.balance()).toList())
                    .containsExactly("x20", "y30");
        });
    }

    // ---- P4: lost update ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void p4NoLostUpdate(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            long b1 = t1.run(a -> balance(a, "x"));
            long b2 = t2.run(a -> balance(a, "x"));
            t1.run(a -> a.update(acct("x", b1 + 1)));
            t2.run(a -> a.update(acct("x", b2 + 1)));
            assertThat(t1.commit()).isNull();
            assertThat(t2.commit()).isInstanceOf(ConflictException.class);
            assertThat(balance(r, "x")).isEqualTo(11);
            // A blind write (save without reading) and a delete lose the same way.
            Tx t3 = begin(depot);
            Tx t4 = begin(depot);
            t3.run(a -> a.exists("y"));
            t4.run(a -> a.exists("y"));
            t3.run(a -> a.save(acct("x", 50)));
            t4.run(a -> a.delete("x"));
            assertThat(t3.commit()).isNull();
            assertThat(t4.commit()).isInstanceOf(ConflictException.class);
            assertThat(balance(r, "x")).isEqualTo(50);
        });
    }

    // ---- G-single: read skew ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void gSingleNoReadSkewAcrossReadShapesAndCollections(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            Records<String, RecordsProbeTest.Item> other = depot.records(RecordsProbeTest.ITEMS);
            seedXY(r);
            other.save(new RecordsProbeTest.Item("i", "before", 1L, null));
            Tx t1 = begin(depot);
            assertThat((Object) t1.run(a -> balance(a, "x"))).isEqualTo(10L);
            depot.inTransaction(tx -> {
                tx.records(ACCTS).update(acct("x", 12));
                tx.records(ACCTS).update(acct("y", 18));
                tx.records(RecordsProbeTest.ITEMS).update(new RecordsProbeTest.Item("i", "after", 2L, null));
            });
            assertThat((Object) t1.run(a -> {
                long sum = a.query().list().stream().mapToLong(Acct::balance).sum();
                Page<Acct> p = a.query().orderBy("balance").limit(1).page();
                Page<Acct> p2 = a.query().orderBy("balance").limit(1).after(p.nextCursor()).page();
                long streamed = a.query().stream().mapToLong(Acct::balance).sum();
                return balance(a, "y") + " " + sum + " " + streamed + " " + p.items().get(0).id() + p2.items().get(0).id()
                        + " " + a.getAll(List.of("x", "y")).values().stream().mapToLong(Acct::balance).sum();
            })).isEqualTo("20 30 30 xy 30");
            assertThat(t1.commit()).isNull();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void gSingleASecondCollectionIsReadFromTheSameSnapshot(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            Records<String, RecordsProbeTest.Item> other = depot.records(RecordsProbeTest.ITEMS);
            seedXY(r);
            other.save(new RecordsProbeTest.Item("i", "before", 1L, null));
            CountDownLatch read = new CountDownLatch(1);
            CountDownLatch written = new CountDownLatch(1);
            Future<String> reader = threads.submit(() -> depot.transact(tx -> {
                long x = balance(tx.records(ACCTS), "x");
                read.countDown();
                await(written);
                Records<String, RecordsProbeTest.Item> o = tx.records(RecordsProbeTest.ITEMS);
                return x + " " + o.get("i").orElseThrow().name() + " " + o.query().where(Q.field("name").eq("after")).count();
            }));
            await(read);
            depot.inTransaction(tx -> {
                tx.records(ACCTS).update(acct("x", 12));
                tx.records(RecordsProbeTest.ITEMS).update(new RecordsProbeTest.Item("i", "after", 2L, null));
            });
            written.countDown();
            assertThat(get(reader)).isEqualTo("10 before 0");
        });
    }

    // ---- G2-item: write skew (allowed), and the documented workaround ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void g2ItemWriteSkewIsAllowedAndRewritingReadKeysPreventsIt(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            long s1 = t1.run(a -> balance(a, "x") + balance(a, "y"));
            long s2 = t2.run(a -> balance(a, "x") + balance(a, "y"));
            t1.run(a -> a.update(acct("x", 10 - s1)));
            t2.run(a -> a.update(acct("y", 20 - s2)));
            assertThat(t1.commit()).isNull();
            assertThat(t2.commit()).isNull();
            assertThat(balance(r, "x") + balance(r, "y")).isEqualTo(-30);

            seedXY(r);
            Tx t3 = begin(depot);
            Tx t4 = begin(depot);
            t3.run(a -> a.update(a.get("y").orElseThrow()));
            t4.run(a -> a.update(a.get("x").orElseThrow()));
            t3.run(a -> a.update(acct("x", 0)));
            t4.run(a -> a.update(acct("y", 0)));
            assertThat(t3.commit()).isNull();
            assertThat(t4.commit()).isInstanceOf(ConflictException.class);
        });
    }

    // ---- G2: anti-dependency cycles through predicates (allowed under snapshot isolation) ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void g2PredicateWriteSkewCommitsOnEveryBackendAlike(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            assertThat((Object) t1.run(a -> a.query().where(Q.field("owner").eq("p")).count())).isEqualTo(0L);
            assertThat((Object) t2.run(a -> a.query().where(Q.field("owner").eq("p")).count())).isEqualTo(0L);
            t1.run(a -> a.insert(new Acct("p1", 1, "p", null)));
            t2.run(a -> a.insert(new Acct("p2", 1, "p", null)));
            assertThat(t1.commit()).isNull();
            assertThat(t2.commit()).isNull();
            assertThat(r.query().where(Q.field("owner").eq("p")).count()).isEqualTo(2);
        });
    }

    // ---- unique-index races ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void twoTransactionsClaimingOneUniqueValue(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            Tx t1 = begin(depot);
            Tx t2 = begin(depot);
            t1.run(a -> a.count());
            t2.run(a -> a.count());
            t1.run(a -> a.insert(new Acct("a", 1, "o", "e@")));
            t2.run(a -> a.insert(new Acct("b", 1, "o", "e@")));
            assertThat(t1.commit()).isNull();
            RuntimeException lost = t2.commit();
            assertThat(lost).isInstanceOf(UniqueConstraintException.class);
            assertThat(((UniqueConstraintException) lost).index()).contains("email");
            assertThat(((UniqueConstraintException) lost).key()).contains("b");
            assertThat(r.query().where(Q.field("email").eq("e@")).list()).extracting(Acct::id).containsExactly("a");

            // A value freed by an uncommitted transaction is still taken for others; once committed it is free.
            Tx t3 = begin(depot);
            Tx t4 = begin(depot);
            t3.run(a -> a.update(new Acct("a", 1, "o", "f@")));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> t4.run(a -> a.insert(new Acct("c", 1, "o", "e@"))))
                    .isInstanceOf(UniqueConstraintException.class);
            assertThat(t3.commit()).isNull();
            assertThat(t4.commit()).isNull();
            assertThat(r.insert(new Acct("c", 1, "o", "e@"))).isEqualTo(1);

            // A swap of values across keys inside one transaction, racing a claim of one of them.
            Tx t5 = begin(depot);
            Tx t6 = begin(depot);
            t5.run(a -> a.count());
            t6.run(a -> a.count());
            t5.run(a -> {
                a.update(new Acct("a", 1, "o", "tmp@"));
                a.update(new Acct("c", 1, "o", "f@"));
                return a.update(new Acct("a", 1, "o", "e@"));
            });
            t6.run(a -> a.insert(new Acct("d", 1, "o", "g@")));
            assertThat(t6.commit()).isNull();
            assertThat(t5.commit()).isNull();
            assertThat(r.query().orderBy("email").list().stream().map(v -> v.id() + v.email()).toList())
                    .containsExactly("ae@", "cf@", "dg@");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void manyThreadsRaceForOneUniqueValueExactlyOneWins(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            int n = 8;
            for (int round = 0; round < 3; round++) {
                String email = "race" + round + "@";
                int rnd = round;
                CountDownLatch ready = new CountDownLatch(n);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String key = "u" + rnd + "_" + i;
                    boolean inTx = i % 2 == 0;
                    out.add(threads.submit(() -> {
                        try {
                            if (inTx) {
                                depot.inTransaction(tx -> {
                                    tx.records(ACCTS).count();
                                    ready.countDown();
                                    await(go);
                                    tx.records(ACCTS).insert(new Acct(key, 1, "o", email));
                                });
                            } else {
                                ready.countDown();
                                await(go);
                                r.insert(new Acct(key, 1, "o", email));
                            }
                            return "ok";
                        } catch (UniqueConstraintException e) {
                            return "unique";
                        } catch (RuntimeException e) {
                            return e.getClass().getSimpleName() + ": " + e.getMessage();
                        }
                    }));
                }
                await(ready);
                go.countDown();
                List<String> results = out.stream().map(IsolationProbeTest::get).toList();
                assertThat(results).as(db + " round " + round).containsOnly("ok", "unique");
                assertThat(results.stream().filter("ok"::equals).count()).as(results.toString()).isEqualTo(1);
                assertThat(r.query().where(Q.field("email").eq(email)).count()).isEqualTo(1);
            }
        });
    }

    // ---- read your own writes, with others committing meanwhile ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void ownWritesLayOverTheSnapshotInEveryReadShape(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            for (int i = 0; i < 30; i++) {
                r.save(acct(String.format("k%02d", i), i % 5));
            }
            Tx t1 = begin(depot);
            t1.run(a -> a.count());
            // Others change the data after the snapshot.
            r.update(acct("k03", 4));
            r.delete("k04");
            r.insert(acct("k99", 1));
            String seen = t1.run(a -> {
                a.update(acct("k00", 7));
                a.delete("k01");
                a.insert(acct("k50", 7));
                a.update(acct("k05", 7));
                List<String> pages = new ArrayList<>();
                String cursor = null;
                do {
                    Page<Acct> p = after(a.query().where(Q.field("balance").ge(3)).orderBy("balance").limit(4), cursor).page();
                    pages.add(p.items().stream().map(v -> v.id() + ":" + v.balance()).collect(Collectors.joining(",")));
                    cursor = p.nextCursor();
                } while (cursor != null);
                return a.get("k00").orElseThrow().balance() + " " + a.exists("k01") + " " + a.exists("k04") + " "
                        + a.exists("k99") + " " + a.getAll(List.of("k00", "k01", "k03", "k50")).keySet() + " "
                        + a.count() + " " + a.query().where(Q.field("balance").eq(7)).count() + " "
                        + a.query().where(Q.field("balance").eq(7)).stream().map(Acct::id).toList() + " "
                        + a.query().orderBy("balance", dev.depot.Direction.DESC).limit(3).list().stream().map(Acct::id).toList() + " "
                        + a.query().where(Q.field("balance").eq(7)).offset(1).limit(1).list().stream().map(Acct::id).toList() + " "
                        + pages;
            });
            assertThat(seen).isEqualTo("7 false true false [k00, k03, k50] 30 3 [k00, k05, k50] [k00, k05, k50] [k05] "
                    + "[k03:3,k08:3,k13:3,k18:3, k23:3,k28:3,k04:4,k09:4, k14:4,k19:4,k24:4,k29:4, k00:7,k05:7,k50:7]");
            // k00 and k05 were not written by others: no conflict; k03, k04, k99 were not written by t1.
            assertThat(t1.commit()).isNull();
            assertThat(r.count()).isEqualTo(30);
            assertThat(r.exists("k99") && !r.exists("k04") && r.exists("k50") && !r.exists("k01")).isTrue();
        });
    }

    // ---- a long page walk while others write ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aLongPageWalkInATransactionIsOneSnapshotWhileOthersWrite(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            List<Acct> seed = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                seed.add(acct(String.format("w%03d", i), i % 17));
            }
            r.saveAll(seed);
            Tx t1 = begin(depot);
            List<String> expected = t1.run(a -> a.query().orderBy("balance").list().stream().map(v -> v.id() + ":" + v.balance()).toList());
            List<String> walked = new ArrayList<>();
            List<String> outside = new ArrayList<>();
            String cursor = null;
            String outCursor = null;
            int step = 0;
            do {
                String c = cursor;
                Page<Acct> p = t1.run(a -> after(a.query().orderBy("balance").limit(7), c).page());
                p.items().forEach(v -> walked.add(v.id() + ":" + v.balance()));
                cursor = p.nextCursor();
                Page<Acct> q = after(r.query().orderBy("balance").limit(7), outCursor).page();
                q.items().forEach(v -> outside.add(v.id()));
                outCursor = q.nextCursor();
                // Others move rows across the walk's position, delete and insert, between pages.
                int s = step++;
                depot.inTransaction(tx -> {
                    Records<String, Acct> a = tx.records(ACCTS);
                    String k = String.format("w%03d", (s * 37) % 300);
                    a.get(k).ifPresent(v -> a.update(acct(k, (v.balance() + 9) % 17)));
                    a.delete(String.format("w%03d", (s * 53 + 1) % 300));
                    a.save(acct("n" + s, s % 17));
                });
            } while (cursor != null);
            assertThat(walked).isEqualTo(expected);
            assertThat((Object) t1.run(a -> a.count())).isEqualTo(300L);
            assertThat(t1.commit()).isNull();
            // Outside a transaction each page is its own read: no key twice (its position moved
            // forward at most once per write, so duplicates are possible only for moved rows).
            Set<String> untouched = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                untouched.add(String.format("w%03d", i));
            }
            for (int s = 0; s < step; s++) {
                untouched.remove(String.format("w%03d", (s * 37) % 300));
                untouched.remove(String.format("w%03d", (s * 53 + 1) % 300));
            }
            assertThat(outside).containsAll(untouched);
            assertThat(outside.stream().filter(untouched::contains).distinct().count())
                    .isEqualTo(outside.stream().filter(untouched::contains).count());
        });
    }

    // ---- retries converge under heavy contention ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void retriedIncrementsOfOneCounterAreNeverLost(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            r.insert(acct("counter", 0));
            int threadsN = 8;
            int each = 25;
            AtomicInteger ok = new AtomicInteger();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threadsN; t++) {
                all.add(threads.submit(() -> {
                    await(go);
                    for (int i = 0; i < each; i++) {
                        try {
                            depot.inTransaction(Retry.onConflict(1000).withMaxBackoff(Duration.ofMillis(5)), tx -> {
                                Records<String, Acct> a = tx.records(ACCTS);
                                Acct c = a.get("counter").orElseThrow();
                                a.update(acct("counter", c.balance() + 1));
                            });
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            all.forEach(IsolationProbeTest::get);
            assertThat(failures).as(db).isEmpty();
            assertThat(balance(r, "counter")).isEqualTo(ok.get());
            assertThat(r.getVersioned("counter").orElseThrow().version()).isEqualTo(ok.get() + 1L);
        });
    }

    // ---- memory and SQL must agree on what counts as "written since the snapshot" ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aKeyInsertedAndDeletedByOthersSinceTheSnapshot(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Map<String, String> outcome = new LinkedHashMap<>();
            // absent at the snapshot, inserted and deleted by others, then inserted here
            Tx t1 = begin(depot);
            t1.run(a -> a.exists("n"));
            r.insert(acct("n", 1));
            r.delete("n");
            t1.run(a -> a.insert(acct("n", 2)));
            outcome.put("insert after insert+delete", name(t1.commit()));
            // present at the snapshot, deleted and re-inserted by others, then updated here
            Tx t2 = begin(depot);
            t2.run(a -> a.exists("x"));
            r.delete("x");
            r.insert(acct("x", 5));
            t2.run(a -> a.update(acct("x", 6)));
            outcome.put("update after delete+insert", name(t2.commit()));
            // present at the snapshot, the collection cleared by others, then updated here
            Tx t3 = begin(depot);
            t3.run(a -> a.exists("y"));
            r.clear();
            t3.run(a -> a.update(acct("y", 7)));
            outcome.put("update after clear", name(t3.commit()));
            outcome.put("y after", r.getVersioned("y").map(v -> v.version() + ":" + v.value().balance()).orElse("absent"));
            assertThat(outcome).as(db).containsExactly(
                    Map.entry("insert after insert+delete", "committed"),
                    Map.entry("update after delete+insert", "ConflictException"),
                    Map.entry("update after clear", "ConflictException"),
                    Map.entry("y after", "absent"));
        });
    }

    /**
     * A key absent at the snapshot and absent at commit, inserted and deleted by others in between:
     * the SQL backends keep no row for a deleted key, so they cannot see that it was written and
     * commit. Memory must decide the same way, and not depend on whether some unrelated reader
     * still holds the deleted version open.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aKeyInsertedAndDeletedByOthersWhileAReaderHoldsItDoesNotConflict(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx t1 = begin(depot);
            t1.run(a -> a.exists("n"));
            r.insert(acct("n", 1));
            Tx reader = begin(depot);
            assertThat((Object) reader.run(a -> a.exists("n"))).isEqualTo(true);
            r.delete("n");
            t1.run(a -> a.insert(acct("n", 2)));
            assertThat(name(t1.commit())).as(db).isEqualTo("committed");
            assertThat((Object) reader.run(a -> balance(a, "n"))).isEqualTo(1L);
            assertThat(reader.commit()).isNull();
            assertThat(r.getVersioned("n").map(v -> v.version() + ":" + v.value().balance())).contains("1:2");
            // The same with a delete of the absent key: nothing to conflict with, everywhere.
            Tx t2 = begin(depot);
            t2.run(a -> a.exists("m"));
            r.insert(acct("m", 1));
            Tx reader2 = begin(depot);
            reader2.run(a -> a.exists("m"));
            r.delete("m");
            assertThat((Object) t2.run(a -> a.delete("m"))).isEqualTo(false);
            assertThat(name(t2.commit())).isEqualTo("committed");
            assertThat(reader2.commit()).isNull();
        });
    }

    record Note(String id, String tag) {}

    static final Schema<String, Note> NOTES = Schema.of("notes_late", String.class, Note.class).key(Note::id)
            .index("tag", String.class, Note::tag)
            .build();

    /**
     * A collection first declared after a transaction took its snapshot (by that transaction or by
     * anyone else) reads as empty in it and takes its writes: InnoDB refuses a consistent read of a
     * table created after the read view (ER_TABLE_DEF_CHANGED) unless the backend deals with it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aCollectionCreatedAfterTheSnapshotIsEmptyAndWritableInIt(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            List<String> seen = new ArrayList<>();
            depot.inTransaction(tx -> {
                tx.records(ACCTS).count();
                Records<String, Note> n = tx.records(NOTES);
                seen.add(n.count() + " " + n.get("a").isPresent() + " " + n.query().where(Q.field("tag").eq("t")).list());
                n.insert(new Note("a", "t"));
                seen.add(n.count() + " " + n.get("a").map(Note::tag).orElse("-"));
            });
            assertThat(seen).as(db).containsExactly("0 false []", "1 t");
            assertThat(depot.records(NOTES).get("a")).contains(new Note("a", "t"));
            depot.records(NOTES).clear();

            // Created by someone else while the transaction is open.
            Schema<String, Note> later = Schema.of("notes_later", String.class, Note.class).key(Note::id)
                    .index("tag", String.class, Note::tag).build();
            Tx t1 = begin(depot);
            t1.run(a -> a.count());
            depot.records(later).insert(new Note("b", "u"));
            String t1Seen = stepOn(t1, tx -> tx.records(later).count() + " " + tx.records(later).exists("b"));
            assertThat(t1Seen).as(db).isEqualTo("0 false");
            assertThat(name(t1.commit())).isEqualTo("committed");
            Tx t2 = begin(depot);
            t2.run(a -> a.count());
            Schema<String, Note> latest = Schema.of("notes_latest", String.class, Note.class).key(Note::id)
                    .index("tag", String.class, Note::tag).build();
            depot.records(latest).insert(new Note("c", "v"));
            String t2Seen = stepOn(t2, tx -> {
                Records<String, Note> n = tx.records(latest);
                String before = n.count() + " " + n.get("c").isPresent();
                n.save(new Note("d", "w"));
                return before + " " + n.count();
            });
            assertThat(t2Seen).as(db).isEqualTo("0 false 1");
            assertThat(name(t2.commit())).isEqualTo("committed");
            assertThat(depot.records(latest).count()).isEqualTo(2);
            depot.records(latest).clear();
            depot.records(later).clear();
        });
    }

    /**
     * The same with the table created by another process (a second depot on the database): a
     * snapshot older than the table reads the collection as empty (PostgreSQL) or the transaction
     * fails with a retryable {@link ConflictException}; under {@code Retry.onConflict} it then
     * succeeds on a fresh snapshot, on every backend, never with another exception.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCollectionAnotherProcessCreatedAfterTheSnapshotIsEmptyOrARetryableConflict(String db, TestDatabases.UrlSource opener) {
        String url = ReadableSchemaTest.url(opener, PREFIX);
        try (Depot a = Depot.open(url); Depot b = Depot.open(url)) {
            try {
                a.records(ACCTS).save(acct("x", 10));
                Schema<String, Note> remote = Schema.of("notes_remote", String.class, Note.class).key(Note::id)
                        .index("tag", String.class, Note::tag).build();
                AtomicInteger attempts = new AtomicInteger();
                String seen = a.transact(Retry.onConflict(3), tx -> {
                    tx.records(ACCTS).count();
                    if (attempts.incrementAndGet() == 1) {
                        b.records(remote).insert(new Note("r", "t"));
                    }
                    Records<String, Note> n = tx.records(remote);
                    return n.count() + " " + n.exists("r");
                });
                if (db.startsWith("h2")) {
                    // H2's snapshot covers only the tables that existed when it began (a table created
                    // later showed the other depot's later commits): the JVM-wide gate notes creations,
                    // so the older snapshot reads the table as empty, as PostgreSQL's does.
                    assertThat(seen + " " + attempts.get()).as(db).isEqualTo("0 false 1");
                } else {
                    assertThat(seen).as(db).isIn("0 false", "1 true");
                    assertThat(seen.equals("0 false") ? attempts.get() : attempts.get() - 1).as(db + " " + seen).isEqualTo(1);
                }
                b.records(remote).clear();
            } finally {
                a.clear();
            }
        }
    }

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File),
                Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite),
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX)),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX)));
    }

    /** Runs {@code scenario} on memory and on {@code opener}'s backend; the transcripts must be equal. */
    private void differential(String db, TestDatabases.UrlSource opener, Function<Depot, List<String>> scenario) {
        List<String> memory;
        try (Depot depot = Depot.open("memory:")) {
            memory = scenario.apply(depot);
        }
        List<String> other = new ArrayList<>();
        with(opener, depot -> other.addAll(scenario.apply(depot)));
        System.out.println("TRANSCRIPT " + db + " " + other);
        assertThat(other).as(db).isEqualTo(memory);
    }

    /** clear() inside a transaction racing inserts, updates and deletes of other transactions. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void clearInATransactionRacingOtherWriters(String db, TestDatabases.UrlSource opener) {
        differential(db, opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            seedXY(r);
            Tx t1 = begin(depot);
            t1.run(a -> a.count());
            r.insert(acct("k", 1));
            log.add("clear, then count in tx", () -> t1.run(a -> {
                a.clear();
                return a.count() + " " + a.exists("k") + " " + a.exists("x");
            }));
            log.add("commit clear after a concurrent insert", () -> name(t1.commit()));
            log.add("after", () -> r.query().list().stream().map(Acct::id).toList());
            seedXY(r);
            Tx t2 = begin(depot);
            t2.run(a -> a.count());
            r.update(acct("x", 99));
            t2.run(a -> {
                a.clear();
                return null;
            });
            log.add("commit clear after a concurrent update", () -> name(t2.commit()));
            log.add("after 2", () -> r.query().list().stream().map(v -> v.id() + v.balance()).toList());
            Tx t3 = begin(depot);
            t3.run(a -> a.count());
            r.delete("y");
            t3.run(a -> {
                a.clear();
                return null;
            });
            log.add("commit clear after a concurrent delete", () -> name(t3.commit()));
            log.add("after 3", () -> r.query().list().stream().map(v -> v.id() + v.balance()).toList());
            r.clear();
            return log.lines;
        });
    }

    /**
     * The snapshot is taken at the transaction's first operation. One that reads nothing stored (no
     * keys, a contradiction) may leave it to the next read on the SQL backends (PostgreSQL, H2 and
     * SQLite send no statement for getAll of no keys; MariaDB opens no read view for a query its
     * optimizer finds impossible), which no answer can tell from a later start: reported, and
     * allowed here as either. Any operation that reads a row takes it, on every backend.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void theSnapshotIsTakenAtTheFirstOperationThatReads(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Map<String, Function<Records<String, Acct>, Object>> firsts = new LinkedHashMap<>();
            firsts.put("getAll of no keys", a -> a.getAll(List.of()));
            firsts.put("contradiction list", a -> a.query().where(Q.field("balance").gt(5)).where(Q.field("balance").lt(3)).list());
            firsts.put("contradiction count", a -> a.query().where(Q.field("balance").gt(5)).where(Q.field("balance").lt(3)).count());
            firsts.put("empty between", a -> a.query().where(Q.field("balance").between(9, 1)).page().items());
            firsts.put("contradiction stream", a -> a.query().where(Q.field("owner").eq("a")).where(Q.field("owner").eq("b")).stream().count());
            firsts.put("failed update", a -> {
                try {
                    return a.update(acct("nope", 1));
                } catch (RuntimeException e) {
                    return e.getClass().getSimpleName();
                }
            });
            firsts.put("get of an absent key", a -> a.get("nope"));
            firsts.put("count of nothing", a -> a.query().where(Q.field("owner").eq("nobody")).count());
            firsts.put("getAll of absent keys", a -> a.getAll(List.of("n1", "n2")));
            firsts.put("exists", a -> a.exists("x"));
            long before = 10;
            for (Map.Entry<String, Function<Records<String, Acct>, Object>> f : firsts.entrySet()) {
                Tx t = begin(depot);
                t.run(a -> f.getValue().apply(a));
                long after = before + 1;
                r.update(acct("x", after));
                long seen = t.run(a -> balance(a, "x"));
                assertThat(t.commit()).isNull();
                boolean readsNothing = f.getKey().startsWith("getAll of no") || f.getKey().contains("contradiction") || f.getKey().startsWith("empty");
                if (readsNothing) {
                    assertThat(seen).as(db + " " + f.getKey()).isIn(before, after);
                    if (seen != before) {
                        System.out.println("SNAPSHOT-LATE " + db + " " + f.getKey());
                    }
                } else {
                    assertThat(seen).as(db + " " + f.getKey()).isEqualTo(before);
                }
                before = after;
            }
        });
    }

    /**
     * A stream is read lazily in batches of 256. Inside a transaction every batch comes from its
     * snapshot; outside one each batch is its own read, and a row nobody wrote is still met exactly
     * once (keyset continuation), whatever others commit between batches.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aLazyStreamWhileOthersWriteBetweenBatches(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            List<Acct> seed = new ArrayList<>();
            for (int i = 0; i < 900; i++) {
                seed.add(acct(String.format("s%03d", i), i % 11));
            }
            r.saveAll(seed);
            Tx t1 = begin(depot);
            List<String> snapshot = t1.run(a -> a.query().orderBy("balance").list().stream().map(Acct::id).toList());
            List<String> inTx = t1.run(a -> {
                List<String> out = new ArrayList<>();
                java.util.Iterator<Acct> it = a.query().orderBy("balance").stream().iterator();
                int n = 0;
                while (it.hasNext()) {
                    out.add(it.next().id());
                    if (++n % 200 == 0) {
                        int round = n;
                        // Another thread commits while this stream is half read.
                        get(threads.submit(() -> depot.inTransaction(tx -> {
                            Records<String, Acct> o = tx.records(ACCTS);
                            o.delete(String.format("s%03d", round % 900));
                            o.update(acct(String.format("s%03d", (round + 1) % 900), 0));
                            o.insert(acct("new" + round, 0));
                        })));
                    }
                }
                return out;
            });
            assertThat(inTx).as(db).isEqualTo(snapshot);
            assertThat(t1.commit()).isNull();

            Set<String> touched = new HashSet<>();
            List<String> outside = new ArrayList<>();
            java.util.Iterator<Acct> it = r.query().orderBy("balance").stream().iterator();
            int n = 0;
            while (it.hasNext()) {
                outside.add(it.next().id());
                if (++n % 150 == 0) {
                    String gone = String.format("s%03d", (n * 7) % 900);
                    String moved = String.format("s%03d", (n * 13 + 5) % 900);
                    touched.add(gone);
                    touched.add(moved);
                    r.delete(gone);
                    r.get(moved).ifPresent(v -> r.update(acct(moved, (v.balance() + 5) % 11)));
                    r.insert(acct("late" + n, n % 11));
                }
            }
            Set<String> expected = new HashSet<>(snapshot);
            expected.removeAll(touched);
            expected.removeIf(k -> !k.startsWith("s"));
            List<String> untouchedSeen = outside.stream().filter(expected::contains).toList();
            assertThat(untouchedSeen).as(db).doesNotHaveDuplicates();
            assertThat(new HashSet<>(untouchedSeen)).as(db).isEqualTo(r.query().list().stream().map(Acct::id)
                    .filter(expected::contains).collect(Collectors.toSet()));
        });
    }

    /**
     * Outside a transaction a write never throws {@link ConflictException}: many threads saving,
     * updating, deleting and batch-saving overlapping keys (batches in opposite key orders, inserts
     * of new keys among them) all complete, and each key ends at the version its writes add up to.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void autoCommitWritesUnderContentionNeverConflict(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, RecordsProbeTest.Item> r = depot.records(RecordsProbeTest.ITEMS);
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            AtomicInteger increments = new AtomicInteger();
            r.save(new RecordsProbeTest.Item("hot", "n", 0L, null));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int me = t;
                all.add(threads.submit(() -> {
                    await(go);
                    for (int i = 0; i < 30; i++) {
                        try {
                            List<RecordsProbeTest.Item> batch = new ArrayList<>();
                            for (int k = 0; k < 6; k++) {
                                int key = me % 2 == 0 ? k : 5 - k;
                                batch.add(new RecordsProbeTest.Item("b" + key + "_" + (i % 3), "t" + me, (long) i, null));
                            }
                            r.saveAll(batch);
                            r.save(new RecordsProbeTest.Item("s" + (i % 4), "t" + me, (long) i, null));
                            r.delete("s" + ((i + me) % 4));
                            while (true) {
                                var v = r.getVersioned("hot").orElseThrow();
                                try {
                                    r.update(new RecordsProbeTest.Item("hot", "n", v.value().score() + 1, null), v.version());
                                    increments.incrementAndGet();
                                    break;
                                } catch (dev.depot.VersionConflictException lost) {
                                    // someone else incremented first: read again
                                }
                            }
                        } catch (RuntimeException e) {
                            failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            all.forEach(IsolationProbeTest::get);
            assertThat(failures).as(db).isEmpty();
            var hot = r.getVersioned("hot").orElseThrow();
            assertThat(hot.value().score()).isEqualTo(increments.get());
            assertThat(hot.version()).isEqualTo(increments.get() + 1L);
        });
    }

    static Stream<Arguments> parallelWriters() {
        return TestDatabases.all(PREFIX).filter(a -> !a.get()[0].equals("sqlite"));
    }

    /**
     * One commit held inside its data transaction (rows written, not committed) while others read and
     * write: readers see none of it (no dirty or intermediate read), a transaction whose snapshot is
     * older and that wrote the same key loses with {@link ConflictException}, one that gave the same
     * unique value to another key gets {@link UniqueConstraintException}, an auto-commit insert of
     * the same key gets {@link dev.depot.AlreadyExistsException} (never a conflict).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("parallelWriters")
    void aCommitHeldMidwayIsInvisibleAndItsRivalsLoseCleanly(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            seedXY(r);
            Tx rival = begin(depot);
            rival.run(a -> a.count());
            rival.run(a -> a.update(acct("x", 77)));
            rival.run(a -> a.insert(new Acct("b", 1, "o", "e@")));
            Tx reader = begin(depot);
            reader.run(a -> a.count());
            List<String> seen = new ArrayList<>();
            List<Future<String>> racers = new ArrayList<>();
            new JdbcFixture.ProbeHold().holdNext("x", () -> {
                // Held: x, y and a are written in the open data transaction.
                seen.add(elsewhere(() -> depot.transact(tx -> {
                    Records<String, Acct> a = tx.records(ACCTS);
                    return balance(a, "x") + " " + balance(a, "y") + " " + a.exists("a") + " "
                            + a.query().where(Q.field("email").eq("e@")).count();
                })));
                seen.add(elsewhere(() -> reader.run(a -> balance(a, "x") + " " + a.exists("a"))));
                seen.add(elsewhere(() -> balance(r, "x") + " " + r.exists("a")));
                racers.add(threads.submit(() -> name(rival.commit())));
                racers.add(threads.submit(() -> {
                    try {
                        r.insert(new Acct("a", 5, "o", null));
                        return "inserted";
                    } catch (RuntimeException e) {
                        return e.getClass().getSimpleName();
                    }
                }));
            });
            depot.inTransaction(tx -> {
                Records<String, Acct> a = tx.records(ACCTS);
                a.update(acct("x", 11));
                a.update(acct("y", 21));
                a.insert(new Acct("a", 1, "o", "e@"));
            });
            assertThat(seen).as(db).containsExactly("10 20 false 0", "10 false", "10 false");
            assertThat(racers.stream().map(IsolationProbeTest::get).toList()).as(db)
                    .containsExactly("ConflictException", "AlreadyExistsException");
            assertThat((Object) reader.run(a -> balance(a, "x") + " " + balance(a, "y") + " " + a.exists("a")))
                    .isEqualTo("10 20 false");
            assertThat(reader.commit()).isNull();
            assertThat(r.query().orderBy("balance").list().stream().map(v -> v.id() + v.balance()).toList())
                    .containsExactly("a1", "x11", "y21");

            // The same unique value for another key, decided while the holder is in flight.
            Tx claimer = begin(depot);
            claimer.run(a -> a.count());
            claimer.run(a -> a.insert(new Acct("c", 1, "o", "f@")));
            List<Future<String>> claim = new ArrayList<>();
            new JdbcFixture.ProbeHold().holdNext("d", () -> claim.add(threads.submit(() -> name(claimer.commit()))));
            r.insert(new Acct("d", 1, "o", "f@"));
            assertThat(get(claim.get(0))).as(db).isEqualTo("UniqueConstraintException");
            assertThat(r.query().where(Q.field("email").eq("f@")).list()).extracting(Acct::id).containsExactly("d");
        });
    }

    /** A conflict on one collection undoes the transaction's writes to every other collection too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aConflictInOneCollectionAppliesNothingInAnother(String db, TestDatabases.UrlSource opener) {
        with(opener, depot -> {
            Records<String, Acct> r = depot.records(ACCTS);
            Records<String, RecordsProbeTest.Item> items = depot.records(RecordsProbeTest.ITEMS);
            seedXY(r);
            items.save(new RecordsProbeTest.Item("i", "before", 1L, null));
            long seq = depot.changes().lastSequence();
            Tx t1 = begin(depot);
            t1.runTx(tx -> {
                tx.records(RecordsProbeTest.ITEMS).update(new RecordsProbeTest.Item("i", "t1", 2L, null));
                tx.records(RecordsProbeTest.ITEMS).insert(new RecordsProbeTest.Item("j", "t1", 3L, null));
                return tx.records(ACCTS).update(acct("y", 0));
            });
            r.update(acct("y", 5));
            assertThat(t1.commit()).isInstanceOf(ConflictException.class);
            assertThat(items.get("i").orElseThrow().name()).isEqualTo("before");
            assertThat(items.exists("j")).isFalse();
            assertThat(depot.changes().since(seq).stream().map(e -> e.collection() + "/" + e.key()).toList()).containsExactly("accts/y");
        });
    }

    private <T> T elsewhere(java.util.concurrent.Callable<T> task) {
        return get(threads.submit(task));
    }

    /** Runs a step that needs the transaction itself (another collection) inside {@code t}. */
    private static <T> T stepOn(Tx t, Function<Transaction, T> work) {
        return t.runTx(work);
    }

    private static <V> dev.depot.Query<V> after(dev.depot.Query<V> q, String cursor) {
        return cursor == null ? q : q.after(cursor);
    }

    private static String name(RuntimeException e) {
        return e == null ? "committed" : e.getClass().getSimpleName();
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not reached");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static <T> T get(Future<T> f) {
        try {
            return f.get(GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }
}
