package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import dev.depot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The divergences {@link QueueDifferentialProperties} found between memory and the SQL queues, each
 * as its smallest program, checked on memory and on every database (CONTRACT.md "Queues").
 */
final class QueueDivergenceTest {
    private static final String PREFIX = "qdiv_";
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration HALF_MICRO = Duration.ofNanos(500);
    private static final Duration NO_WAIT = Duration.ZERO;

    static Stream<Arguments> depots() {
        return Stream.concat(Stream.of(Arguments.of("memory", (TestDatabases.UrlSource) () -> "memory:")), TestDatabases.all(PREFIX));
    }

    private final TestClock clock = new TestClock(START);

    private Depot open(TestDatabases.UrlSource url) {
        return Depot.open(url.url(), DepotOptions.defaults().clock(clock));
    }

    private static String text(Lease l) {
        return l.payloadText();
    }

    /** Memory kept nanoseconds of notBefore, expireAfter, lease timeouts, extensions and retry delays; SQL stores microseconds. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void instantsAQueueComputesAreTruncatedToMicrosecondsLikeEveryStoredInstant(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            WorkQueue q = depot.queue("jobs");
            clock.set(START.plus(HALF_MICRO));
            String now = q.produce(Message.of("a").notBefore(clock.instant()));
            String expiring = q.produce(Message.of("b").expireAfter(Duration.ofMillis(1).plus(HALF_MICRO)));

            assertThat(q.inspect(now).orElseThrow().state()).as("a notBefore within this microsecond is now").isEqualTo(ItemState.READY);
            assertThat(q.inspect(expiring).orElseThrow().expiresAt()).isEqualTo(START.plusMillis(1));
            Lease l = q.lease(1, NO_WAIT).getFirst();
            assertThat(l.expiresAt()).isEqualTo(START.plusSeconds(30));
            assertThat(q.extend(l, Duration.ofMillis(1).plus(HALF_MICRO)).expiresAt()).isEqualTo(START.plusMillis(1));
            q.retry(l, Duration.ofNanos(1_500));
            assertThat(q.inspect(now).orElseThrow().readyAt()).isEqualTo(START.plusNanos(1_000));
        }
    }

    /** SQL deleted the queues with their items: "depot.clear() empties every queue and gives it the default options again". */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void clearingTheDepotKeepsEveryQueueWithTheDefaultOptions(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            depot.queue("jobs", QueueOptions.defaults().maxAttempts(2)).produce(Message.of("a"));

            depot.clear();

            assertThat(depot.queues()).containsEntry("jobs", QueueOptions.defaults());
            assertThat(depot.queue("jobs").stats().pending()).isZero();
        }
    }

    /** SQL's commit inserted before processing due work, so an item past its deadline still held its dedup key. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void aTransactionalProduceFindsTheKeyOfAnItemPastItsDeadlineReleased(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            WorkQueue q = depot.queue("jobs");
            String first = q.produce(Message.of("first").dedupKey("k").expireAfter(Duration.ofMillis(1)));
            clock.advance(Duration.ofMillis(1));

            depot.inTransaction(tx -> tx.queue("jobs").produce(Message.of("second").dedupKey("k")));

            assertThat(q.lease(10, NO_WAIT)).extracting(QueueDivergenceTest::text).containsExactly("second");
            assertThat(q.inspect(first).orElseThrow().deadReason()).isEqualTo("expired");
        }
    }

    /**
     * A call first processes what is due, then acts: an item whose lease ended at this instant goes
     * before one a produce or a retry makes ready at this instant (SQL numbered them in the order the
     * rows were written, and a plain produce writes without processing due work).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void whatBecameDueAtAnInstantGoesBeforeWhatACallMakesReadyThen(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            WorkQueue q = depot.queue("jobs");
            q.produce(List.of(Message.of("expires"), Message.of("retried")));
            Lease expires = q.lease(1, NO_WAIT).getFirst();
            clock.advance(Duration.ofSeconds(10));
            Lease retried = q.lease(1, NO_WAIT).getFirst();
            clock.set(expires.expiresAt());

            q.produce(Message.of("produced"));
            q.retry(retried, Duration.ZERO);

            assertThat(q.lease(10, NO_WAIT)).extracting(QueueDivergenceTest::text).containsExactly("expires", "produced", "retried");
        }
    }

    /**
     * Complete, retry, dead-letter and extend process due work first on SQL too: an item that died on
     * its last attempt reaches its dead-letter queue at the next call on its queue, not later.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void aSettlingCallHandsWhatDiedMeanwhileToTheDeadLetterQueue(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1).deadLetter("dead"));
            WorkQueue dead = depot.queue("dead");
            String dies = q.produce(Message.of("dies"));
            q.produce(Message.of("done"));
            q.lease(1, NO_WAIT);
            clock.advance(Duration.ofSeconds(1));
            Lease done = q.lease(1, NO_WAIT).getFirst();
            clock.set(START.plusSeconds(30));

            q.complete(done);

            assertThat(dead.list(null, 10, null).items()).as("arrived at the complete call").singleElement().satisfies(i -> {
                assertThat(i.id()).isEqualTo(dies);
                assertThat(i.readyAt()).isEqualTo(START.plusSeconds(30));
            });
        }
    }

    /** clear() counted items whose retention had passed but that no call had processed yet (both backends). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void clearProcessesDueWorkFirstSoItemsPastTheirRetentionAreNotCounted(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            WorkQueue q = depot.queue("jobs", QueueOptions.defaults().deadRetention(Duration.ofSeconds(1)));
            q.produce(Message.of("gone").expireAfter(Duration.ofMillis(1)));
            q.produce(Message.of("kept"));
            clock.advance(Duration.ofSeconds(2));

            assertThat(q.clear()).isEqualTo(1);
        }
    }

    /** "The options in force when a lease ends decide": both applied the options of the call that processed the expiry. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void newOptionsDoNotJudgeALeaseThatEndedBefore(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(5));
            q.produce(Message.of("a"));
            q.lease(1, NO_WAIT);
            clock.advance(Duration.ofSeconds(30));

            depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1));

            assertThat(q.stats().dead()).isZero();
            assertThat(q.lease(1, NO_WAIT)).singleElement().satisfies(l -> assertThat(l.attempt()).isEqualTo(2));
        }
    }

    /** Dead letters are handed over after the source queue's operation: after a transaction's own produce into that queue. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void deadLettersOfATransactionsCommitArriveAfterItsOwnItems(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            WorkQueue dead = depot.queue("dead");
            WorkQueue q = depot.queue("jobs", QueueOptions.defaults().deadLetter("dead"));
            q.produce(Message.of("expired").expireAfter(Duration.ofMillis(1)));
            clock.advance(Duration.ofMillis(1));

            depot.inTransaction(tx -> {
                tx.queue("jobs").produce(Message.of("job"));
                tx.queue("dead").produce(Message.of("own"));
            });

            assertThat(dead.lease(10, NO_WAIT)).extracting(QueueDivergenceTest::text).containsExactly("own", "expired");
        }
    }

    /** Memory kept dead items in the order they were processed, so one that died earlier waited behind later deaths. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depots")
    void aDeadItemLeavesWhenItsRetentionEndsWhateverDiedAfterItInTheSameCall(String db, TestDatabases.UrlSource url) {
        try (Depot depot = open(url)) {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1)
                    .deadRetention(Duration.ofSeconds(1)));
            q.produce(Message.of("leased"));
            q.produce(Message.of("expires").expireAfter(Duration.ofMillis(1)));
            q.lease(1, NO_WAIT);
            clock.advance(Duration.ofSeconds(30)); // one call finds the lease ended now and the deadline 30 s ago

            assertThat(q.list(null, 10, null).items()).extracting(i -> new String(i.payload(), java.nio.charset.StandardCharsets.UTF_8))
                    .containsExactly("leased");
        }
    }
}
