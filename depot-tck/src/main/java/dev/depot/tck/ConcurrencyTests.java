package dev.depot.tck;

import static dev.depot.tck.Concurrently.async;
import static dev.depot.tck.Concurrently.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Capability;
import dev.depot.AlreadyExistsException;
import dev.depot.ChangeEvent;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.VersionConflictException;
import dev.depot.Versioned;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Item;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Real multi-version concurrency: conflicts happen, invariants hold, readers are never blocked. */
abstract class ConcurrencyTests extends FeatureTests {
    static final int THREADS = 8;
    static final int TRANSFERS_PER_THREAD = 25;
    static final int INSERTS_PER_THREAD = 50;
    static final int VERSION_ROUNDS = 5;
    static final int SAVES_PER_THREAD = 20;
    static final int FEED_WRITERS = 4;
    static final int WRITES_PER_FEED_WRITER = 100;
    static final List<String> ACCOUNT_IDS = List.of("acc-a", "acc-b", "acc-c");
    static final long OPENING_BALANCE = 1_000;

    ConcurrencyTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @Test
    void concurrentTransfersKeepTheTotalAndRunIntoRealConflicts() {
        assumeCapability(Capability.TRANSACTIONS);
        for (String id : ACCOUNT_IDS) {
            accounts().insert(account(id, OPENING_BALANCE));
        }
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger commits = new AtomicInteger();
        // Every first attempt holds its snapshot until all threads hold one, so they must collide.
        CyclicBarrier firstAttempts = new CyclicBarrier(THREADS);
        Retry retry = Retry.onConflict(10_000).withMaxBackoff(Duration.ofMillis(5));

        Concurrently.run(THREADS, thread -> {
            boolean[] firstAttempt = {true};
            for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                String from = ACCOUNT_IDS.get((thread + i) % ACCOUNT_IDS.size());
                String to = ACCOUNT_IDS.get((thread + i + 1) % ACCOUNT_IDS.size());
                long amount = 1 + (thread + i) % 7;
                depot().transact(retry, tx -> {
                    runs.incrementAndGet();
                    transfer(tx.records(KitModel.ACCOUNTS), from, to, amount, firstAttempt, firstAttempts);
                    return null;
                });
                commits.incrementAndGet();
            }
        });

        long total = accounts().query().list().stream().mapToLong(Account::balance).sum();
        assertThat(total).isEqualTo(OPENING_BALANCE * ACCOUNT_IDS.size());
        assertThat(commits).hasValue(THREADS * TRANSFERS_PER_THREAD);
        assertThat(runs.get()).as("callback runs, which exceed commits only when conflicts happened")
                .isGreaterThan(commits.get());
    }

    private static void transfer(Records<String, Account> acc, String from, String to, long amount,
            boolean[] firstAttempt, CyclicBarrier firstAttempts) {
        long fromBalance = balanceOf(acc, from);
        long toBalance = balanceOf(acc, to);
        if (firstAttempt[0]) {
            firstAttempt[0] = false;
            await(firstAttempts);
        }
        // Write in key order, which spares lock-based backends needless deadlocks.
        if (from.compareTo(to) < 0) {
            acc.update(account(from, fromBalance - amount));
            acc.update(account(to, toBalance + amount));
        } else {
            acc.update(account(to, toBalance + amount));
            acc.update(account(from, fromBalance - amount));
        }
    }

    @Test
    void readersAreNotBlockedByALongWritingTransactionAndSeeTheOldSnapshot() {
        assumeCapability(Capability.TRANSACTIONS);
        accounts().insert(account("a", 100));
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        Future<Object> writer = async(() -> depot().transact(tx -> {
            Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
            acc.update(account("a", 500));
            acc.insert(account("b", 1));
            written.countDown();
            await(release);
            return null;
        }));
        try {
            await(written);
            assertThat(Concurrently.elsewhere(() -> balanceOf(accounts(), "a"))).isEqualTo(100);
            assertThat(Concurrently.elsewhere(() -> accounts().query().list())).containsExactly(account("a", 100));
            assertThat(Concurrently.elsewhere(() -> accounts().query().where(Q.field("balance").ge(0)).count()))
                    .isEqualTo(1);
            long inTransaction = Concurrently.elsewhere(
                    () -> depot().transact(tx -> balanceOf(tx.records(KitModel.ACCOUNTS), "a")));
            assertThat(inTransaction).isEqualTo(100);
        } finally {
            release.countDown();
        }
        Concurrently.result(writer);

        assertThat(accounts().query().list()).containsExactly(account("a", 500), account("b", 1));
    }

    @Test
    void writersOfDifferentKeysDoNotBlockEachOther() {
        assumeCapability(Capability.TRANSACTIONS);
        accounts().insert(account("a", 1));
        accounts().insert(account("b", 1));
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        Future<Object> holder = async(() -> depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).update(account("a", 2));
            written.countDown();
            await(release);
            return null;
        }));
        try {
            await(written);
            Concurrently.elsewhere(() -> depot().transact(tx -> tx.records(KitModel.ACCOUNTS).update(account("b", 2))));
            Concurrently.elsewhere(() -> accounts().update(account("b", 3)));
            Concurrently.elsewhere(() -> accounts().insert(account("c", 1)));
        } finally {
            release.countDown();
        }
        Concurrently.result(holder);

        assertThat(accounts().query().list()).containsExactly(account("a", 2), account("b", 3), account("c", 1));
    }

    @Test
    void concurrentInsertsOfDistinctKeysAllLand() {
        Concurrently.run(THREADS, thread -> {
            for (int i = 0; i < INSERTS_PER_THREAD; i++) {
                assertThat(items().insert(new Item((long) thread * INSERTS_PER_THREAD + i, "t" + thread))).isEqualTo(1);
            }
        });

        assertThat(items().count()).isEqualTo(THREADS * INSERTS_PER_THREAD);
        assertThat(items().query().where(Q.field("label").eq("t3")).count()).isEqualTo(INSERTS_PER_THREAD);
        assertThat(map(items().query().list(), Item::id)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void writesOutsideTransactionsNeverConflict() {
        accounts().insert(account("x", 0));

        Concurrently.run(THREADS, thread -> {
            for (int i = 0; i < SAVES_PER_THREAD; i++) {
                accounts().save(account("x", thread));
            }
        });

        assertThat(accounts().getVersioned("x").orElseThrow().version()).isEqualTo(1 + THREADS * SAVES_PER_THREAD);
    }

    @Test
    void exactlyOneConcurrentUpdateWinsPerExpectedVersion() {
        accounts().insert(account("x", 0));

        for (long version = 1; version <= VERSION_ROUNDS; version++) {
            long expected = version;
            AtomicInteger winners = new AtomicInteger();
            AtomicInteger losers = new AtomicInteger();
            Concurrently.run(THREADS, thread -> {
                try {
                    accounts().update(account("x", thread), expected);
                    winners.incrementAndGet();
                } catch (VersionConflictException e) {
                    // A loser is refused only once the winner is committed, so it names the winner's version.
                    assertThat(e.expectedVersion()).isEqualTo(expected);
                    assertThat(e.actualVersion()).isEqualTo(expected + 1);
                    losers.incrementAndGet();
                }
            });

            assertThat(winners).as("winners at version %d", version).hasValue(1);
            assertThat(losers).hasValue(THREADS - 1);
            assertThat(accounts().getVersioned("x").orElseThrow().version()).isEqualTo(version + 1);
        }
    }

    @Test
    void exactlyOneConcurrentInsertOfAKeyWinsAndRecordsOneEvent() {
        long from = has(Capability.CHANGE_FEED) ? feed().lastSequence() : 0;
        for (int round = 0; round < VERSION_ROUNDS; round++) {
            String key = "race-" + round;
            AtomicInteger winner = new AtomicInteger(-1);
            AtomicInteger refused = new AtomicInteger();
            Concurrently.run(THREADS, thread -> {
                try {
                    assertThat(accounts().insert(account(key, thread))).isEqualTo(1);
                    assertThat(winner.compareAndSet(-1, thread)).as("a second winner for %s", key).isTrue();
                } catch (AlreadyExistsException e) {
                    refused.incrementAndGet();
                }
            });

            assertThat(refused).as("refused inserts of %s", key).hasValue(THREADS - 1);
            Versioned<Account> stored = accounts().getVersioned(key).orElseThrow();
            assertThat(stored.version()).isEqualTo(1);
            assertThat(stored.value()).isEqualTo(account(key, winner.get()));
        }
        if (has(Capability.CHANGE_FEED)) {
            List<ChangeEvent> events = feed().since(from, 10 * VERSION_ROUNDS);
            assertThat(map(events, e -> e.key() + " " + e.op() + " " + e.version()))
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, VERSION_ROUNDS)
                            .mapToObj(r -> "race-" + r + " INSERT 1").toList());
        }
    }

    @Test
    void aFeedReaderRacingWritersSeesEverySequenceOnceAndInOrder() {
        assumeCapability(Capability.CHANGE_FEED);
        long from = feed().lastSequence();
        int total = FEED_WRITERS * WRITES_PER_FEED_WRITER;
        CountDownLatch writersDone = new CountDownLatch(1);

        Future<List<ChangeEvent>> reader = async(() -> readFeedUntil(from, total, writersDone));
        try {
            Concurrently.run(FEED_WRITERS, writer -> {
                for (int i = 0; i < WRITES_PER_FEED_WRITER; i++) {
                    items().insert(new Item((long) writer * WRITES_PER_FEED_WRITER + i, "w"));
                }
            });
        } finally {
            writersDone.countDown();
        }
        List<ChangeEvent> seen = Concurrently.result(reader);

        assertStrictlyIncreasing(seen);
        assertThat(seen).hasSize(total);
        assertThat(map(seen, ChangeEvent::sequence))
                .containsExactlyElementsOf(map(feed().since(from, total + 1), ChangeEvent::sequence));
        Set<String> keys = new HashSet<>(map(seen, ChangeEvent::key));
        assertThat(keys).hasSize(total);
    }

    /** Polls {@code since} from {@code from}, resuming after the last event read, until it has {@code total}. */
    private List<ChangeEvent> readFeedUntil(long from, int total, CountDownLatch writersDone) {
        List<ChangeEvent> seen = new ArrayList<>();
        long last = from;
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (seen.size() < total && System.nanoTime() < deadline) {
            boolean finished = writersDone.getCount() == 0;
            List<ChangeEvent> batch = feed().since(last, 32);
            seen.addAll(batch);
            if (!batch.isEmpty()) {
                last = batch.getLast().sequence();
            } else if (finished) {
                break; // the writers are done and nothing more is coming
            } else {
                Thread.yield();
            }
        }
        return seen;
    }
}
