package dev.depot.tck;

import static dev.depot.ChangeEvent.Op.DELETE;
import static dev.depot.ChangeEvent.Op.INSERT;
import static dev.depot.ChangeEvent.Op.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.depot.AlreadyExistsException;
import dev.depot.Capability;
import dev.depot.CommitOutcome;
import dev.depot.ConflictException;
import dev.depot.ChangeEvent;
import dev.depot.ChangeListener;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.SubscribeOptions;
import dev.depot.SubscribeOptions.OnError;
import dev.depot.Subscription;
import dev.depot.tck.KitModel.Counter;
import dev.depot.tck.KitModel.Item;
import dev.depot.tck.KitModel.Player;
import dev.depot.tck.KitModel.Priority;
import dev.depot.tck.KitModel.Sku;
import dev.depot.tck.KitModel.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One event per committed write, in commit order; reading and subscribing resume exactly. */
abstract class ChangeFeedTests extends FeatureTests {
    static final int FEED_EVENTS = 10;
    /** What {@code DepotOptions.defaults()} keeps; see {@link DepotFixture#open}. */
    static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    /** Retries fast enough for a test; the policy under test is set per test. */
    static final SubscribeOptions FAST_RETRIES = SubscribeOptions.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(8));

    ChangeFeedTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @BeforeEach
    void requireChangeFeed() {
        assumeCapability(Capability.CHANGE_FEED);
    }

    /** Records what a subscription delivers and lets a test wait for a number of events. */
    static final class Recorder implements ChangeListener {
        final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        private final CountDownLatch expected;
        private final boolean throwing;

        Recorder(int expectedEvents, boolean throwing) {
            this.expected = new CountDownLatch(expectedEvents);
            this.throwing = throwing;
        }

        Recorder(int expectedEvents) {
            this(expectedEvents, false);
        }

        @Override
        public void onChange(ChangeEvent event) {
            events.add(event);
            expected.countDown();
            if (throwing) {
                throw new IllegalStateException("listener failure on purpose");
            }
        }

        List<ChangeEvent> awaitEvents() {
            Concurrently.await(expected);
            return List.copyOf(events);
        }
    }

    /** Waits (up to the hang guard) until a condition holds; never a timing assertion. */
    static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private List<String> insertAccounts(String prefix, int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = String.format("%s%02d", prefix, i);
            accounts().insert(account(key, i));
            keys.add(key);
        }
        return keys;
    }

    private static List<String> keys(List<ChangeEvent> events) {
        return map(events, ChangeEvent::key);
    }

    @Test
    void eventsCarryTheOriginOfTheDepotThatWroteThem() {
        long from = feed().lastSequence();
        accounts().insert(account("o1", 1));
        depot().inTransaction(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("o2", 2));
            tx.records(KitModel.ACCOUNTS).delete("o1");
        });

        assertThat(depot().origin()).isNotBlank().doesNotContain(" ");
        List<ChangeEvent> events = feed().since(from);
        assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e.origin()).isEqualTo(depot().origin()));
    }

    @Test
    void aSubscriptionWithoutOwnWritesPassesOverThemAndMovesOn() {
        long from = feed().lastSequence();
        Recorder own = new Recorder(2);
        Recorder others = new Recorder(0);
        try (Subscription all = feed().subscribe(from, own);
                Subscription notOwn = feed().subscribe(from, others, SubscribeOptions.defaults().withoutOwnWrites())) {
            List<String> keys = insertAccounts("own", 2);
            assertThat(keys(own.awaitEvents())).containsExactlyElementsOf(keys);
            long last = feed().lastSequence();
            awaitUntil("the subscription without own writes passed them", () -> notOwn.position() >= last);
            assertThat(others.events).isEmpty();
        }
    }

    @Test
    void everyWriteEmitsOneEventWithOpVersionKeyAndClockTime() {
        long from = feed().lastSequence();
        Player ann = player("Ann", 1);
        Player bob = player("Bob", 2);
        Instant t0 = clock().instant();

        players().insert(ann);
        Instant t1 = clock().advance(Duration.ofSeconds(1));
        players().update(ann.withScore(2));
        Instant t2 = clock().advance(Duration.ofSeconds(1));
        players().save(ann.withScore(3));
        Instant t3 = clock().advance(Duration.ofSeconds(1));
        players().save(bob);
        Instant t4 = clock().advance(Duration.ofMillis(1500));
        players().delete(ann.id());

        List<ChangeEvent> events = feed().since(from);
        assertThat(events)
                .extracting(ChangeEvent::collection, ChangeEvent::key, ChangeEvent::op, ChangeEvent::version,
                        ChangeEvent::time)
                .containsExactly(
                        tuple("players", ann.id().toString(), INSERT, 1L, t0),
                        tuple("players", ann.id().toString(), UPDATE, 2L, t1),
                        tuple("players", ann.id().toString(), UPDATE, 3L, t2),
                        tuple("players", bob.id().toString(), INSERT, 1L, t3),
                        tuple("players", ann.id().toString(), DELETE, 3L, t4));
        assertThat(events.get(0).sequence()).isGreaterThan(from);
        assertStrictlyIncreasing(events);
        assertThat(feed().lastSequence()).isEqualTo(events.getLast().sequence());
    }

    @Test
    void keysAppearInTheirTextForm() {
        long from = feed().lastSequence();
        Records<Integer, Counter> counters = depot().records(KitModel.COUNTERS);
        Player p = player("Ann", 1);
        items().insert(new Item(-42L, "x"));
        counters.insert(new Counter(7, 0));
        players().insert(p);
        accounts().insert(account("caf\u00e9 \uD83D\uDE00", 1));
        depot().records(KitModel.TASKS).insert(new Task(new Sku("sku-1"), Priority.MIKE, 1f, (short) 1));

        assertThat(feed().since(from)).extracting(ChangeEvent::collection, ChangeEvent::key).containsExactly(
                tuple("items", "-42"),
                tuple("counters", "7"),
                tuple("players", p.id().toString().toLowerCase()),
                tuple("accounts", "caf\u00e9 \uD83D\uDE00"),
                tuple("tasks", "sku-1"));
    }

    @Test
    void writesThatChangeNothingEmitNothing() {
        accounts().insert(account("a", 1));
        long from = feed().lastSequence();

        assertThat(accounts().delete("missing")).isFalse();
        assertThat(accounts().delete("missing", 1)).isFalse();
        assertThatThrownBy(() -> accounts().insert(account("a", 2))).isInstanceOf(AlreadyExistsException.class);

        assertThat(feed().since(from)).isEmpty();
        assertThat(feed().lastSequence()).isEqualTo(from);
    }

    @Test
    void saveAllAndClearEmitOneEventPerRecord() {
        accounts().insert(account("b", 1));
        long from = feed().lastSequence();

        accounts().saveAll(List.of(account("a", 1), account("b", 2)));
        accounts().clear();

        assertThat(feed().since(from)).extracting(ChangeEvent::key, ChangeEvent::op, ChangeEvent::version)
                .containsExactlyInAnyOrder(
                        tuple("a", INSERT, 1L), tuple("b", UPDATE, 2L), tuple("a", DELETE, 1L), tuple("b", DELETE, 2L));
        assertThat(feed().since(from).subList(0, 2)).extracting(ChangeEvent::op).doesNotContain(DELETE);
    }

    @Test
    void aTransactionsEventsAreConsecutiveOnePerWrite() {
        assumeCapability(Capability.TRANSACTIONS);
        accounts().insert(account("x", 0));
        long from = feed().lastSequence();

        onAccountsInATransaction(acc -> {
            acc.insert(account("a", 1));
            acc.update(account("x", 1));
            acc.update(account("a", 2));
        });
        accounts().insert(account("c", 1));

        List<ChangeEvent> events = feed().since(from);
        assertThat(events).extracting(ChangeEvent::key, ChangeEvent::op, ChangeEvent::version).containsExactly(
                tuple("a", INSERT, 1L), tuple("x", UPDATE, 2L), tuple("a", UPDATE, 2L), tuple("c", INSERT, 1L));
        long first = events.get(0).sequence();
        assertThat(map(events.subList(0, 3), ChangeEvent::sequence)).containsExactly(first, first + 1, first + 2);
    }

    @Test
    void aKeyInsertedAndDeletedInOneTransactionEmitsBothEvents() {
        assumeCapability(Capability.TRANSACTIONS);
        accounts().insert(account("old", 1));
        long from = feed().lastSequence();

        onAccountsInATransaction(acc -> {
            acc.insert(account("temp", 1));
            acc.delete("temp");
            acc.delete("old");
            assertThat(acc.insert(account("old", 2))).as("a re-inserted key starts at version 1").isEqualTo(1);
        });

        assertThat(feed().since(from)).extracting(ChangeEvent::key, ChangeEvent::op, ChangeEvent::version)
                .containsExactly(tuple("temp", INSERT, 1L), tuple("temp", DELETE, 1L), tuple("old", DELETE, 1L),
                        tuple("old", INSERT, 1L));
        assertThat(accounts().query().list()).containsExactly(account("old", 2));
        assertThat(accounts().getVersioned("old").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void eventTimesAreTruncatedToMicrosecondsLikeEveryOtherInstant() {
        long from = feed().lastSequence();
        clock().set(DepotConformanceSuite.START.plusNanos(123_456_789));

        accounts().insert(account("a", 1));

        assertThat(feed().since(from)).extracting(ChangeEvent::time)
                .containsExactly(DepotConformanceSuite.START.plusNanos(123_456_000));
    }

    @Test
    void sinceWithALimitResumesWithoutMissingOrRepeating() {
        long from = feed().lastSequence();
        List<String> written = insertAccounts("k", FEED_EVENTS);

        List<ChangeEvent> read = new ArrayList<>();
        long last = from;
        for (List<ChangeEvent> batch = feed().since(last, 3); !batch.isEmpty(); batch = feed().since(last, 3)) {
            assertThat(batch).hasSizeLessThanOrEqualTo(3);
            read.addAll(batch);
            last = batch.getLast().sequence();
        }

        assertThat(keys(read)).containsExactlyElementsOf(written);
        assertStrictlyIncreasing(read);
    }

    @Test
    void subscribeDeliversEverythingAfterItsStartInOrder() {
        long from = feed().lastSequence();
        List<String> before = insertAccounts("a", 3);
        Recorder all = new Recorder(2 * 3);
        Recorder fromSecond = new Recorder(2 * 3 - 2);
        long second = feed().since(from).get(1).sequence();

        long last = feed().lastSequence();
        try (Subscription idle = feed().subscribe(last, new Recorder(0))) {
            assertThat(idle.position()).as("the starting point before any event").isEqualTo(last);
        }
        try (Subscription s1 = feed().subscribe(from, all); Subscription s2 = feed().subscribe(second, fromSecond)) {
            List<String> after = insertAccounts("b", 3);
            List<String> everything = new ArrayList<>(before);
            everything.addAll(after);

            assertThat(keys(all.awaitEvents())).containsExactlyElementsOf(everything);
            assertThat(keys(fromSecond.awaitEvents())).containsExactlyElementsOf(everything.subList(2, 6));
            assertStrictlyIncreasing(all.events);
        }
    }

    @Test
    void aThrowingListenerUnderSkipNeitherAffectsTheWriterNorStopsDelivery() {
        long from = feed().lastSequence();
        Recorder failing = new Recorder(FEED_EVENTS, true);

        try (Subscription s = feed().subscribe(from, failing, FAST_RETRIES.withOnError(OnError.SKIP))) {
            List<String> written = insertAccounts("k", FEED_EVENTS);

            assertThat(keys(failing.awaitEvents())).containsExactlyElementsOf(written);
            awaitUntil("the subscription passed every event", () -> s.position() == feed().lastSequence());
            assertThat(s.state()).isEqualTo(Subscription.State.ACTIVE);
            assertThat(s.lastError()).get().extracting(Throwable::getMessage).isEqualTo("listener failure on purpose");
        }
        assertThat(accounts().count()).isEqualTo(FEED_EVENTS);
    }

    /** A listener that throws on one key until healed, recording every call. */
    static final class FailsOn implements ChangeListener {
        final List<ChangeEvent> calls = new CopyOnWriteArrayList<>();
        final AtomicBoolean healed = new AtomicBoolean();
        private final String key;

        FailsOn(String key) {
            this.key = key;
        }

        @Override
        public void onChange(ChangeEvent event) {
            calls.add(event);
            if (event.key().equals(key) && !healed.get()) {
                throw new IllegalStateException("listener failure on purpose");
            }
        }

        long callsFor(String k) {
            return calls.stream().filter(e -> e.key().equals(k)).count();
        }
    }

    @Test
    void byDefaultAFailingListenerGetsTheSameEventAgainUntilItAcceptsItAndNothingOvertakesIt() {
        long from = feed().lastSequence();
        List<String> written = insertAccounts("k", 4);
        FailsOn listener = new FailsOn(written.get(1));

        try (Subscription s = feed().subscribe(from, listener, FAST_RETRIES)) {
            awaitUntil("the second event failed three times", () -> listener.callsFor(written.get(1)) >= 3);
            assertThat(s.state()).isEqualTo(Subscription.State.RETRYING);
            assertThat(s.position()).isEqualTo(from + 1);
            assertThat(s.lastError()).get().isInstanceOf(IllegalStateException.class);
            assertThat(keys(listener.calls)).doesNotContain(written.get(2), written.get(3));

            listener.healed.set(true);
            awaitUntil("every event was accepted", () -> s.position() == from + 4);
            awaitUntil("the subscription is active again", () -> s.state() == Subscription.State.ACTIVE);
        }
        List<String> calls = keys(listener.calls);
        assertThat(calls.stream().distinct().toList()).containsExactlyElementsOf(written);
        assertThat(calls).isSorted(); // at least once, in order: repeats only of the failing event, in place
    }

    @Test
    void stopEndsTheSubscriptionBeforeTheFailedEventSoResubscribingResumesWithIt() {
        long from = feed().lastSequence();
        List<String> written = insertAccounts("k", 4);
        FailsOn listener = new FailsOn(written.get(1));

        Subscription s = feed().subscribe(from, listener, FAST_RETRIES.withOnError(OnError.STOP));
        awaitUntil("the subscription stopped", () -> s.state() == Subscription.State.STOPPED);
        assertThat(s.position()).isEqualTo(from + 1);
        assertThat(keys(listener.calls)).containsExactly(written.get(0), written.get(1));
        assertThat(s.lastError()).get().isInstanceOf(IllegalStateException.class);
        s.close();

        Recorder rest = new Recorder(3);
        try (Subscription again = feed().subscribe(s.position(), rest)) {
            assertThat(keys(rest.awaitEvents())).containsExactlyElementsOf(written.subList(1, 4));
        }
    }

    @Test
    void aSubscriptionReportsItsStateAndIsClosedQuietlyWithItsDepot() throws InterruptedException {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try {
            List<Subscription> subs = new ArrayList<>();
            try (Depot second = fixture().open(clock())) {
                for (int i = 0; i < 3; i++) {
                    subs.add(second.changes().subscribe(second.changes().lastSequence(), new Recorder(0)));
                }
                Thread.sleep(50); // let them start; closing the backend while one is in a call used to kill it loudly
                assertThat(subs).allSatisfy(s -> {
                    assertThat(s.state()).isEqualTo(Subscription.State.ACTIVE);
                    assertThat(s.lastError()).isEmpty();
                });
            }
            for (Subscription s : subs) { // CLOSED: its thread has ended
                awaitUntil("the subscription is closed", () -> s.state() == Subscription.State.CLOSED);
            }
            Thread.sleep(10); // an uncaught exception is reported right after its thread ends
            assertThat(uncaught).isEmpty();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Test
    void concurrentReadersSeeEverySequenceOnceAndInOrder() {
        long from = feed().lastSequence();
        int writers = 4;
        int each = 25;
        List<Long> polled = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        var poller = Concurrently.async(() -> {
            long last = from;
            while (!done.get() || last < feed().lastSequence()) {
                for (ChangeEvent e : feed().since(last, 7)) {
                    polled.add(e.sequence());
                    last = e.sequence();
                }
            }
            return null;
        });
        Recorder subscribed = new Recorder(writers * each);
        try (Subscription s = feed().subscribe(from, subscribed)) {
            Concurrently.run(writers, w -> {
                for (int i = 0; i < each; i++) {
                    if (i % 2 == 0) {
                        accounts().save(account("w" + w + "-" + i, i));
                    } else {
                        int n = i;
                        depot().transact(tx -> tx.records(KitModel.ACCOUNTS).save(account("w" + w + "-" + n, n)));
                    }
                }
            });
            done.set(true);
            Concurrently.result(poller);
            List<Long> expected = LongStream.rangeClosed(from + 1, from + writers * each).boxed().toList();
            assertThat(polled).containsExactlyElementsOf(expected);
            assertThat(map(subscribed.awaitEvents(), ChangeEvent::sequence)).containsExactlyElementsOf(expected);
        }
    }

    // ---- commit outcome ----

    @Test
    void aCommittedTransactionsIdFindsItsEvents() {
        long from = feed().lastSequence();
        String id = depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            tx.records(KitModel.ACCOUNTS).insert(account("b", 2));
            return tx.id();
        });
        accounts().insert(account("c", 3)); // an auto-commit write after it

        CommitOutcome outcome = depot().commitOutcome(id);
        assertThat(outcome.status()).isEqualTo(CommitOutcome.Status.COMMITTED);
        assertThat(outcome.committed()).isTrue();
        assertThat(outcome.firstSequence()).isEqualTo(from + 1);
        assertThat(outcome.lastSequence()).isEqualTo(from + 2);
    }

    @Test
    void rolledBackReadOnlyAndConflictingTransactionsAreNotCommitted() {
        accounts().insert(account("a", 1));
        List<String> ids = new ArrayList<>();
        assertThatThrownBy(() -> depot().transact(tx -> {
            ids.add(tx.id());
            tx.records(KitModel.ACCOUNTS).save(account("a", 2));
            throw new IllegalStateException("roll back on purpose");
        })).isInstanceOf(IllegalStateException.class);
        depot().transact(tx -> {
            ids.add(tx.id());
            return tx.records(KitModel.ACCOUNTS).get("a");
        });
        assertThatThrownBy(() -> depot().transact(tx -> {
            ids.add(tx.id());
            tx.records(KitModel.ACCOUNTS).get("a");
            Concurrently.elsewhere(() -> accounts().save(account("a", 3)));
            tx.records(KitModel.ACCOUNTS).save(account("a", 4));
            return null;
        })).isInstanceOf(ConflictException.class);

        assertThat(ids).doesNotHaveDuplicates();
        for (String id : ids) {
            assertThat(depot().commitOutcome(id).status()).as(id).isEqualTo(CommitOutcome.Status.NOT_COMMITTED);
        }
        assertThat(depot().commitOutcome(ids.get(0)).firstSequence()).isZero();
    }

    @Test
    void aCommitWhoseEventsMayHaveBeenDroppedIsUnknown() {
        String committed = depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            return tx.id();
        });
        List<String> rolledBack = new ArrayList<>();
        assertThatThrownBy(() -> depot().transact(tx -> {
            rolledBack.add(tx.id());
            tx.records(KitModel.ACCOUNTS).save(account("b", 2));
            throw new IllegalStateException("roll back on purpose");
        })).isInstanceOf(IllegalStateException.class);

        depot().clear();

        assertThat(depot().commitOutcome(committed).status()).isEqualTo(CommitOutcome.Status.UNKNOWN);
        assertThat(depot().commitOutcome(rolledBack.get(0)).status()).isEqualTo(CommitOutcome.Status.UNKNOWN);
        // A transaction begun after the clear is decided again.
        String after = depot().transact(tx -> tx.id());
        assertThat(depot().commitOutcome(after).status()).isEqualTo(CommitOutcome.Status.NOT_COMMITTED);
    }

    @Test
    void aCommitDroppedByRetentionIsUnknownAndOneStillRetainedIsCommitted() {
        String old = depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("old", 1));
            return tx.id();
        });
        clock().advance(DEFAULT_RETENTION.plusDays(1));
        String recent = depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("new", 1));
            return tx.id();
        });

        assertThat(depot().commitOutcome(old).status()).isEqualTo(CommitOutcome.Status.UNKNOWN);
        assertThat(depot().commitOutcome(recent).status()).isEqualTo(CommitOutcome.Status.COMMITTED);
    }

    @Test
    void anythingButACommitIdIsRefused() {
        for (String bad : new String[] {"", "nope", "1-2-3", "-1-0123456789abcdef-1", "x".repeat(100)}) {
            assertThatThrownBy(() -> depot().commitOutcome(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("commit id");
        }
        assertThatThrownBy(() -> depot().commitOutcome(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBlockedListenerDoesNotHoldUpTheWriter() {
        long from = feed().lastSequence();
        CountDownLatch release = new CountDownLatch(1);
        Recorder recorder = new Recorder(FEED_EVENTS);

        try (Subscription s = feed().subscribe(from, e -> {
            Concurrently.await(release);
            recorder.onChange(e);
        })) {
            List<String> written = Concurrently.elsewhere(() -> insertAccounts("k", FEED_EVENTS));
            release.countDown();

            assertThat(keys(recorder.awaitEvents())).containsExactlyElementsOf(written);
        }
    }

    @Test
    void closingASubscriptionStopsDelivery() {
        long from = feed().lastSequence();
        Recorder closed = new Recorder(1);
        Subscription subscription = feed().subscribe(from, closed);
        insertAccounts("a", 1);
        closed.awaitEvents();

        subscription.close();
        subscription.close();
        long closedAt = feed().lastSequence();
        insertAccounts("b", 3);
        Recorder witness = new Recorder(3);
        try (Subscription s = feed().subscribe(closedAt, witness)) {
            witness.awaitEvents();
        }

        assertThat(closed.events).allMatch(e -> e.sequence() <= closedAt);
    }

    @Test
    void closingTheDepotStopsItsSubscriptions() {
        Recorder onClosedDepot = new Recorder(0);
        long closedAt;
        try (Depot second = fixture().open(clock())) {
            second.changes().subscribe(second.changes().lastSequence(), onClosedDepot);
            closedAt = feed().lastSequence();
        }
        insertAccounts("k", 3);
        Recorder witness = new Recorder(3);
        try (Subscription s = feed().subscribe(closedAt, witness)) {
            witness.awaitEvents();
        }

        assertThat(onClosedDepot.events).isEmpty();
    }

    @Test
    void eventsOlderThanTheRetentionAreDropped() {
        long from = feed().lastSequence();
        insertAccounts("old", 2);

        clock().advance(DEFAULT_RETENTION.plusDays(1));
        insertAccounts("new", 1);

        assertThat(keys(feed().since(from))).containsExactly("new00");
        assertThat(depot().stats().changeEvents()).isEqualTo(1);
    }

    @Test
    void eventsPastTheRetentionAreNotReadAlsoWithoutLaterCommits() {
        long from = feed().lastSequence();
        insertAccounts("old", 2);
        assertThat(keys(feed().since(from))).containsExactly("old00", "old01");

        clock().advance(DEFAULT_RETENTION.plusDays(1));

        assertThat(feed().since(from)).isEmpty();
        assertThat(depot().stats().changeEvents()).isZero();
        insertAccounts("new", 1);
        assertThat(keys(feed().since(from))).containsExactly("new00");
    }

    @Test
    void clearingTheDepotEmptiesTheFeedButSequencesKeepIncreasing() {
        insertAccounts("a", 2);
        long before = feed().lastSequence();

        depot().clear();
        assertThat(feed().since(0)).isEmpty();
        accounts().insert(account("b", 1));

        assertThat(feed().since(0)).singleElement().satisfies(e -> assertThat(e.sequence()).isGreaterThan(before));
    }
}
