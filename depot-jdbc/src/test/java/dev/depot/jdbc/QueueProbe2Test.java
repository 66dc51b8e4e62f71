package dev.depot.jdbc;

import static dev.depot.jdbc.QueueTxProbeTest.START;
import static dev.depot.jdbc.QueueTxProbeTest.payloads;
import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import dev.depot.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Probes of work queue time and ordering rules, each scenario run on memory and on every SQL backend
 * with a {@link TestClock} of its own, comparing transcripts ({@link QueueTxProbeTest#compare}) and
 * asserting what the contract promises on each. Regression tests of three divergences:
 * transactional produces numbered when buffered on SQL but at commit on memory (so {@code list}
 * orders differed), a clock set back (memory leased its ready items, SQL only those ready by the
 * earlier time), and a retry delay past {@code expireAfter} (every backend killed the item at the
 * retry, where the contract says it dies at its deadline).
 */
class QueueProbe2Test {
    static final String PREFIX = "qp2_";

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    static List<String> listed(WorkQueue q) {
        return q.list(null, 100, null).items().stream().map(i -> new String(i.payload(), StandardCharsets.UTF_8)).toList();
    }

    static void compare(String db, TestDatabases.UrlSource opener, QueueTxProbeTest.Scenario scenario) throws Exception {
        QueueTxProbeTest.compare(PREFIX, db, opener, scenario);
    }

    // ---- (1) ids follow the order items are produced in: a transaction's at its commit ----

    /**
     * A transaction buffers a produce, another producer produces and commits, then the transaction
     * commits: the other producer's item was produced first, so it lists first (ids in production
     * order) and is leased first, on every backend. SQL numbered the transaction's item when it was
     * buffered and listed it first.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aTransactionsItemsAreNumberedAtCommitSoListAndLeaseOrdersAgree(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs");
            q.produce(Message.of("before"));
            depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of("tx-1"));
                q.produce(Message.of("plain")); // committed at once, before the transaction
                clock.advance(Duration.ofSeconds(1));
                tx.queue("jobs").produce(List.of(Message.of("tx-2"), Message.of("tx-3")));
                return null;
            });
            q.produce(Message.of("after"));
            List<String> expected = List.of("before", "plain", "tx-1", "tx-2", "tx-3", "after");
            List<QueueItem> items = q.list(null, 100, null).items();
            log.add("listed", () -> listed(q));
            log.add("produced at", () -> items.stream().map(i -> QueueTxProbeTest.t(i.producedAt())).toList());
            assertThat(listed(q)).isEqualTo(expected);
            List<Long> ids = items.stream().map(i -> Long.parseLong(i.id())).toList();
            assertThat(ids).isSorted();
            assertThat(items).extracting(QueueItem::producedAt).isSorted();
            // Paging with a cursor sees the same order.
            List<String> paged = new ArrayList<>();
            String cursor = null;
            do {
                var page = q.list(null, 4, cursor);
                page.items().forEach(i -> paged.add(new String(i.payload(), StandardCharsets.UTF_8)));
                cursor = page.nextCursor();
            } while (cursor != null);
            log.add("paged by 4", () -> paged);
            assertThat(paged).isEqualTo(expected);
            List<Lease> leased = q.lease(10, Duration.ZERO);
            log.add("lease order", () -> payloads(leased));
            assertThat(payloads(leased)).isEqualTo(expected);
        });
    }

    // ---- (2) queue time never goes back ----

    /**
     * A test sets its clock back: queue time stays where it was until the clock passes it, so the
     * same items are leasable, in the same order, with the same times, on every backend. Memory
     * leased its ready items whatever their time; SQL only those ready by the earlier clock.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aClockSetBackLeavesQueueTimeWhereItWas(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            q.produce(Message.of("a"));
            clock.advance(Duration.ofSeconds(10));
            q.produce(Message.of("b"));
            List<Lease> first = q.lease(1, Duration.ZERO); // a, at 10 s
            clock.set(START.plusSeconds(5)); // back by 5 s
            log.add("stats after setting back", () -> log.stats(q.stats()));
            q.retry(first.getFirst(), Duration.ZERO); // a to the tail, at queue time 10 s
            q.produce(Message.of("c").notBefore(START.plusSeconds(7))); // in the past of queue time: ready now
            q.produce(Message.of("d"));
            log.add("items", () -> log.items(q));
            List<Lease> got = q.lease(10, Duration.ZERO);
            log.add("leased", () -> log.leases(got));
            assertThat(payloads(got)).isEqualTo(List.of("b", "a", "c", "d"));
            assertThat(got).allSatisfy(l -> assertThat(l.leasedAt()).isEqualTo(START.plusSeconds(10)));
            // The clock set back further: the leases still end 30 s after queue time 10 s.
            clock.set(START);
            clock.advance(Duration.ofSeconds(39)); // before queue time's 40 s
            log.add("at clock 39 s", () -> log.stats(q.stats()));
            assertThat(q.stats().leased()).isEqualTo(4);
            clock.set(START.plusSeconds(40));
            log.add("at clock 40 s", () -> log.stats(q.stats()));
            List<Lease> again = q.lease(10, Duration.ZERO);
            log.add("leased again", () -> log.leases(again));
            assertThat(payloads(again)).isEqualTo(List.of("b", "a", "c", "d"));
        });
    }

    /** {@code depot.clear()} empties every queue: queue time then follows the clock again, also one set back. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void clearingTheDepotLetsQueueTimeFollowAClockSetBack(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            clock.advance(Duration.ofHours(5));
            q.produce(Message.of("a"));
            depot.clear();
            clock.set(START);
            q.produce(Message.of("b"));
            List<Lease> got = q.lease(1, Duration.ZERO);
            log.add("leased after clear", () -> log.leases(got));
            assertThat(got.getFirst().leasedAt()).isEqualTo(START);
            clock.advance(Duration.ofSeconds(30));
            log.add("expired 30 s later", () -> log.stats(q.stats()));
            assertThat(q.stats().ready()).isEqualTo(1);
        });
    }

    // ---- (3) a retry delay past expireAfter: the item dies at its deadline, scheduled until then ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRetryDelayPastTheDeadlineSchedulesTheItemUntilItsDeadline(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue dead = depot.queue("dead");
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).deadLetter("dead"));
            WorkQueue keep = depot.queue("keep", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            String e = q.produce(Message.of("e").dedupKey("k").expireAfter(Duration.ofSeconds(10)));
            String f = keep.produce(Message.of("f").expireAfter(Duration.ofSeconds(10)));
            String g = keep.produce(Message.of("g").expireAfter(Duration.ofSeconds(10)));
            Lease le = q.lease(1, Duration.ZERO).getFirst();
            List<Lease> lk = keep.lease(2, Duration.ZERO);
            clock.advance(Duration.ofSeconds(2));
            q.retry(le, Duration.ofSeconds(20)); // ready at 22 s, past its 10 s deadline
            keep.retry(lk.get(0), Duration.ofSeconds(8)); // ready at exactly its deadline: dies then
            depot.transact(tx -> {
                tx.queue("keep").retry(lk.get(1), Duration.ofMinutes(1)); // the same inside a transaction
                return null;
            });
            log.add("after the retries", () -> log.stats(q.stats()) + " | keep " + log.stats(keep.stats()) + " | dead " + log.stats(dead.stats()));
            log.add("items", () -> log.items(q) + " " + log.items(keep));
            assertThat(q.inspect(e).orElseThrow().state()).isEqualTo(ItemState.SCHEDULED);
            assertThat(keep.inspect(f).orElseThrow().state()).isEqualTo(ItemState.SCHEDULED);
            assertThat(keep.inspect(g).orElseThrow().state()).isEqualTo(ItemState.SCHEDULED);
            assertThat(dead.stats().ready()).isZero();
            // The dedup key is still held by the scheduled item.
            log.add("produce k again", () -> log.id(q.produce(Message.of("e2").dedupKey("k"))));
            assertThat(q.produce(Message.of("e2").dedupKey("k"))).isEqualTo(e);
            clock.set(START.plusSeconds(10).minusNanos(1_000));
            log.add("10 s - 1 us", () -> log.stats(q.stats()) + " | keep " + log.stats(keep.stats()) + " | dead " + log.stats(dead.stats()));
            assertThat(keep.stats().scheduled()).isEqualTo(2);
            clock.advance(Duration.ofNanos(1_000));
            log.add("10 s", () -> log.stats(q.stats()) + " | keep " + log.stats(keep.stats()) + " | dead " + log.stats(dead.stats()));
            log.add("dead items", () -> log.items(dead) + " " + log.items(keep));
            assertThat(keep.inspect(f).orElseThrow().state()).isEqualTo(ItemState.DEAD);
            assertThat(keep.inspect(f).orElseThrow().deadReason()).isEqualTo("expired");
            assertThat(dead.inspect(e).orElseThrow().deadFrom()).isEqualTo("jobs");
            assertThat(q.stats().scheduled()).isZero();
            log.add("k released", () -> log.id(q.produce(Message.of("e3").dedupKey("k"))));
            assertThat(q.produce(Message.of("e3").dedupKey("k"))).isNotEqualTo(e);
        });
    }

    /** A retry (or an expired lease) at or past the deadline still kills the item at once, at that instant. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRetryAtOrPastTheDeadlineKillsTheItemThen(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            q.produce(List.of(Message.of("a").expireAfter(Duration.ofSeconds(10)), Message.of("b").expireAfter(Duration.ofSeconds(10)),
                    Message.of("c").expireAfter(Duration.ofSeconds(10))));
            List<Lease> ls = q.lease(3, Duration.ZERO);
            clock.advance(Duration.ofSeconds(10));
            log.add("retry a at the deadline", () -> {
                q.retry(ls.get(0), Duration.ZERO);
                return log.items(q);
            });
            clock.advance(Duration.ofSeconds(5));
            log.add("retry b by 1 s past the deadline", () -> {
                q.retry(ls.get(1), Duration.ofSeconds(1));
                return log.items(q);
            });
            clock.advance(Duration.ofSeconds(15));
            log.add("c's lease ended past the deadline", () -> log.stats(q.stats()) + " " + log.items(q));
            assertThat(q.stats().dead()).isEqualTo(3);
        });
    }

    // ---- visibility timeouts, lease extension, fencing ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void visibilityTimeoutsExtensionAndFencing(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(10)).maxAttempts(10));
            q.produce(List.of(Message.of("a"), Message.of("b")));
            List<Lease> first = q.lease("w1", 1, Duration.ZERO);
            Lease a1 = first.getFirst();
            clock.advance(Duration.ofSeconds(8));
            Lease a1x = q.extend(a1, Duration.ofSeconds(5)); // ends at 13 s
            log.add("extended", () -> log.lease(a1x));
            assertThat(a1x.token()).isEqualTo(a1.token());
            assertThat(a1x.expiresAt()).isEqualTo(START.plusSeconds(13));
            clock.set(START.plusSeconds(12));
            log.add("invisible while extended", () -> payloads(q.lease("w2", 10, Duration.ZERO)));
            clock.set(START.plusSeconds(13));
            log.add("extend at its end", () -> log.lease(q.extend(a1x, Duration.ofSeconds(1))));
            List<Lease> again = q.lease("w3", 10, Duration.ZERO);
            log.add("redelivered at its end", () -> log.leases(again));
            Lease a2 = again.stream().filter(l -> l.payloadText().equals("a")).findFirst().orElseThrow();
            assertThat(a2.attempt()).isEqualTo(2);
            assertThat(a2.token()).isNotEqualTo(a1.token());
            // The first holder wakes up late: every use of its lease is fenced off, and changes nothing.
            log.add("complete with the old lease", () -> {
                q.complete(a1x);
                return "completed";
            });
            log.add("retry with the old lease", () -> {
                q.retry(a1, Duration.ZERO);
                return "retried";
            });
            log.add("dead-letter with the old lease", () -> {
                q.deadLetter(a1, "late");
                return "dead";
            });
            // Two leases of one item in a batch name the item twice: refused whole, as saveAll refuses a key twice.
            log.add("batch: old and current", () -> {
                var r = q.complete(List.of(a1x, a2));
                return "applied " + payloads(r.applied()) + " stale " + payloads(r.stale());
            });
            assertThat(q.inspect(a1.id())).as("the refused batch changed nothing").isPresent();
            log.add("batch: current", () -> {
                var r = q.complete(List.of(a2));
                return "applied " + payloads(r.applied()) + " stale " + payloads(r.stale());
            });
            log.add("items", () -> log.items(q));
            assertThat(q.inspect(a1.id())).isEmpty();
            log.add("extend by 0", () -> q.extend(again.getLast(), Duration.ZERO));
            log.add("extend by 7 days + 1 ms", () -> q.extend(again.getLast(), Duration.ofDays(7).plusMillis(1)));
            log.add("extend by 7 days", () -> log.lease(q.extend(again.getLast(), Duration.ofDays(7))));
            log.add("extend by sub-microsecond", () -> log.lease(q.extend(again.getLast(), Duration.ofNanos(1_000_999))));
            log.add("stats", () -> log.stats(q.stats()));
        });
    }

    // ---- receive counts, dead letters, redrive ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void attemptsDeadLettersAndARedriveInATransaction(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue dlq = depot.queue("dlq", QueueOptions.leaseTimeout(Duration.ofSeconds(5)).maxAttempts(1));
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(5)).maxAttempts(3).deadLetter("dlq"));
            String id = q.produce(Message.of("poison").header("h", "v").dedupKey("p"));
            for (int i = 1; i <= 3; i++) {
                int n = i;
                List<Lease> got = q.lease("w" + i, 1, Duration.ZERO);
                log.add("attempt " + n, () -> log.leases(got));
                assertThat(got.getFirst().attempt()).isEqualTo(n);
                if (n == 2) {
                    q.retry(got.getFirst(), Duration.ofSeconds(1));
                    clock.advance(Duration.ofSeconds(1));
                } else {
                    clock.advance(Duration.ofSeconds(5)); // expires
                }
            }
            log.add("source", () -> log.stats(q.stats()) + " " + log.items(q));
            log.add("dlq", () -> log.stats(dlq.stats()) + " " + log.items(dlq));
            QueueItem dead = dlq.inspect(id).orElseThrow();
            assertThat(dead.deadFrom()).isEqualTo("jobs");
            assertThat(dead.attempts()).isZero();
            assertThat(dead.history()).hasSize(3);
            // The key went with the item's death: the source takes a new one.
            log.add("produce p again", () -> log.id(q.produce(Message.of("poison again").dedupKey("p"))));
            // Redrive: lease from the dead-letter queue, produce into the source and complete, atomically.
            Lease d = dlq.lease(1, Duration.ZERO).getFirst();
            log.add("redrive with a failing transaction", () -> depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of(d.payload()).dedupKey("redriven"));
                tx.queue("dlq").complete(d);
                throw new IllegalStateException("crash mid-redrive");
            }));
            log.add("after the failed redrive", () -> log.stats(q.stats()) + " | dlq " + log.stats(dlq.stats()));
            assertThat(dlq.stats().leased()).isEqualTo(1);
            log.add("redrive", () -> depot.transact(tx -> {
                tx.queue("jobs").produce(Message.of(d.payload()).dedupKey("redriven"));
                tx.queue("dlq").complete(d);
                return "committed";
            }));
            log.add("after the redrive", () -> log.stats(q.stats()) + " | dlq " + log.stats(dlq.stats()) + " " + log.items(q));
            // A dead letter that fails in its dead-letter queue stays there, dead.
            q.produce(Message.of("twice"));
            Lease t = q.lease(1, Duration.ZERO).stream().filter(l -> l.payloadText().equals("poison again")).findFirst().orElseThrow();
            q.deadLetter(t, "bad input");
            Lease t2 = dlq.lease(1, Duration.ZERO).getFirst();
            log.add("dead letter leased", () -> log.lease(t2));
            dlq.retry(t2, Duration.ZERO);
            log.add("dlq after its last attempt", () -> log.stats(dlq.stats()) + " " + log.items(dlq));
            assertThat(dlq.stats().dead()).isEqualTo(1);
        });
    }

    // ---- dedup windows ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void dedupHoldsWhileLiveAndIsReleasedByCompletionDeathAndClear(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(5)).maxAttempts(1));
            WorkQueue other = depot.queue("other");
            log.add("batch with a repeated key", () -> q.produce(List.of(Message.of("1").dedupKey("k"), Message.of("2").dedupKey("k"),
                    Message.of("3").dedupKey("j"))).stream().map(log::id).toList());
            log.add("another queue's key space", () -> log.id(other.produce(Message.of("o").dedupKey("k"))));
            log.add("scheduled holds it", () -> log.id(q.produce(Message.of("s").dedupKey("s").notBefore(START.plusSeconds(60)))) + " "
                    + log.id(q.produce(Message.of("s2").dedupKey("s"))));
            List<Lease> ls = q.lease(10, Duration.ZERO);
            log.add("leased holds it", () -> log.id(q.produce(Message.of("k2").dedupKey("k"))));
            q.complete(ls.getFirst());
            log.add("completed releases it", () -> log.id(q.produce(Message.of("k3").dedupKey("k"))));
            clock.advance(Duration.ofSeconds(5)); // j's lease expires on its last attempt: dead
            log.add("dead releases it", () -> log.id(q.produce(Message.of("j2").dedupKey("j"))) + " " + log.stats(q.stats()));
            log.add("unicode key of 255 bytes", () -> log.id(q.produce(Message.of("u").dedupKey("é".repeat(127) + "x"))));
            log.add("key of 256 bytes", () -> log.id(q.produce(Message.of("u").dedupKey("é".repeat(128)))));
            log.add("cleared", q::clear);
            log.add("cleared releases it", () -> log.id(q.produce(Message.of("k4").dedupKey("k"))));
            log.add("stale after clear", () -> q.complete(List.of(ls.get(1))).stale().size());
            log.add("items", () -> log.items(q));
        });
    }

    // ---- limits and hostile input: a clear error naming what was wrong, nothing changed ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void limitsAndHostileInputAreRefusedAlikeAndChangeNothing(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            WorkQueue other = depot.queue("other");
            List<Message> thousand = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                thousand.add(Message.of("m" + i));
            }
            List<Message> tooMany = new ArrayList<>(thousand);
            tooMany.add(Message.of("one more"));
            log.add("1001 messages", () -> q.produce(tooMany));
            log.add("empty batch", () -> q.produce(List.of()));
            List<Message> withNull = new ArrayList<>(List.of(Message.of("x")));
            withNull.add(null);
            log.add("batch with null", () -> q.produce(withNull));
            log.add("stats", () -> log.stats(q.stats()));
            log.add("1000 messages", () -> q.produce(thousand).size());
            log.add("lease 0", () -> q.lease(0, Duration.ZERO));
            log.add("lease 1001", () -> q.lease(1001, Duration.ZERO));
            log.add("wait -1 ns", () -> q.lease(1, Duration.ofNanos(-1)));
            log.add("wait 1 day + 1 ns", () -> q.lease(1, Duration.ofDays(1).plusNanos(1)));
            log.add("holder with NUL", () -> q.lease("a\0b", 1, Duration.ZERO));
            log.add("holder with a lone surrogate", () -> q.lease("a\uD800", 1, Duration.ZERO));
            List<Lease> all = q.lease(1000, Duration.ZERO);
            log.add("leased 1000", () -> all.size() + " first " + all.getFirst().payloadText() + " last " + all.getLast().payloadText());
            Lease l = all.getFirst();
            Lease forged = new Lease(l.queue(), l.id(), l.token() + "x", l.payload(), l.headers(), l.dedupKey(), l.attempt(), l.producedAt(),
                    l.leasedAt(), l.expiresAt(), l.holder(), l.history());
            log.add("forged token", () -> {
                q.complete(forged);
                return "completed";
            });
            Lease padded = new Lease(l.queue(), "0" + l.id(), l.token(), l.payload(), l.headers(), l.dedupKey(), l.attempt(), l.producedAt(),
                    l.leasedAt(), l.expiresAt(), l.holder(), l.history());
            log.add("id with a leading zero", () -> {
                q.complete(padded);
                return "completed";
            });
            log.add("inspect with a leading zero", () -> q.inspect("0" + l.id()).isPresent());
            log.add("inspect with a plus sign", () -> q.inspect("+" + l.id()).isPresent());
            log.add("inspect garbage", () -> q.inspect("'; DROP TABLE x; --").isPresent());
            log.add("inspect empty", () -> q.inspect("").isPresent());
            log.add("inspect another queue's item", () -> other.inspect(l.id()).isPresent());
            Lease foreign = new Lease("other", l.id(), l.token(), l.payload(), l.headers(), l.dedupKey(), l.attempt(), l.producedAt(),
                    l.leasedAt(), l.expiresAt(), l.holder(), l.history());
            log.add("lease of this queue given to another", () -> {
                other.complete(l);
                return "completed";
            });
            log.add("a lease naming another queue", () -> {
                q.complete(foreign);
                return "completed";
            });
            log.add("the same lease twice in a batch", () -> q.complete(List.of(l, l)));
            log.add("1001 leases", () -> {
                List<Lease> more = new ArrayList<>(all);
                more.add(l);
                return q.complete(more);
            });
            log.add("retry delay -1 ns", () -> q.retry(List.of(l), Duration.ofNanos(-1)));
            log.add("retry delay 365 days + 1 ns", () -> q.retry(List.of(l), Duration.ofDays(365).plusNanos(1)));
            log.add("dead-letter reason blank", () -> {
                q.deadLetter(l, " ");
                return "dead";
            });
            log.add("dead-letter reason with NUL", () -> {
                q.deadLetter(l, "a\0");
                return "dead";
            });
            log.add("dead-letter reason of 1001 chars", () -> {
                q.deadLetter(l, "r".repeat(1001));
                return "dead";
            });
            log.add("list limit 0", () -> q.list(null, 0, null));
            log.add("list limit 1001", () -> q.list(null, 1001, null));
            log.add("list cursor garbage", () -> q.list(null, 10, "abc"));
            log.add("list cursor past the end", () -> q.list(null, 10, "9223372036854775807").items().size());
            log.add("list cursor overflowing", () -> q.list(null, 10, "9223372036854775808"));
            log.add("list cursor negative", () -> q.list(ItemState.LEASED, 2, "-5").items().size());
            log.add("stats unchanged", () -> log.stats(q.stats()) + " " + log.stats(other.stats()));
            log.add("complete all 1000", () -> q.complete(all).applied().size());
            log.add("empty", () -> log.stats(q.stats()));
            log.add("queue name", () -> depot.queue("Jobs"));
            log.add("own dead-letter queue", () -> depot.queue("jobs", QueueOptions.defaults().deadLetter("jobs")));
            log.add("max attempts 0", () -> QueueOptions.defaults().maxAttempts(0));
            log.add("lease timeout 0", () -> QueueOptions.leaseTimeout(Duration.ZERO));
            log.add("options kept", () -> q.options());
        });
    }

    /** Dedup keys compare as exact text on every backend: case, trailing spaces, normalization forms and supplementary characters count. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void dedupKeysCompareAsExactText(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs");
            List<String> keys = List.of("k", "K", "k ", " k", "\u00e9", "e\u0301", "\u00df", "ss", "\uD83D\uDE00", "\uD83D\uDE01", "a\tb", "a b");
            List<String> first = new ArrayList<>();
            for (String k : keys) {
                first.add(q.produce(Message.of("first " + k).dedupKey(k)));
            }
            log.add("distinct items", () -> first.stream().distinct().count());
            assertThat(first).doesNotHaveDuplicates();
            for (int i = 0; i < keys.size(); i++) {
                String k = keys.get(i);
                assertThat(q.produce(Message.of("again").dedupKey(k))).as("key %s", k).isEqualTo(first.get(i));
            }
            log.add("keys read back", () -> q.list(null, 100, null).items().stream().map(QueueItem::dedupKey).toList());
            assertThat(q.list(null, 100, null).items()).extracting(QueueItem::dedupKey).containsExactlyElementsOf(keys);
        });
    }
}
