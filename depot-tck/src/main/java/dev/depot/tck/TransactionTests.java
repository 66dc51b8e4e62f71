package dev.depot.tck;

import static dev.depot.tck.Concurrently.async;
import static dev.depot.tck.Concurrently.await;
import static dev.depot.tck.Concurrently.elsewhere;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.AlreadyExistsException;
import dev.depot.Capability;
import dev.depot.ChangeEvent;
import dev.depot.ConflictException;
import dev.depot.Direction;
import dev.depot.NotFoundException;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Doc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commit, rollback, own writes, snapshot isolation and first-committer-wins. */
abstract class TransactionTests extends FeatureTests {

    TransactionTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @BeforeEach
    void requireTransactions() {
        assumeCapability(Capability.TRANSACTIONS);
    }

    @Test
    void aTransactionCommitsWhenItsCallbackReturns() {
        accounts().insert(account("a", 100));

        String result = depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            acc.update(account("a", 50));
            acc.insert(account("b", 50));
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(accounts().query().list()).containsExactly(account("a", 50), account("b", 50));
        assertThat(accounts().getVersioned("a").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aTransactionThatThrowsLeavesNoTrace() {
        accounts().insert(account("a", 100));
        accounts().insert(account("b", 100));
        long before = lastSequence();
        RuntimeException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            acc.insert(account("c", 1));
            acc.update(account("a", 0));
            acc.delete("b");
            throw boom;
        })).isSameAs(boom);

        assertThat(accounts().query().list()).containsExactly(account("a", 100), account("b", 100));
        assertThat(accounts().getVersioned("a").orElseThrow().version()).isEqualTo(1);
        assertThat(eventsAfter(before)).isEmpty();
    }

    @Test
    void aTransactionReadsItsOwnWrites() {
        accounts().insert(account("a", 100));
        accounts().insert(account("b", 200));

        onAccountsInATransaction(acc -> {
            acc.insert(account("c", 300));
            acc.update(account("a", 350));
            acc.delete("b");

            assertThat(acc.get("c")).contains(account("c", 300));
            assertThat(acc.get("a")).contains(account("a", 350));
            assertThat(acc.get("b")).isEmpty();
            assertThat(acc.exists("b")).isFalse();
            assertThat(acc.getVersioned("a").orElseThrow().version()).isEqualTo(2);
            assertThat(acc.getAll(List.of("a", "b", "c"))).containsOnlyKeys("a", "c");
            assertThat(acc.query().list()).containsExactly(account("a", 350), account("c", 300));
            assertThat(acc.query().orderBy("balance").list()).containsExactly(account("c", 300), account("a", 350));
            assertThat(acc.query().where(Q.field("balance").le(200)).list()).as("old index values are gone").isEmpty();
            assertThat(acc.query().where(Q.field("balance").eq(350)).list()).containsExactly(account("a", 350));
            assertThat(acc.count()).isEqualTo(2);
            assertThat(acc.query().where(Q.field("balance").ge(300)).count()).isEqualTo(2);
            try (var s = acc.query().orderBy("balance", Direction.DESC).stream()) {
                assertThat(s.toList()).containsExactly(account("a", 350), account("c", 300));
            }
        });
    }

    @Test
    void queriesInsideATransactionFollowTheOneTotalOrder() {
        docs().insert(new Doc("t1", null, 5.0, null, null));
        docs().insert(new Doc("t3", null, 5.0, null, null));
        docs().insert(new Doc("n1", null, null, null, null));

        depot().transact(tx -> {
            Records<String, Doc> d = tx.records(KitModel.DOCS);
            d.insert(new Doc("t2", null, 5.0, null, null));
            d.insert(new Doc("n0", null, null, null, null));
            d.insert(new Doc("t0", null, 1.0, null, null));
            d.update(new Doc("t3", "touched", 5.0, null, null));

            assertThat(ids(d.query().orderBy("ratio").list())).containsExactly("n0", "n1", "t0", "t1", "t2", "t3");
            assertThat(ids(d.query().orderBy("ratio", Direction.DESC).list()))
                    .containsExactly("t1", "t2", "t3", "t0", "n0", "n1");
            Page<Doc> first = d.query().orderBy("ratio", Direction.DESC).limit(2).page();
            Page<Doc> second = d.query().orderBy("ratio", Direction.DESC).limit(2).after(first.nextCursor()).page();
            assertThat(ids(second.items())).containsExactly("t3", "t0");
            assertThat(ids(d.query().where(Q.field("ratio").ge(5)).list())).containsExactly("t1", "t2", "t3");
            return null;
        });
    }

    @Test
    void aTransactionKeepsReadingTheSnapshotItStartedWith() {
        accounts().insert(account("a", 100));
        CountDownLatch firstRead = new CountDownLatch(1);
        CountDownLatch otherCommitted = new CountDownLatch(1);

        Future<List<Object>> reader = async(() -> depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            long before = balanceOf(acc, "a");
            firstRead.countDown();
            await(otherCommitted);
            return List.<Object>of(before, balanceOf(acc, "a"), acc.count(), acc.query().list(),
                    acc.query().where(Q.field("balance").eq(200)).count());
        }));
        await(firstRead);
        accounts().update(account("a", 200));
        accounts().insert(account("z", 1));
        otherCommitted.countDown();

        assertThat(Concurrently.result(reader)).containsExactly(100L, 100L, 1L, List.of(account("a", 100)), 0L);
        assertThat(balanceOf(accounts(), "a")).isEqualTo(200);
    }

    @Test
    void theSnapshotIsTakenAtTheFirstOperationNotWhenTheCallbackStarts() {
        accounts().insert(account("a", 100));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch otherCommitted = new CountDownLatch(1);

        Future<Long> late = async(() -> depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            started.countDown();
            await(otherCommitted);
            return balanceOf(acc, "a");
        }));
        await(started);
        accounts().update(account("a", 200));
        otherCommitted.countDown();

        assertThat(Concurrently.result(late)).isEqualTo(200);
    }

    @Test
    void theEventTimeIsTheClockAtCommit() {
        assumeCapability(Capability.CHANGE_FEED);
        long from = lastSequence();

        Instant committedAt = depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            return clock().advance(Duration.ofSeconds(5));
        });

        assertThat(eventsAfter(from)).extracting(ChangeEvent::time).containsExactly(committedAt);
    }

    /**
     * Two transactions that both hold a snapshot and have written a marker doc before either
     * writes {@code x}, then run {@code write}.
     */
    private List<Throwable> race(BiConsumer<Records<String, Account>, Integer> write) {
        CyclicBarrier bothHaveSnapshots = new CyclicBarrier(2);
        List<Future<Object>> racers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int me = i;
            racers.add(async(() -> depot().transact(tx -> {
                Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
                acc.get("x");
                tx.records(KitModel.DOCS).insert(Doc.tagged("marker" + me, null));
                await(bothHaveSnapshots);
                write.accept(acc, me);
                return null;
            })));
        }
        return map(racers, Concurrently::failure); // null for the one that committed
    }

    /** Asserts one racer failed with a conflict, and returns the winner. */
    private int winnerOf(List<Throwable> outcome) {
        assertThat(outcome.stream().filter(Objects::nonNull))
                .as("exactly one of the two transactions fails, with a conflict")
                .singleElement()
                .isInstanceOf(ConflictException.class);
        int winner = outcome.get(0) == null ? 0 : 1;
        assertThat(docs().exists("marker" + winner)).isTrue();
        assertThat(docs().exists("marker" + (1 - winner))).as("the loser's write to another collection").isFalse();
        return winner;
    }

    @Test
    void twoInsertsOfOneNewKeyConflict() {
        int winner = winnerOf(race((acc, me) -> acc.insert(account("x", 10 + me))));

        assertThat(balanceOf(accounts(), "x")).isEqualTo(10 + winner);
    }

    @Test
    void theFirstCommitterWinsAndTheLoserAppliesNothing() {
        accounts().insert(account("x", 0));

        int winner = winnerOf(race((acc, me) -> acc.update(account("x", 10 + me))));

        assertThat(accounts().getVersioned("x").orElseThrow().version()).isEqualTo(2);
        assertThat(balanceOf(accounts(), "x")).isEqualTo(10 + winner);
    }

    @Test
    void writersOfDifferentKeysDoNotConflict() {
        accounts().insert(account("x0", 0));
        accounts().insert(account("x1", 0));
        CyclicBarrier bothHaveSnapshots = new CyclicBarrier(2);

        Concurrently.run(2, me -> depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            acc.get("x" + me);
            await(bothHaveSnapshots);
            acc.update(account("x" + me, 10 + me));
            return null;
        }));

        assertThat(accounts().query().list()).containsExactly(account("x0", 10), account("x1", 11));
    }

    /**
     * Write skew, which snapshot isolation allows: two on-call accounts, each transaction checks
     * that both are on duty and takes its own off duty. Neither writes what the other wrote, so
     * both commit and the invariant both checked (someone stays on duty) is broken.
     */
    @Test
    void writeSkewIsAllowedWhenEachTransactionWritesOnlyItsOwnKey() {
        accounts().insert(account("x", 1));
        accounts().insert(account("y", 1));

        List<Throwable> outcome = offDutyRace(false);

        assertThat(outcome).as("both transactions commit").containsOnlyNulls();
        assertThat(accounts().query().list()).containsExactly(account("x", 0), account("y", 0));
    }

    /** The workaround: each transaction also writes the key it only read, so the second committer conflicts. */
    @Test
    void writingTheKeysYouOnlyReadTurnsWriteSkewIntoAConflict() {
        accounts().insert(account("x", 1));
        accounts().insert(account("y", 1));

        List<Throwable> outcome = offDutyRace(true);

        assertThat(outcome.stream().filter(Objects::nonNull))
                .as("exactly one of the two transactions fails, with a conflict")
                .singleElement()
                .isInstanceOf(ConflictException.class);
        assertThat(balanceOf(accounts(), "x") + balanceOf(accounts(), "y")).as("someone stays on duty").isEqualTo(1);
    }

    /**
     * Two transactions that both read x and y (both on duty) before either writes, then each takes
     * its own account off duty; with {@code writeWhatWasRead} each also rewrites the other account
     * unchanged. Returns per transaction what it threw (null if it committed).
     */
    private List<Throwable> offDutyRace(boolean writeWhatWasRead) {
        CyclicBarrier bothHaveRead = new CyclicBarrier(2);
        List<Future<Object>> racers = new ArrayList<>();
        for (String mine : List.of("x", "y")) {
            String other = mine.equals("x") ? "y" : "x";
            racers.add(async(() -> depot().transact(tx -> {
                Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
                long onDuty = balanceOf(acc, "x") + balanceOf(acc, "y");
                await(bothHaveRead);
                if (onDuty >= 2) {
                    acc.update(account(mine, 0));
                    if (writeWhatWasRead) {
                        acc.update(acc.get(other).orElseThrow());
                    }
                }
                return null;
            })));
        }
        return map(racers, Concurrently::failure);
    }

    /**
     * Runs a transaction that reads {@code x}, lets another thread commit a change to {@code x} (in
     * the first {@code interferedRuns} runs), then writes {@code x} with {@code write} and inserts a
     * marker record.
     */
    private long transactAroundAConcurrentUpdate(Retry retry, AtomicInteger runs, int interferedRuns,
            BiConsumer<Records<String, Account>, Long> write) {
        accounts().insert(account("x", 0));
        return depot().transact(retry, tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            long seen = balanceOf(acc, "x");
            if (runs.incrementAndGet() <= interferedRuns) {
                elsewhere(() -> accounts().update(account("x", 100 * runs.get())));
            }
            acc.insert(account("marker", 1));
            write.accept(acc, seen);
            return seen;
        });
    }

    @Test
    void aConflictingUpdateFailsWithConflictAndAppliesNothing() {
        AtomicInteger runs = new AtomicInteger();
        long before = lastSequence();

        assertThatThrownBy(() -> transactAroundAConcurrentUpdate(Retry.never(), runs, 1,
                (acc, seen) -> acc.update(account("x", seen + 1)))).isInstanceOf(ConflictException.class);

        assertThat(runs).hasValue(1);
        assertThat(accounts().query().list()).containsExactly(account("x", 100));
        if (has(Capability.CHANGE_FEED)) {
            assertThat(map(eventsAfter(before), ChangeEvent::key)).containsExactly("x", "x");
        }
    }

    @Test
    void aLostRaceNamesItsCollectionAndKey() {
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> transactAroundAConcurrentUpdate(Retry.never(), runs, 1,
                (acc, seen) -> acc.update(account("x", seen + 1))))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.collection()).contains("accounts");
                    assertThat(e.key()).contains("x");
                });
    }

    @Test
    void setRollbackOnlyEndsTheWorkWithARollbackAndNoError() {
        accounts().insert(account("kept", 1));
        long before = lastSequence();

        String result = depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            acc.insert(account("new", 5));
            acc.update(account("kept", 2));
            assertThat(tx.isRollbackOnly()).isFalse();
            tx.setRollbackOnly();
            assertThat(tx.isRollbackOnly()).isTrue();
            acc.delete("kept");
            assertThat(acc.exists("new")).as("own writes stay visible until the end").isTrue();
            assertThat(acc.exists("kept")).isFalse();
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(accounts().query().list()).containsExactly(account("kept", 1));
        assertThat(accounts().getVersioned("kept").orElseThrow().version()).isEqualTo(1);
        assertThat(eventsAfter(before)).as("a rolled-back transaction records no change").isEmpty();
    }

    @Test
    void setRollbackOnlyIsNotRetriedAndNeedsALiveTransaction() {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<dev.depot.Transaction> ended = new AtomicReference<>();

        depot().inTransaction(Retry.onConflict(3), tx -> {
            runs.incrementAndGet();
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            tx.setRollbackOnly();
            ended.set(tx);
        });

        assertThat(runs).hasValue(1);
        assertThat(accounts().exists("a")).isFalse();
        assertThatThrownBy(() -> ended.get().setRollbackOnly()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended");
    }

    @Test
    void inTransactionCommitsWorkThatReturnsNothing() {
        long before = lastSequence();

        depot().inTransaction(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            tx.records(KitModel.ACCOUNTS).insert(account("b", 2));
        });
        assertThatThrownBy(() -> depot().inTransaction(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("c", 3));
            throw new IllegalStateException("changed my mind");
        })).isInstanceOf(IllegalStateException.class).hasMessage("changed my mind");

        assertThat(accounts().query().list()).containsExactly(account("a", 1), account("b", 2));
        if (has(Capability.CHANGE_FEED)) {
            assertThat(map(eventsAfter(before), ChangeEvent::key)).containsExactly("a", "b");
        }
    }

    @Test
    void aConflictingDeleteFailsWithConflict() {
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> transactAroundAConcurrentUpdate(Retry.never(), runs, 1,
                (acc, seen) -> acc.delete("x"))).isInstanceOf(ConflictException.class);

        assertThat(accounts().query().list()).containsExactly(account("x", 100));
    }

    @Test
    void retryOnConflictRunsTheCallbackAgainOnAFreshSnapshot() {
        AtomicInteger runs = new AtomicInteger();

        long seen = transactAroundAConcurrentUpdate(Retry.onConflict(3), runs, 1,
                (acc, s) -> acc.update(account("x", s + 1)));

        assertThat(runs).hasValue(2);
        assertThat(seen).isEqualTo(100);
        assertThat(accounts().query().list()).containsExactly(account("marker", 1), account("x", 101));
    }

    @Test
    void retryGivesUpAfterItsLimitWithTheConflict() {
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> transactAroundAConcurrentUpdate(Retry.onConflict(2), runs, Integer.MAX_VALUE,
                (acc, s) -> acc.update(account("x", s + 1)))).isInstanceOf(ConflictException.class);

        assertThat(runs).as("the first run and two retries").hasValue(3);
        assertThat(accounts().query().list()).containsExactly(account("x", 300));
    }

    @Test
    void otherExceptionsAreNotRetried() {
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> depot().transact(Retry.onConflict(5), tx -> {
            runs.incrementAndGet();
            throw new IllegalStateException("not a conflict");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(runs).hasValue(1);
    }

    @Test
    void recordsOfAnEndedTransactionCannotBeUsed() {
        accounts().insert(account("a", 1));
        AtomicReference<Records<String, Account>> committed = new AtomicReference<>();
        AtomicReference<Records<String, Account>> rolledBack = new AtomicReference<>();

        depot().transact(tx -> {
            committed.set(tx.records(KitModel.ACCOUNTS));
            return null;
        });
        assertThatThrownBy(() -> depot().transact(tx -> {
            rolledBack.set(tx.records(KitModel.ACCOUNTS));
            throw new IllegalArgumentException("roll back");
        })).isInstanceOf(IllegalArgumentException.class);

        for (Records<String, Account> ended : List.of(committed.get(), rolledBack.get())) {
            assertThatThrownBy(() -> ended.get("a")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ended.insert(account("b", 1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ended.query().list()).isInstanceOf(IllegalStateException.class);
        }
        assertThat(accounts().exists("b")).isFalse();
    }

    @Test
    void clearInsideATransactionIsPartOfIt() {
        accounts().insert(account("a", 1));
        accounts().insert(account("b", 2));

        assertThatThrownBy(() -> depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            acc.clear();
            assertThat(acc.count()).isZero();
            throw new IllegalStateException("roll back");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(accounts().count()).isEqualTo(2);

        onAccountsInATransaction(Records::clear);
        assertThat(accounts().count()).isZero();
    }

    @Test
    void aFailedWriteInsideATransactionLeavesTheTransactionUsable() {
        accounts().insert(account("a", 1));

        onAccountsInATransaction(acc -> {
            assertThatThrownBy(() -> acc.insert(account("a", 2))).isInstanceOf(AlreadyExistsException.class);
            assertThatThrownBy(() -> acc.update(account("missing", 2))).isInstanceOf(NotFoundException.class);
            acc.insert(account("b", 2));
        });

        assertThat(accounts().query().list()).containsExactly(account("a", 1), account("b", 2));
    }

    @Test
    void aStreamInsideATransactionReadsItsSnapshot() {
        accounts().insert(account("a", 1));
        accounts().insert(account("b", 2));

        List<Account> streamed = depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            acc.get("a");
            elsewhere(() -> accounts().insert(account("c", 3)));
            acc.insert(account("d", 4));
            try (var s = acc.query().stream()) {
                return s.toList();
            }
        });

        assertThat(streamed).containsExactly(account("a", 1), account("b", 2), account("d", 4));
    }
}
