package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Attempt;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.WorkQueue;
import dev.depot.testing.DepotTest;
import dev.depot.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential probes of work queues inside transactions (records and {@code tx.queue} together) and
 * of queue time semantics under a {@link TestClock}: each scenario runs on memory and on one database
 * with a clock of its own starting at {@link #START}, writing a transcript of every answer (values, or
 * exception class and message); the transcripts must be equal. Item ids are shown as {@code #n} (in
 * the order a run first sees them) unless a scenario prints them raw on purpose.
 *
 * <p>The divergences these probes found are fixed and the scenarios kept as regression tests; the
 * ids of transactional produces and a clock set back are probed in {@link QueueProbe2Test}.
 */
class QueueTxProbeTest {
    private static final String PREFIX = "qtxp_";
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("qtx_notes", String.class, Note.class).key(Note::id).build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    interface Scenario {
        void run(Depot depot, TestClock clock, Log log) throws Exception;
    }

    interface Call {
        Object call() throws Exception;
    }

    /** A transcript: every answer, or the exception's class and message; ids named in order of appearance. */
    static final class Log {
        final List<String> lines = new ArrayList<>();
        final Map<String, String> names = new HashMap<>();

        void add(String what, Call call) {
            try {
                lines.add(what + " -> " + call.call());
            } catch (Exception e) {
                lines.add(what + " -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        String id(String raw) {
            return names.computeIfAbsent(raw, r -> "#" + names.size());
        }

        String stats(QueueStats s) {
            return "ready=" + s.ready() + " leased=" + s.leased() + " scheduled=" + s.scheduled() + " dead=" + s.dead()
                    + " age=" + s.oldestReadyAge();
        }

        String lease(Lease l) {
            return "L[" + id(l.id()) + " " + l.payloadText() + " attempt=" + l.attempt() + " leased=" + t(l.leasedAt()) + " expires="
                    + t(l.expiresAt()) + " history=" + history(l.history()) + "]";
        }

        String leases(List<Lease> ls) {
            return ls.stream().map(this::lease).toList().toString();
        }

        String item(QueueItem i) {
            return "I[" + id(i.id()) + " " + i.state() + " " + new String(i.payload(), StandardCharsets.UTF_8) + " attempts=" + i.attempts()
                    + " produced=" + t(i.producedAt()) + " ready=" + t(i.readyAt()) + " expires=" + t(i.expiresAt()) + " leaseEnds="
                    + t(i.leaseExpiresAt()) + " dead=" + i.deadReason() + " from=" + i.deadFrom() + " history=" + history(i.history()) + "]";
        }

        String items(WorkQueue q) {
            return q.list(null, 100, null).items().stream().map(this::item).toList().toString();
        }
    }

    static String t(Instant i) {
        return i == null ? "-" : Duration.between(START, i).toString();
    }

    static String history(List<Attempt> h) {
        return h.stream().map(a -> a.number() + ":" + a.outcome() + "@" + t(a.endedAt()) + "(" + a.reason() + ")").toList().toString();
    }

    static List<String> payloads(List<Lease> ls) {
        return ls.stream().map(Lease::payloadText).toList();
    }

    static List<String> listed(WorkQueue q) {
        return q.list(null, 100, null).items().stream().map(i -> new String(i.payload(), StandardCharsets.UTF_8)).toList();
    }

    /** Runs {@code scenario} on memory and on the database, each with a fresh clock at START, and compares the transcripts. */
    static void compare(String db, TestDatabases.UrlSource opener, Scenario scenario) throws Exception {
        compare(PREFIX, db, opener, scenario);
    }

    /** As {@link #compare(String, TestDatabases.UrlSource, Scenario)}, with the database's tables under {@code prefix}. */
    static void compare(String prefix, String db, TestDatabases.UrlSource opener, Scenario scenario) throws Exception {
        List<String> memory;
        TestClock memClock = new TestClock(START);
        try (Depot depot = Depot.open("memory:", DepotOptions.defaults().clock(memClock))) {
            Log log = new Log();
            scenario.run(depot, memClock, log);
            memory = log.lines;
        }
        List<String> sql;
        TestClock sqlClock = new TestClock(START);
        try (Depot depot = Depot.open(ReadableSchemaTest.url(opener, prefix), DepotOptions.defaults().clock(sqlClock))) {
            try {
                Log log = new Log();
                scenario.run(depot, sqlClock, log);
                sql = log.lines;
            } finally {
                depot.clear();
            }
        }
        System.out.println("---- " + db);
        for (int i = 0; i < Math.max(memory.size(), sql.size()); i++) {
            String m = i < memory.size() ? memory.get(i) : "<none>";
            String s = i < sql.size() ? sql.get(i) : "<none>";
            System.out.println((m.equals(s) ? "SAME " : "DIFF memory: ") + m);
            if (!m.equals(s)) {
                System.out.println("DIFF " + db + ": " + s);
            }
        }
        assertThat(sql).as("transcript on %s (actual) vs memory (expected)", db).isEqualTo(memory);
    }

    // ======================================================================================
    // 1. Transactions mixing records and queues
    // ======================================================================================

    /**
     * A transaction whose record lost a race and whose lease went stale fails the same way on every
     * backend: the lease is checked first (queues before records, as memory locks them), so it is
     * a LeaseExpiredException and Retry.onConflict does not run the callback again. SQL once checked
     * the record first: ConflictException, and with a retry the callback ran twice.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aStaleLeaseAndARecordConflictTogetherFailAsAStaleLease(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            Records<String, Note> notes = depot.records(NOTES);
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            for (int retries : new int[] {0, 3}) {
                Retry retry = retries == 0 ? Retry.never() : Retry.onConflict(retries);
                notes.save(new Note("n", "v0"));
                q.produce(Message.of("a"));
                Lease lease = q.lease(1, Duration.ZERO).get(0);
                AtomicInteger runs = new AtomicInteger();
                log.add("commit retrying " + retries + " times", () -> depot.transact(retry, tx -> {
                    runs.incrementAndGet();
                    Records<String, Note> r = tx.records(NOTES);
                    r.get("n");
                    if (runs.get() == 1) {
                        CompletableFuture.runAsync(() -> notes.save(new Note("n", "other"))).join();
                        clock.advance(Duration.ofMinutes(1)); // the lease has expired by the commit
                    }
                    r.save(new Note("n", "mine"));
                    tx.queue("jobs").complete(lease);
                    return "committed";
                }));
                log.add("callback runs", runs::get);
                log.add("note", () -> notes.get("n").map(Note::text));
                q.clear();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void rollbackOnExceptionOrRollbackOnlyUndoesRecordsAndQueueOps(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            q.produce(Message.of("a"));
            Lease l = q.lease(1, Duration.ZERO).getFirst();
            log.add("leased", () -> log.lease(l));
            log.add("throwing tx", () -> depot.transact(tx -> {
                tx.records(NOTES).save(new Note("n1", "x"));
                tx.queue("jobs").produce(Message.of("b"));
                tx.queue("jobs").complete(l);
                throw new IllegalStateException("boom");
            }));
            log.add("notes", () -> depot.records(NOTES).count());
            log.add("stats", () -> log.stats(q.stats()));
            log.add("rollback-only tx", () -> depot.transact(tx -> {
                tx.records(NOTES).save(new Note("n1", "x"));
                tx.queue("jobs").produce(Message.of("b"));
                tx.queue("jobs").deadLetter(l, "why");
                tx.setRollbackOnly();
                return "value " + tx.isRollbackOnly();
            }));
            log.add("rollback-only retried?", () -> {
                AtomicInteger runs = new AtomicInteger();
                depot.transact(Retry.onConflict(3), tx -> {
                    runs.incrementAndGet();
                    tx.queue("jobs").produce(Message.of("c"));
                    tx.setRollbackOnly();
                    return null;
                });
                return runs.get();
            });
            log.add("notes", () -> depot.records(NOTES).count());
            log.add("feed", () -> depot.changes().since(0).size());
            log.add("stats", () -> log.stats(q.stats()));
            log.add("items", () -> log.items(q));
            log.add("lease still current: complete outside", () -> {
                q.complete(l);
                return "ok";
            });
            log.add("stats", () -> log.stats(q.stats()));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void dedupKeysOfRolledBackTransactionsDoNotBlockAndTxDedupFollowsOperationOrder(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs");
            log.add("rollback-only produce k", () -> depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of("a").dedupKey("k"));
                tx.setRollbackOnly();
                return "rb";
            }));
            log.add("throwing produce k", () -> depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of("a2").dedupKey("k"));
                throw new IllegalStateException("boom");
            }));
            log.add("produce k outside", () -> log.id(q.produce(Message.of("b").dedupKey("k"))));
            log.add("tx produce k again (dedup)", () -> {
                depot.inTransaction(tx -> tx.queue("jobs").produce(Message.of("c").dedupKey("k")));
                return "ok";
            });
            log.add("tx produce k2 twice", () -> {
                depot.inTransaction(tx -> {
                    tx.queue("jobs").produce(Message.of("d").dedupKey("k2"));
                    tx.queue("jobs").produce(List.of(Message.of("e").dedupKey("k2"), Message.of("f").dedupKey("k3")));
                });
                return "ok";
            });
            log.add("items", () -> log.items(q));
            List<Lease> ls = q.lease(10, Duration.ZERO);
            log.add("leased", () -> log.leases(ls));
            Lease lb = ls.stream().filter(x -> "k".equals(x.dedupKey())).findFirst().orElseThrow();
            Lease ld = ls.stream().filter(x -> "k2".equals(x.dedupKey())).findFirst().orElseThrow();
            log.add("tx: produce k then complete its holder", () -> {
                depot.inTransaction(tx -> {
                    tx.queue("jobs").produce(Message.of("g").dedupKey("k"));
                    tx.queue("jobs").complete(lb);
                });
                return "ok";
            });
            log.add("tx: complete holder of k2 then produce k2", () -> {
                depot.inTransaction(tx -> {
                    tx.queue("jobs").complete(ld);
                    tx.queue("jobs").produce(Message.of("h").dedupKey("k2"));
                });
                return "ok";
            });
            log.add("items", () -> log.items(q));
            log.add("stats", () -> log.stats(q.stats()));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void producedItemsAreInvisibleUntilCommitAndStatsInsideSeeOnlyCommittedState(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs");
            q.produce(Message.of("old"));
            Lease old = q.lease(1, Duration.ZERO).getFirst();
            log.add("tx", () -> depot.transact(tx -> {
                List<String> seen = new ArrayList<>();
                tx.records(NOTES).save(new Note("n1", "x"));
                tx.queue("jobs").produce(Message.of("a"));
                tx.queue("jobs").complete(old);
                seen.add("stats " + log.stats(q.stats()));
                seen.add("lease " + q.lease(10, Duration.ZERO).size());
                seen.add("list " + listed(q));
                seen.add("inspect old " + q.inspect(old.id()).map(i -> i.state()).orElse(null));
                seen.add("notes outside " + depot.records(NOTES).count());
                seen.add("notes inside " + tx.records(NOTES).count());
                return seen;
            }));
            log.add("stats after", () -> log.stats(q.stats()));
            log.add("drain", () -> payloads(q.lease(10, Duration.ZERO)));
            // A consumer waiting in lease is woken by a transaction's commit.
            log.add("waiting consumer", () -> {
                CompletableFuture<List<Lease>> consumer = CompletableFuture.supplyAsync(() -> q.lease(1, Duration.ofSeconds(20)));
                RecordsFeedProbeTest.await(() -> q.stats().waitingConsumers() > 0, 5000);
                long t0 = System.nanoTime();
                depot.inTransaction(tx -> {
                    tx.records(NOTES).save(new Note("n2", "y"));
                    tx.queue("jobs").produce(Message.of("woken"));
                });
                List<Lease> got = consumer.get(30, TimeUnit.SECONDS);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                return payloads(got) + " within 2s: " + (ms < 2000);
            });
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRecordConflictAppliesNoQueueOperation(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            Records<String, Note> notes = depot.records(NOTES);
            notes.save(new Note("n", "v0"));
            WorkQueue q = depot.queue("jobs");
            q.produce(Message.of("a"));
            Lease l = q.lease(1, Duration.ZERO).getFirst();
            log.add("conflicting tx", () -> depot.transact(tx -> {
                Records<String, Note> r = tx.records(NOTES);
                r.get("n");
                r.save(new Note("n", "tx"));
                tx.queue("jobs").produce(Message.of("b").dedupKey("kb"));
                tx.queue("jobs").complete(l);
                notes.save(new Note("n", "outside")); // committed after the snapshot: first committer wins
                return "returned";
            }));
            log.add("note", () -> notes.get("n").map(Note::text).orElse(null));
            log.add("stats", () -> log.stats(q.stats()));
            log.add("items", () -> log.items(q));
            log.add("produce kb outside (not blocked)", () -> log.id(q.produce(Message.of("b2").dedupKey("kb"))));
            log.add("lease still current", () -> {
                q.complete(l);
                return "completed";
            });
            log.add("stats", () -> log.stats(q.stats()));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void retryOnConflictProducesAndSettlesOnce(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            Records<String, Note> notes = depot.records(NOTES);
            notes.save(new Note("n", "v0"));
            WorkQueue q = depot.queue("jobs");
            q.produce(Message.of("a"));
            Lease l = q.lease(1, Duration.ZERO).getFirst();
            AtomicInteger runs = new AtomicInteger();
            log.add("retried tx", () -> depot.transact(Retry.onConflict(3).withMaxBackoff(Duration.ZERO), tx -> {
                int run = runs.incrementAndGet();
                Records<String, Note> r = tx.records(NOTES);
                r.get("n");
                r.save(new Note("n", "tx" + run));
                tx.queue("jobs").produce(Message.of("p" + run));
                tx.queue("jobs").produce(Message.of("d" + run).dedupKey("dk"));
                tx.queue("jobs").complete(l);
                if (run == 1) {
                    notes.save(new Note("n", "outside"));
                }
                return "run " + run;
            }));
            log.add("runs", runs::get);
            log.add("note", () -> notes.get("n").map(Note::text).orElse(null));
            log.add("items", () -> log.items(q));
            log.add("stats", () -> log.stats(q.stats()));
            log.add("feed", () -> depot.changes().since(0).size());
        });
    }


    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theClockMovingInsideTheCallbackDecidesAtCommit(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            q.produce(Message.of("a"));
            Lease l = q.lease(1, Duration.ZERO).getFirst();
            log.add("complete, lease ends during the callback", () -> depot.transact(tx -> {
                tx.records(NOTES).save(new Note("n1", "x"));
                tx.queue("jobs").complete(l);
                clock.advance(Duration.ofSeconds(30)); // exactly at expiresAt: ended
                return "returned";
            }));
            log.add("notes", () -> depot.records(NOTES).count());
            log.add("items", () -> log.items(q));
            Lease l2 = q.lease(1, Duration.ZERO).getFirst();
            log.add("leased again", () -> log.lease(l2));
            log.add("complete a microsecond before the end", () -> depot.transact(tx -> {
                tx.records(NOTES).save(new Note("n2", "x"));
                tx.queue("jobs").complete(l2);
                clock.advance(Duration.ofSeconds(30).minusNanos(1_000));
                return "returned";
            }));
            log.add("notes", () -> depot.records(NOTES).count());
            log.add("stats", () -> log.stats(q.stats()));
            // expireAfter and notBefore of an item produced in a transaction count from the commit.
            log.add("now", () -> t(clock.instant()));
            Instant produced = clock.instant();
            log.add("tx produce with expireAfter, clock moves 5s before commit", () -> depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of("e").expireAfter(Duration.ofSeconds(10)));
                tx.queue("jobs").produce(Message.of("s").notBefore(produced.plusSeconds(3)));
                clock.advance(Duration.ofSeconds(5));
                return "returned";
            }));
            log.add("items", () -> log.items(q));
            clock.set(produced.plusSeconds(15).minusNanos(1_000));
            log.add("just before the deadline", () -> log.stats(q.stats()));
            clock.advance(Duration.ofNanos(1_000));
            log.add("at the deadline", () -> log.stats(q.stats()));
            log.add("items", () -> log.items(q));
        });
    }

    /**
     * {@code depot.commitOutcome(tx.id())} is how a caller recovers from CommitOutcomeUnknownException.
     * A transaction that only produced or settled queue items did commit: what does the lookup say?
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void commitOutcomeOfTransactionsWithQueueOperations(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs");
            q.produce(Message.of("a"));
            Lease l = q.lease(1, Duration.ZERO).getFirst();
            String produceOnly = depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of("b"));
                return tx.id();
            });
            String completeOnly = depot.transact(tx -> {
                tx.queue("jobs").complete(l);
                return tx.id();
            });
            String withRecord = depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of("c"));
                tx.records(NOTES).save(new Note("n1", "x"));
                return tx.id();
            });
            String rolledBack = depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of("d"));
                tx.setRollbackOnly();
                return tx.id();
            });
            log.add("queue state", () -> log.stats(q.stats()));
            log.add("produce-only (committed)", () -> depot.commitOutcome(produceOnly).status());
            log.add("complete-only (committed)", () -> depot.commitOutcome(completeOnly).status());
            log.add("with a record (committed)", () -> depot.commitOutcome(withRecord).status());
            log.add("rolled back", () -> depot.commitOutcome(rolledBack).status());
        });
    }

    /** The expected answers of the scenario above, on memory (the SQL backends answer as memory does). */
    @Test
    void aCommittedQueueOnlyTransactionIsReportedCommitted() {
        try (Depot depot = Depot.open("memory:")) {
            String produceOnly = depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of("b"));
                return tx.id();
            });
            assertThat(depot.queue("jobs").stats().ready()).isEqualTo(1);
            assertThat(depot.commitOutcome(produceOnly).status()).as("the produce was applied").isEqualTo(dev.depot.CommitOutcome.Status.COMMITTED);
        }
    }

    /** A transaction that produced to a queue nobody opened yet, and rolled back: does the queue exist now? */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRolledBackTransactionLeavesNoNewQueueBehind(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            log.add("queues", () -> depot.queues().keySet());
            log.add("rollback-only", () -> depot.transact(tx -> {
                tx.queue("ghost_a").produce(Message.of("x"));
                tx.setRollbackOnly();
                return "rb";
            }));
            log.add("throwing", () -> depot.transact(tx -> {
                tx.queue("ghost_b").produce(Message.of("x"));
                throw new IllegalStateException("boom");
            }));
            log.add("queues", () -> depot.queues().keySet());
            log.add("committed", () -> {
                depot.inTransaction(tx -> tx.queue("real_c").produce(Message.of("x")));
                return "ok";
            });
            log.add("queues", () -> depot.queues().keySet());
        });
    }


    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void settlingTwiceInOneTransactionAndAStaleLeaseAtCommit(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs");
            q.produce(List.of(Message.of("a"), Message.of("b")));
            List<Lease> ls = q.lease(2, Duration.ZERO);
            Lease la = ls.get(0);
            Lease lb = ls.get(1);
            log.add("tx", () -> depot.transact(tx -> {
                List<String> seen = new ArrayList<>();
                tx.queue("jobs").complete(la);
                for (Runnable r : List.<Runnable>of(() -> tx.queue("jobs").complete(la), () -> tx.queue("jobs").deadLetter(la, "x"),
                        () -> tx.queue("jobs").retry(la, Duration.ZERO), () -> tx.queue("jobs").complete(List.of(lb, la)),
                        () -> tx.queue("other").complete(lb))) {
                    try {
                        r.run();
                        seen.add("ok");
                    } catch (RuntimeException e) {
                        seen.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
                tx.queue("jobs").retry(lb, Duration.ofSeconds(5));
                tx.records(NOTES).save(new Note("n1", "x"));
                return seen;
            }));
            log.add("stats", () -> log.stats(q.stats()));
            log.add("items", () -> log.items(q));
            clock.advance(Duration.ofSeconds(5));
            Lease lb2 = q.lease(1, Duration.ZERO).getFirst();
            log.add("leased", () -> log.lease(lb2));
            log.add("completed outside during the tx", () -> depot.transact(tx -> {
                tx.queue("jobs").complete(lb2);
                tx.records(NOTES).save(new Note("n2", "x"));
                q.complete(lb2);
                return "returned";
            }));
            log.add("notes", () -> depot.records(NOTES).count());
            log.add("stats", () -> log.stats(q.stats()));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void deadLetteringAndRetryingInsideTransactions(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue dead = depot.queue("dead");
            WorkQueue q = depot.queue("jobs", QueueOptions.defaults().deadLetter("dead"));
            WorkQueue once = depot.queue("once", QueueOptions.defaults().maxAttempts(1).deadLetter("dead"));
            q.produce(Message.of("a"));
            once.produce(Message.of("c"));
            Lease la = q.lease(1, Duration.ZERO).getFirst();
            Lease lc = once.lease(1, Duration.ZERO).getFirst();
            log.add("rolled back dead-letter", () -> depot.transact(tx -> {
                tx.queue("jobs").deadLetter(la, "bad");
                tx.queue("once").retry(lc, Duration.ZERO);
                tx.records(NOTES).save(new Note("n1", "x"));
                tx.setRollbackOnly();
                return "rb";
            }));
            log.add("jobs", () -> log.stats(q.stats()));
            log.add("once", () -> log.stats(once.stats()));
            log.add("dead", () -> log.stats(dead.stats()));
            clock.advance(Duration.ofSeconds(1));
            log.add("committed dead-letter + last-attempt retry", () -> depot.transact(tx -> {
                tx.queue("once").retry(lc, Duration.ZERO);
                tx.queue("jobs").deadLetter(la, "bad");
                tx.records(NOTES).save(new Note("n1", "x"));
                return "ok";
            }));
            log.add("jobs", () -> log.stats(q.stats()));
            log.add("once", () -> log.stats(once.stats()));
            log.add("dead", () -> log.stats(dead.stats()));
            log.add("dead items", () -> log.items(dead));
            log.add("dead lease order", () -> log.leases(dead.lease(10, Duration.ZERO)));
        });
    }

    // ======================================================================================
    // 3. Queue time semantics under a controlled clock (auto-commit)
    // ======================================================================================

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void leaseExpiryAttemptsDeathAndRetentionAtExactInstants(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(10)).maxAttempts(2)
                    .deadRetention(Duration.ofHours(1)));
            q.produce(Message.of("a").header("h", "1"));
            log.add("lease 1", () -> log.leases(q.lease(1, Duration.ZERO)));
            clock.advance(Duration.ofSeconds(10).minusNanos(1_000));
            log.add("1us before expiry", () -> q.lease(1, Duration.ZERO).size() + " " + log.stats(q.stats()));
            clock.advance(Duration.ofNanos(999)); // still inside the microsecond before expiry
            log.add("999ns later", () -> q.lease(1, Duration.ZERO).size() + " " + log.stats(q.stats()));
            clock.advance(Duration.ofNanos(1));
            log.add("at expiry", () -> log.leases(q.lease(1, Duration.ZERO)));
            clock.advance(Duration.ofSeconds(10));
            log.add("second expiry: dead", () -> log.stats(q.stats()));
            log.add("items", () -> log.items(q));
            clock.advance(Duration.ofHours(1).minusNanos(1_000));
            log.add("retention - 1us", () -> log.stats(q.stats()));
            clock.advance(Duration.ofNanos(1_000));
            log.add("retention reached", () -> log.stats(q.stats()) + " " + log.items(q));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void retryDelaysAndExpireAfterDeadlines(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue dead = depot.queue("dead");
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(5).deadLetter("dead"));
            q.produce(Message.of("e").expireAfter(Duration.ofSeconds(10)));
            q.produce(Message.of("f").expireAfter(Duration.ofSeconds(10)));
            List<Lease> ls = q.lease(2, Duration.ZERO);
            clock.advance(Duration.ofSeconds(2));
            log.add("retry e by 5s at 2s", () -> {
                q.retry(ls.get(0), Duration.ofSeconds(5));
                return log.stats(q.stats());
            });
            clock.advance(Duration.ofSeconds(5).minusNanos(1_000));
            log.add("7s - 1us", () -> q.lease(1, Duration.ZERO).size());
            clock.advance(Duration.ofNanos(1_000));
            List<Lease> again = new ArrayList<>();
            log.add("7s", () -> {
                again.addAll(q.lease(1, Duration.ZERO));
                return log.leases(again);
            });
            clock.advance(Duration.ofSeconds(1));
            log.add("retry e by 5s at 8s (past its 10s deadline)", () -> {
                q.retry(again.getFirst(), Duration.ofSeconds(5));
                return log.stats(q.stats()) + " dead queue " + log.stats(dead.stats());
            });
            log.add("dead items at 8s", () -> log.items(dead));
            log.add("retry f by 0 at 8s", () -> {
                q.retry(ls.get(1), Duration.ZERO);
                return log.stats(q.stats());
            });
            clock.set(START.plusSeconds(10).minusNanos(1_000));
            log.add("10s - 1us", () -> log.stats(q.stats()) + " dead queue " + log.stats(dead.stats()));
            clock.advance(Duration.ofNanos(1_000));
            log.add("10s", () -> log.stats(q.stats()) + " dead queue " + log.stats(dead.stats()));
            log.add("dead items", () -> log.items(dead));
            log.add("dead lease order", () -> payloads(dead.lease(10, Duration.ZERO)));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void subMicrosecondClockNotBeforeExtendAndOptionChanges(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            clock.set(START.plusNanos(500));
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofMillis(1)));
            q.produce(Message.of("a").notBefore(START.plusNanos(1_700)));
            log.add("items", () -> log.items(q));
            log.add("at 0.5us", () -> q.lease(1, Duration.ZERO).size());
            clock.set(START.plusNanos(1_000));
            List<Lease> ls = new ArrayList<>();
            log.add("at 1us", () -> {
                ls.addAll(q.lease(1, Duration.ZERO));
                return log.leases(ls);
            });
            log.add("options: timeout 1h (granted lease keeps its expiry)", () -> depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofHours(1)))
                    .options());
            clock.set(START.plusNanos(1_000 + 999_999));
            log.add("1us + 999.999us", () -> log.stats(q.stats()));
            log.add("extend by 2ms at that instant", () -> log.lease(q.extend(ls.getFirst(), Duration.ofMillis(2))));
            clock.set(START.plusNanos(1_000 + 999_999 + 2_000_000));
            log.add("at the extended end", () -> log.stats(q.stats()) + " " + log.items(q));
            log.add("leased again with the new timeout", () -> log.leases(q.lease(1, Duration.ZERO)));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void expireAfterWhileLeasedAndRetentionChanges(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).deadRetention(Duration.ofHours(1)));
            q.produce(List.of(Message.of("a").expireAfter(Duration.ofSeconds(10)), Message.of("b").expireAfter(Duration.ofSeconds(10)),
                    Message.of("c").expireAfter(Duration.ofSeconds(10))));
            List<Lease> ls = q.lease(2, Duration.ZERO);
            clock.advance(Duration.ofSeconds(20));
            log.add("past the deadline, leases current", () -> log.stats(q.stats()));
            log.add("complete a (lease still holds)", () -> {
                q.complete(ls.get(0));
                return log.stats(q.stats());
            });
            clock.advance(Duration.ofSeconds(10));
            log.add("b's lease ended after the deadline", () -> log.stats(q.stats()) + " " + log.items(q));
            clock.advance(Duration.ofMinutes(30));
            log.add("retention -> 2h", () -> depot.queue("jobs", q.options().deadRetention(Duration.ofHours(2))).options().deadRetention());
            clock.set(START.plusSeconds(10).plus(Duration.ofHours(1)));
            log.add("1h after c died", () -> log.stats(q.stats()));
            clock.set(START.plusSeconds(30).plus(Duration.ofHours(2)).minusNanos(1_000));
            log.add("2h after b died - 1us", () -> log.stats(q.stats()));
            log.add("retention -> 10m", () -> depot.queue("jobs", q.options().deadRetention(Duration.ofMinutes(10))).options().deadRetention());
            log.add("after shortening", () -> log.stats(q.stats()));
        });
    }

    /**
     * CONTRACT §7 "Time": "A consumer waiting in lease also wakes when the next scheduled item or lease
     * expiry is due by the clock." With a TestClock, things become due when the test moves the clock.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aWaitingConsumerTakesWhatTheClockMadeDueWithoutWaitingOutItsWait(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofHours(2)));
            q.produce(Message.of("later").notBefore(clock.instant().plus(Duration.ofHours(1))));
            q.produce(Message.of("held"));
            Lease held = q.lease(1, Duration.ZERO).getFirst();
            for (String what : List.of("scheduled item due", "lease expired")) {
                log.add(what, () -> {
                    CompletableFuture<List<Lease>> consumer = CompletableFuture.supplyAsync(() -> q.lease(1, Duration.ofSeconds(8)));
                    RecordsFeedProbeTest.await(() -> q.stats().waitingConsumers() > 0, 5000);
                    long t0 = System.nanoTime();
                    clock.advance(Duration.ofHours(1)); // 1h: "later" is due; 2h: "held"'s lease has ended
                    List<Lease> got = consumer.get(30, TimeUnit.SECONDS);
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    System.out.println(db + " " + what + ": taken " + ms + " ms after the clock moved");
                    return payloads(got) + " within 2s: " + (ms < 2000);
                });
            }
            log.add("stats", () -> log.stats(q.stats()) + " " + log.items(q) + " " + held.attempt());
        });
    }


    /**
     * What {@code @DepotTest} does between tests on a shared store ({@code memory:NAME}, a SQL URL with
     * {@code ddl=validate|none}): {@code depot.clear()}. Is everything gone alike, and where does the feed go on?
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void clearBetweenTestsEmptiesRecordsQueuesBlobsAndFeedAlike(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            depot.records(NOTES).save(new Note("n1", "x"));
            depot.records(NOTES).save(new Note("n2", "y"));
            depot.queue("dead");
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(5)).deadLetter("dead"));
            q.produce(List.of(Message.of("a").dedupKey("k"), Message.of("b")));
            Lease l = q.lease(1, Duration.ZERO).getFirst();
            depot.blobs("files").write("d/a.txt", dev.depot.WriteOptions.contentType("text/plain"), out -> out.write(1));
            log.add("feed before", () -> depot.changes().since(0).stream().map(e -> e.sequence()).toList());
            log.add("clear", () -> {
                depot.clear();
                return "ok";
            });
            log.add("notes", () -> depot.records(NOTES).count());
            log.add("feed", () -> depot.changes().since(0).size());
            log.add("queues", () -> depot.queues());
            log.add("jobs", () -> log.stats(q.stats()) + " " + log.items(q));
            log.add("old lease", () -> {
                q.complete(l);
                return "completed";
            });
            log.add("dedup key free", () -> log.id(q.produce(Message.of("c").dedupKey("k"))));
            log.add("blobs", () -> depot.blobs("files").list(dev.depot.ListOptions.prefix("")).items().stream().map(e -> e.path()).toList());
            log.add("next sequence", () -> {
                depot.records(NOTES).save(new Note("n3", "z"));
                return depot.changes().since(0).stream().map(e -> e.sequence() + " " + e.key()).toList();
            });
        });
    }

    // ======================================================================================
    // 2. @DepotTest pointed at a SQL database: isolation and the clock
    // ======================================================================================

    /** What the ordered tests below saw. */
    static final List<String> SEEN = new ArrayList<>();

    @Nested
    @DepotTest(url = "h2:mem:qtxprobe")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnH2 {
        @Test
        @Order(1)
        void firstTestLeavesDataQueuesBlobsAndFeed(Depot depot, TestClock clock) throws Exception {
            depot.records(NOTES).save(new Note("n", "x"));
            long first;
            try (Depot memory = Depot.open("memory:")) {
                memory.records(NOTES).save(new Note("n", "x"));
                first = memory.changes().since(0).getFirst().sequence();
            }
            // A test may assert feed positions: the same first sequence as on a fresh memory depot.
            assertThat(depot.changes().since(0).getFirst().sequence()).isEqualTo(first);
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(10)));
            q.produce(Message.of("a"));
            depot.blobs("files").write("a.txt", dev.depot.WriteOptions.contentType("text/plain"), out -> out.write(1));
            Lease l = q.lease(1, Duration.ZERO).getFirst();
            clock.advance(Duration.ofSeconds(10));
            // The injected clock drives the SQL depot's queues.
            List<Lease> again = q.lease(1, Duration.ZERO);
            assertThat(again).hasSize(1);
            assertThat(again.getFirst().attempt()).isEqualTo(2);
            assertThat(again.getFirst().leasedAt()).isEqualTo(l.leasedAt().plusSeconds(10));
            SEEN.add(depot.toString());
        }

        @Test
        @Order(2)
        void secondTestSeesNoneOfIt(Depot depot, TestClock clock) {
            assertThat(depot.records(NOTES).count()).isZero();
            assertThat(depot.queues()).isEmpty();
            assertThat(depot.queue("jobs").stats().ready() + depot.queue("jobs").stats().leased()).isZero();
            assertThat(depot.blobs("files").stat("a.txt")).isEmpty();
            assertThat(depot.changes().since(0)).isEmpty();
            assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
            SEEN.add(depot.toString());
            assertThat(SEEN).hasSize(2).doesNotHaveDuplicates(); // each test had a prefix of its own
        }
    }
}
