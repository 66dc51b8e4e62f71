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
}
