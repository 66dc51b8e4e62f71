package dev.depot.tck;

import static dev.depot.tck.Concurrently.async;
import static dev.depot.tck.Concurrently.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Attempt;
import dev.depot.BatchResult;
import dev.depot.Capability;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.LeaseExpiredException;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import dev.depot.tck.KitModel.Account;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Work queues (CONTRACT.md "Queues"): order, fenced leases, attempts and dead letters, dedup,
 * scheduling and expiry, batches, inspection, long polling, options, and transactions. Time moves
 * only through the suite's {@code TestClock}; only the long-poll tests wait on real time, with
 * latches and the hang guard, never with timing assertions.
 */
abstract class QueueTests extends FeatureTests {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Duration NO_WAIT = Duration.ZERO;
    private static final Duration HALF_MICRO = Duration.ofNanos(500);

    QueueTests(DepotConformanceSuite suite) {
        super(suite);
    }

    /** The queue {@code jobs} with these options, skipping the test on a backend without queues. */
    final WorkQueue jobs(QueueOptions options) {
        assumeCapability(Capability.QUEUES);
        return depot().queue("jobs", options);
    }

    final WorkQueue jobs() {
        return jobs(QueueOptions.leaseTimeout(TIMEOUT));
    }

    static Message msg(String text) {
        return Message.of(text);
    }

    static List<String> texts(List<Lease> leases) {
        return map(leases, Lease::payloadText);
    }

    static List<Message> messages(int n) {
        return IntStream.range(0, n).mapToObj(i -> msg("m" + i)).toList();
    }

    /**
     * A payload of exactly 4 MiB made only of the bytes SQL text protocols escape (NUL, quotes,
     * backslash, newline) round-trips on every backend; one byte more is refused at the call, naming
     * the queue and the limit, and nothing is produced.
     */
    @Test
    void payloadsAtTheLimitRoundTripAndLargerOnesAreRefused() {
        WorkQueue q = jobs();
        byte[] hostile = {0, '\'', '"', '\\', '\n', '\r', 0x1a};
        byte[] payload = new byte[4 << 20];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = hostile[i % hostile.length];
        }
        q.produce(Message.of(payload).header("h", "v"));
        List<Lease> got = q.lease(1, NO_WAIT);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).payload()).isEqualTo(payload);
        q.complete(got.get(0));
        byte[] over = java.util.Arrays.copyOf(payload, payload.length + 1);
        assertThatThrownBy(() -> q.produce(Message.of(over)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobs").hasMessageContaining("4194304");
        assertThat(q.lease(1, NO_WAIT)).as("nothing produced").isEmpty();
    }

    /**
     * Header names and values and dedup keys are UTF-8 text: an unpaired surrogate (which has no
     * UTF-8 form; SQL backends stored it as '?', memory kept it) is refused when the message is built,
     * and text with real surrogate pairs round-trips on every backend.
     */
    @Test
    void headersAndDedupKeysAreUtf8Text() {
        assertThatThrownBy(() -> Message.of("x").header("h", "a\ud800b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Message.of("x").header("k\udc00", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Message.of("x").dedupKey("d\ud800"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        WorkQueue q = jobs();
        q.produce(Message.of("x").header("ключ \ud83d\ude00", "значение \ud83d\ude00").dedupKey("d \ud83d\ude00"));
        Lease got = q.lease(1, NO_WAIT).get(0);
        assertThat(got.headers()).containsExactly(java.util.Map.entry("ключ \ud83d\ude00", "значение \ud83d\ude00"));
        assertThat(got.dedupKey()).isEqualTo("d \ud83d\ude00");
    }

    /** Holders and dead-letter reasons are text every backend stores (PostgreSQL refuses U+0000). */
    @Test
    void leaseHoldersAndDeadLetterReasonsAreStorableText() {
        WorkQueue q = jobs();
        q.produce(Message.of("x"));
        for (String bad : List.of("w\u0000", "w\ud800")) {
            assertThatThrownBy(() -> q.lease(bad, 1, NO_WAIT)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("jobs").hasMessageContaining("holder");
        }
        Lease got = q.lease("worker \ud83d\ude00", 1, NO_WAIT).get(0);
        for (String bad : List.of("r\u0000", "r\udc00")) {
            assertThatThrownBy(() -> q.deadLetter(got, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("jobs").hasMessageContaining("reason");
        }
        q.deadLetter(got, "gave up \ud83d\ude00");
        assertThat(q.stats().dead()).isEqualTo(1);
    }

    // ---- capability ----

    @Test
    void queuesMatchTheirDeclaration() {
        if (has(Capability.QUEUES)) {
            assertThat(depot().queue("jobs").name()).isEqualTo("jobs");
        } else {
            assertThatThrownBy(() -> depot().queue("jobs")).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("QUEUES");
            assertThatThrownBy(() -> depot().transact(tx -> tx.queue("jobs")))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void theDepotListsEveryQueueWithItsOptionsByName() {
        if (!has(Capability.QUEUES)) {
            assertThatThrownBy(() -> depot().queues()).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        QueueOptions slow = QueueOptions.leaseTimeout(Duration.ofMinutes(2)).maxAttempts(3);
        depot().queue("zeta", slow);
        depot().queue("alpha");
        depot().queue("mid", QueueOptions.defaults().deadLetter("alpha"));
        java.util.SortedMap<String, QueueOptions> all = depot().queues();
        assertThat(all).containsEntry("zeta", slow).containsEntry("alpha", QueueOptions.defaults())
                .containsEntry("mid", QueueOptions.defaults().deadLetter("alpha"));
        assertThat(new ArrayList<>(all.keySet())).as("by name").isSorted();
        assertThatThrownBy(() -> all.put("other", slow)).isInstanceOf(UnsupportedOperationException.class);

        depot().queue("zeta", slow.maxAttempts(7));
        assertThat(depot().queues().get("zeta").maxAttempts()).as("options changed later").isEqualTo(7);
        assertThat(all.get("zeta").maxAttempts()).as("an earlier listing is a snapshot").isEqualTo(3);
    }

    // ---- order and visibility ----

    @Test
    void readyItemsAreLeasedFirstInFirstOut() {
        WorkQueue q = jobs();
        q.produce(msg("a"));
        q.produce(List.of(msg("b"), msg("c")));
        q.produce(msg("d"));

        assertThat(texts(q.lease(3, NO_WAIT))).containsExactly("a", "b", "c");
        assertThat(texts(q.lease(3, NO_WAIT))).containsExactly("d");
    }

    @Test
    void aLeaseCarriesTheItemAndItsLeaseFacts() {
        WorkQueue q = jobs();
        String id = q.produce(msg("hello").header("kind", "welcome").dedupKey("k1"));

        Lease l = q.lease("worker-1", 1, NO_WAIT).getFirst();

        assertThat(l.id()).isEqualTo(id);
        assertThat(l.queue()).isEqualTo("jobs");
        assertThat(l.payloadText()).isEqualTo("hello");
        assertThat(l.headers()).containsExactly(java.util.Map.entry("kind", "welcome"));
        assertThat(l.dedupKey()).isEqualTo("k1");
        assertThat(l.attempt()).isEqualTo(1);
        assertThat(l.holder()).isEqualTo("worker-1");
        assertThat(l.producedAt()).isEqualTo(DepotConformanceSuite.START);
        assertThat(l.leasedAt()).isEqualTo(DepotConformanceSuite.START);
        assertThat(l.expiresAt()).isEqualTo(DepotConformanceSuite.START.plus(TIMEOUT));
        assertThat(l.history()).isEmpty();
    }

    @Test
    void typedPayloadsGoThroughTheCodecAndBytesAreCopied() {
        WorkQueue q = jobs();
        byte[] bytes = "abc".getBytes(StandardCharsets.UTF_8);
        Message m = Message.of(bytes);
        bytes[0] = 'X';
        q.produce(m);
        q.produce(Message.ofValue(new Account("acc", 42)));

        List<Lease> leases = q.lease(2, NO_WAIT);
        leases.getFirst().payload()[0] = 'Y';

        assertThat(leases.getFirst().payloadText()).isEqualTo("abc");
        assertThat(leases.get(1).payload(Account.class)).isEqualTo(new Account("acc", 42));
    }

    @Test
    void aLeasedItemIsInvisibleToOtherConsumersUntilSettled() {
        WorkQueue q = jobs();
        q.produce(List.of(msg("a"), msg("b")));

        Lease a = q.lease(1, NO_WAIT).getFirst();

        assertThat(texts(q.lease(10, NO_WAIT))).containsExactly("b");
        assertThat(q.lease(10, NO_WAIT)).isEmpty();
        clock().advance(TIMEOUT.minusSeconds(1));
        assertThat(q.lease(10, NO_WAIT)).as("still leased").isEmpty();
        q.complete(a);
        assertThat(q.inspect(a.id())).as("completed items are gone").isEmpty();
    }

    @Test
    void leaseOnAnEmptyQueueReturnsAnEmptyListWhenTheWaitEnds() {
        WorkQueue q = jobs();

        assertThat(q.lease(5, NO_WAIT)).isEmpty();
        assertThat(q.lease(5, Duration.ofMillis(20))).isEmpty();
    }

    // ---- fenced leases ----

    @Test
    void anExpiredLeaseReturnsItsItemToTheTailAndItsTokenIsStale() {
        WorkQueue q = jobs();
        q.produce(List.of(msg("a"), msg("b")));
        Lease first = q.lease(1, NO_WAIT).getFirst();

        clock().advance(TIMEOUT.plusSeconds(1));
        q.produce(msg("c"));
        List<Lease> next = q.lease(10, NO_WAIT);

        assertThat(texts(next)).as("a became ready again when its lease expired, before c was produced")
                .containsExactly("b", "a", "c");
        Lease again = next.get(1);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.token()).isNotEqualTo(first.token());
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.history()).singleElement().satisfies(h -> {
            assertThat(h.outcome()).isEqualTo(Attempt.Outcome.EXPIRED);
            assertThat(h.number()).isEqualTo(1);
            assertThat(h.endedAt()).isEqualTo(first.expiresAt());
        });
        assertThatThrownBy(() -> q.complete(first)).isInstanceOf(LeaseExpiredException.class)
                .hasMessageContaining("jobs").hasMessageContaining(first.id());
        assertThatThrownBy(() -> q.retry(first, Duration.ZERO)).isInstanceOf(LeaseExpiredException.class);
        assertThatThrownBy(() -> q.extend(first, TIMEOUT)).isInstanceOf(LeaseExpiredException.class);
        assertThatThrownBy(() -> q.deadLetter(first, "x")).isInstanceOf(LeaseExpiredException.class);
        q.complete(again);
    }

    @Test
    void aLeaseEndsExactlyAtItsExpiry() {
        WorkQueue q = jobs();
        q.produce(msg("a"));
        Lease l = q.lease(1, NO_WAIT).getFirst();

        clock().advance(TIMEOUT);

        assertThatThrownBy(() -> q.complete(l)).isInstanceOf(LeaseExpiredException.class);
        assertThat(q.stats().ready()).isEqualTo(1);
    }

    @Test
    void aSettledLeaseIsStale() {
        WorkQueue q = jobs();
        q.produce(List.of(msg("a"), msg("b")));
        List<Lease> leases = q.lease(2, NO_WAIT);

        q.complete(leases.get(0));
        q.retry(leases.get(1), Duration.ZERO);

        assertThatThrownBy(() -> q.complete(leases.get(0))).isInstanceOf(LeaseExpiredException.class);
        assertThatThrownBy(() -> q.complete(leases.get(1))).isInstanceOf(LeaseExpiredException.class);
        assertThat(q.stats().ready()).isEqualTo(1);
    }

    @Test
    void extendKeepsALeaseAndItsToken() {
        WorkQueue q = jobs();
        q.produce(msg("a"));
        Lease l = q.lease(1, NO_WAIT).getFirst();

        clock().advance(Duration.ofSeconds(20));
        Lease extended = q.extend(l, Duration.ofSeconds(30));
        clock().advance(Duration.ofSeconds(20)); // 40 s after leasing: past the first expiry

        assertThat(extended.token()).isEqualTo(l.token());
        assertThat(extended.expiresAt()).isEqualTo(DepotConformanceSuite.START.plusSeconds(50));
        assertThat(q.lease(1, NO_WAIT)).isEmpty();
        q.complete(l); // the old object carries the same token
        assertThat(q.stats().pending()).isZero();
    }

    @Test
    void everyLeaseExpiresAtItsOwnTimeEvenWhenTimeoutsDiffer() {
        WorkQueue q = jobs();
        q.produce(List.of(msg("long"), msg("short"), msg("extended")));
        Lease longLease = q.lease(1, NO_WAIT).getFirst();                       // expires at +30 s
        depot().queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(5)));
        q.lease(1, NO_WAIT);                                                     // expires at +5 s
        Lease extended = q.extend(q.lease(1, NO_WAIT).getFirst(), Duration.ofSeconds(2)); // shortened to +2 s

        clock().advance(Duration.ofSeconds(2));
        assertThat(q.list(ItemState.READY, 10, null).items()).extracting(i -> new String(i.payload(), StandardCharsets.UTF_8))
                .containsExactly("extended");
        clock().advance(Duration.ofSeconds(3));
        assertThat(q.list(ItemState.READY, 10, null).items()).hasSize(2);
        assertThat(q.inspect(longLease.id()).orElseThrow().state()).isEqualTo(ItemState.LEASED);
        assertThat(extended.expiresAt()).isEqualTo(DepotConformanceSuite.START.plusSeconds(2));
    }

    // ---- retries, attempts, dead letters ----

    @Test
    void aRetriedItemGoesToTheTail() {
        WorkQueue q = jobs();
        q.produce(List.of(msg("a"), msg("b")));
        Lease a = q.lease(1, NO_WAIT).getFirst();

        q.retry(a, Duration.ZERO);

        List<Lease> next = q.lease(10, NO_WAIT);
        assertThat(texts(next)).containsExactly("b", "a");
        assertThat(next.get(1).history()).singleElement()
                .satisfies(h -> assertThat(h.outcome()).isEqualTo(Attempt.Outcome.RETRIED));
    }

    @Test
    void aRetryWithADelayIsScheduled() {
        WorkQueue q = jobs();
        q.produce(msg("a"));
        q.retry(q.lease(1, NO_WAIT).getFirst(), Duration.ofMinutes(1));

        assertThat(q.stats()).extracting(QueueStats::ready, QueueStats::scheduled).containsExactly(0L, 1L);
        clock().advance(Duration.ofSeconds(59));
        assertThat(q.lease(1, NO_WAIT)).isEmpty();
        clock().advance(Duration.ofSeconds(1));
        assertThat(texts(q.lease(1, NO_WAIT))).containsExactly("a");
    }

    @Test
    void attemptsAreCountedAtLeaseAndTheLastFailedAttemptDeadLettersWithItsHistory() {
        assumeCapability(Capability.QUEUES);
        WorkQueue dead = depot().queue("jobs_dead", QueueOptions.defaults());
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(2).deadLetter("jobs_dead"));
        String id = q.produce(msg("a").header("kind", "x"));

        Lease first = q.lease("w1", 1, NO_WAIT).getFirst();
        clock().advance(TIMEOUT);                                   // attempt 1 expires
        Lease second = q.lease("w2", 1, NO_WAIT).getFirst();
        assertThat(second.attempt()).isEqualTo(2);
        clock().advance(Duration.ofSeconds(3));
        q.retry(second, Duration.ZERO);                             // attempt 2 of 2 ends: dead

        assertThat(q.stats().pending()).isZero();
        assertThat(q.inspect(id)).isEmpty();
        QueueItem item = dead.inspect(id).orElseThrow();
        assertThat(item.state()).isEqualTo(ItemState.READY);
        assertThat(item.deadFrom()).isEqualTo("jobs");
        assertThat(item.deadReason()).contains("last attempt");
        assertThat(item.headers()).containsEntry("kind", "x");
        Lease fromDead = dead.lease(1, NO_WAIT).getFirst();
        assertThat(fromDead.id()).isEqualTo(id);
        assertThat(fromDead.attempt()).as("attempts restart in the dead-letter queue").isEqualTo(1);
        assertThat(fromDead.history()).hasSize(2);
        Attempt h1 = fromDead.history().get(0);
        Attempt h2 = fromDead.history().get(1);
        assertThat(h1).isEqualTo(new Attempt(1, first.leasedAt(), first.expiresAt(), "w1", Attempt.Outcome.EXPIRED, "lease expired"));
        assertThat(h2.number()).isEqualTo(2);
        assertThat(h2.holder()).isEqualTo("w2");
        assertThat(h2.outcome()).isEqualTo(Attempt.Outcome.RETRIED);
        assertThat(h2.endedAt()).isEqualTo(second.leasedAt().plusSeconds(3));
    }

    @Test
    void anExpiredLastAttemptDeadLettersToo() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1));
        String id = q.produce(msg("a"));
        q.lease(1, NO_WAIT);

        clock().advance(TIMEOUT);

        assertThat(q.stats()).extracting(QueueStats::ready, QueueStats::leased, QueueStats::dead).containsExactly(0L, 0L, 1L);
        QueueItem item = q.inspect(id).orElseThrow();
        assertThat(item.state()).isEqualTo(ItemState.DEAD);
        assertThat(item.history()).singleElement().satisfies(h -> assertThat(h.outcome()).isEqualTo(Attempt.Outcome.EXPIRED));
    }

    @Test
    void deadLetterMovesAnItemAtOnceWithItsReason() {
        assumeCapability(Capability.QUEUES);
        WorkQueue dead = depot().queue("jobs_dead", QueueOptions.defaults());
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(5).deadLetter("jobs_dead"));
        String id = q.produce(msg("a"));

        q.deadLetter(q.lease(1, NO_WAIT).getFirst(), "bad input");

        assertThat(q.stats().pending()).isZero();
        QueueItem item = dead.inspect(id).orElseThrow();
        assertThat(item.deadReason()).isEqualTo("bad input");
        assertThat(item.history()).singleElement().satisfies(h -> {
            assertThat(h.outcome()).isEqualTo(Attempt.Outcome.DEAD_LETTERED);
            assertThat(h.reason()).isEqualTo("bad input");
        });
    }

    @Test
    void withoutADeadLetterQueueDeadItemsStayUntilTheirRetentionEnds() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).deadRetention(Duration.ofHours(1)));
        String id = q.produce(msg("a"));
        q.deadLetter(q.lease(1, NO_WAIT).getFirst(), "poison");

        assertThat(q.stats().dead()).isEqualTo(1);
        assertThat(q.list(ItemState.DEAD, 10, null).items()).singleElement()
                .satisfies(i -> assertThat(i.deadReason()).isEqualTo("poison"));
        assertThat(q.lease(1, NO_WAIT)).as("dead items are never leased").isEmpty();

        clock().advance(Duration.ofMinutes(59));
        assertThat(q.inspect(id)).isPresent();
        clock().advance(Duration.ofMinutes(1));
        assertThat(q.inspect(id)).isEmpty();
        assertThat(q.stats().dead()).isZero();
    }

    @Test
    void anItemThatDiesInADeadLetterQueueStaysThereAsDead() {
        assumeCapability(Capability.QUEUES);
        WorkQueue dead = depot().queue("jobs_dead", QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1));
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1).deadLetter("jobs_dead"));
        String id = q.produce(msg("a"));
        q.retry(q.lease(1, NO_WAIT).getFirst(), Duration.ZERO);

        dead.retry(dead.lease(1, NO_WAIT).getFirst(), Duration.ZERO);

        assertThat(dead.inspect(id).orElseThrow().state()).isEqualTo(ItemState.DEAD);
        assertThat(dead.inspect(id).orElseThrow().history()).hasSize(2);
    }

    @Test
    void deadLetterQueuesAreOtherQueuesWithoutOneOfTheirOwn() {
        assumeCapability(Capability.QUEUES);
        QueueOptions base = QueueOptions.leaseTimeout(TIMEOUT);

        assertThatThrownBy(() -> depot().queue("jobs", base.deadLetter("jobs")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another queue");
        depot().queue("second", base.deadLetter("third"));
        assertThatThrownBy(() -> depot().queue("jobs", base.deadLetter("second")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("second");
        depot().queue("jobs", base.deadLetter("fourth"));
        assertThatThrownBy(() -> depot().queue("fourth", base.deadLetter("fifth")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dead-letter queue of jobs");
        assertThat(depot().queue("jobs").options().deadLetterQueue()).isEqualTo("fourth");
    }

    @Test
    void changingOptionsAffectsLaterEventsOnly() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1));
        q.produce(List.of(msg("a"), msg("b"), msg("c")));
        Lease a = q.lease(1, NO_WAIT).getFirst();
        q.retry(a, Duration.ZERO);                      // dies under maxAttempts 1
        Lease b = q.lease(1, NO_WAIT).getFirst();       // leased for 30 s

        depot().queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(5)).maxAttempts(3));

        assertThat(q.inspect(a.id()).orElseThrow().state()).as("already dead stays dead").isEqualTo(ItemState.DEAD);
        Lease c = q.lease(1, NO_WAIT).getFirst();
        assertThat(c.expiresAt()).isEqualTo(c.leasedAt().plusSeconds(5));
        clock().advance(Duration.ofSeconds(10));
        q.complete(b);                                  // its 30 s lease still holds
        q.retry(q.lease(1, NO_WAIT).getFirst(), Duration.ZERO);  // c again (attempt 2 of 3): requeued
        assertThat(q.stats().ready()).isEqualTo(1);
    }

    // ---- dedup, scheduling, expiry ----

    @Test
    void aDedupKeyMakesProduceIdempotentWhileItsItemIsInTheQueue() {
        WorkQueue q = jobs();
        String first = q.produce(msg("a").dedupKey("order-42"));

        assertThat(q.produce(msg("again").dedupKey("order-42"))).isEqualTo(first);
        assertThat(q.stats().ready()).isEqualTo(1);
        Lease l = q.lease(1, NO_WAIT).getFirst();
        assertThat(q.produce(msg("while leased").dedupKey("order-42"))).isEqualTo(first);
        q.complete(l);
        String second = q.produce(msg("after").dedupKey("order-42"));

        assertThat(second).isNotEqualTo(first);
        assertThat(q.stats().ready()).isEqualTo(1);
        String scheduled = q.produce(msg("s").dedupKey("later").notBefore(clock().instant().plusSeconds(60)));
        assertThat(q.produce(msg("s2").dedupKey("later"))).as("scheduled items dedup too").isEqualTo(scheduled);
    }

    @Test
    void dedupInOneBatchReturnsTheFirstItemsId() {
        WorkQueue q = jobs();

        List<String> ids = q.produce(List.of(msg("x").dedupKey("k"), msg("y").dedupKey("k")));

        assertThat(ids.get(1)).isEqualTo(ids.get(0));
        assertThat(q.stats().ready()).isEqualTo(1);
    }

    @Test
    void deadItemsDoNotHoldTheirDedupKey() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1));
        String first = q.produce(msg("a").dedupKey("k"));
        q.deadLetter(q.lease(1, NO_WAIT).getFirst(), "no");

        assertThat(q.produce(msg("b").dedupKey("k"))).isNotEqualTo(first);
    }

    @Test
    void notBeforeSchedulesAnItemAndItJoinsTheReadyOrderAtItsTime() {
        WorkQueue q = jobs();
        Instant t0 = clock().instant();
        q.produce(msg("early"));
        q.produce(msg("scheduled").notBefore(t0.plusSeconds(5)));

        assertThat(q.stats()).extracting(QueueStats::ready, QueueStats::scheduled).containsExactly(1L, 1L);
        assertThat(q.inspect(q.list(ItemState.SCHEDULED, 1, null).items().getFirst().id()).orElseThrow().readyAt())
                .isEqualTo(t0.plusSeconds(5));
        clock().advance(Duration.ofSeconds(10));
        q.produce(msg("late"));

        assertThat(texts(q.lease(10, NO_WAIT))).containsExactly("early", "scheduled", "late");
        assertThat(q.produce(msg("past").notBefore(t0))).as("a past notBefore is ready at once").isNotNull();
        assertThat(q.stats().ready()).isEqualTo(1);
    }

    @Test
    void anItemNotCompletedByItsExpireAfterIsDeadLettered() {
        WorkQueue q = jobs();
        String busy = q.produce(msg("leased").expireAfter(Duration.ofSeconds(10)));
        String idle = q.produce(msg("never leased").expireAfter(Duration.ofSeconds(10)));
        q.produce(msg("no deadline"));
        Lease busyLease = q.lease(1, NO_WAIT).getFirst();
        assertThat(busyLease.id()).isEqualTo(busy);

        clock().advance(Duration.ofSeconds(10));

        assertThat(q.inspect(idle).orElseThrow().state()).isEqualTo(ItemState.DEAD);
        assertThat(q.inspect(idle).orElseThrow().deadReason()).isEqualTo("expired");
        assertThat(q.inspect(busy).orElseThrow().state()).as("a current lease still holds").isEqualTo(ItemState.LEASED);
        q.retry(busyLease, Duration.ZERO);
        assertThat(q.inspect(busy).orElseThrow().state()).as("but it is not requeued").isEqualTo(ItemState.DEAD);
        assertThat(texts(q.lease(10, NO_WAIT))).containsExactly("no deadline");
    }

    // ---- batches ----

    @Test
    void batchesHoldOneToAThousandItems() {
        WorkQueue q = jobs();

        assertThatThrownBy(() -> q.produce(List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> q.produce(messages(1001))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.lease(0, NO_WAIT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.lease(1001, NO_WAIT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.complete(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.retry(List.of(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(q.stats().pending()).as("nothing was produced").isZero();

        assertThat(q.produce(messages(1000))).hasSize(1000).doesNotHaveDuplicates();
        assertThat(q.lease(1000, NO_WAIT)).hasSize(1000);
    }

    @Test
    void batchCompleteAndRetryActPerItemAndReportTheStaleOnes() {
        WorkQueue q = jobs();
        q.produce(messages(6));
        List<Lease> leases = q.lease(6, NO_WAIT);
        q.complete(leases.get(1));
        q.complete(leases.get(4));

        BatchResult done = q.complete(leases.subList(0, 3));
        BatchResult retried = q.retry(leases.subList(3, 6), Duration.ZERO);

        assertThat(done.applied()).containsExactly(leases.get(0), leases.get(2));
        assertThat(done.stale()).containsExactly(leases.get(1));
        assertThat(retried.applied()).containsExactly(leases.get(3), leases.get(5));
        assertThat(retried.stale()).containsExactly(leases.get(4));
        assertThat(texts(q.lease(10, NO_WAIT))).containsExactly("m3", "m5");
    }

    @Test
    void badArgumentsAreRejectedByNameAndChangeNothing() {
        WorkQueue q = jobs();
        q.produce(msg("a"));
        Lease l = q.lease(1, NO_WAIT).getFirst();

        assertThatThrownBy(() -> msg("x").dedupKey("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dedup key");
        assertThatThrownBy(() -> msg("x").dedupKey("k".repeat(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> msg("x").header("", "v")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> msg("x").header("h", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> msg("x").expireAfter(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expireAfter");
        assertThatThrownBy(() -> q.produce((Message) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.produce(java.util.Arrays.asList(msg("x"), null))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.lease(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wait");
        assertThatThrownBy(() -> q.lease(1, Duration.ofDays(2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.retry(l, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
        assertThatThrownBy(() -> q.extend(l, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extension");
        assertThatThrownBy(() -> q.deadLetter(l, " ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThatThrownBy(() -> q.complete((Lease) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueueOptions.leaseTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseTimeout");
        assertThatThrownBy(() -> QueueOptions.defaults().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> QueueOptions.defaults().deadLetter("Bad")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dead-letter queue");

        assertThat(q.stats()).extracting(QueueStats::ready, QueueStats::leased).containsExactly(0L, 1L);
        q.complete(l);
    }

    @Test
    void aLeaseFromAnotherQueueIsRejected() {
        WorkQueue q = jobs();
        WorkQueue other = depot().queue("other");
        other.produce(msg("x"));
        Lease l = other.lease(1, NO_WAIT).getFirst();

        assertThatThrownBy(() -> q.complete(l)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
    }

    @Test
    void queueNamesFollowTheCollectionNameRule() {
        assumeCapability(Capability.QUEUES);

        for (String bad : new String[] {"Jobs", "", "1jobs", "jobs-x", "j".repeat(64)}) {
            assertThatThrownBy(() -> depot().queue(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[a-z][a-z0-9_]{0,62}");
        }
        assertThatThrownBy(() -> depot().queue(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(depot().queue("j".repeat(63)).name()).hasSize(63);
    }

    // ---- stats, list, inspect, clear ----

    @Test
    void statsCountEveryStateAndTheOldestReadyAge() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1));
        q.produce(List.of(msg("a"), msg("b"), msg("c"), msg("d")));
        q.produce(msg("later").notBefore(clock().instant().plusSeconds(600)));
        List<Lease> leases = q.lease(2, NO_WAIT);
        q.deadLetter(leases.get(1), "no");
        clock().advance(Duration.ofSeconds(7));

        QueueStats stats = q.stats();

        assertThat(stats).isEqualTo(new QueueStats(2, 1, 1, 1, Duration.ofSeconds(7), 0));
        assertThat(stats.pending()).isEqualTo(4);
    }

    @Test
    void listPagesThroughItemsInProductionOrderFilteredByState() {
        WorkQueue q = jobs();
        List<String> ids = q.produce(messages(5));
        q.lease("w", 2, NO_WAIT);

        Page<QueueItem> first = q.list(null, 2, null);
        Page<QueueItem> second = q.list(null, 2, first.nextCursor());
        Page<QueueItem> third = q.list(null, 2, second.nextCursor());

        assertThat(map(first.items(), QueueItem::id)).containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(map(second.items(), QueueItem::id)).containsExactlyElementsOf(ids.subList(2, 4));
        assertThat(map(third.items(), QueueItem::id)).containsExactly(ids.get(4));
        assertThat(third.nextCursor()).isNull();
        assertThat(q.list(ItemState.LEASED, 10, null).items()).hasSize(2).allSatisfy(i -> {
            assertThat(i.holder()).isEqualTo("w");
            assertThat(i.leaseExpiresAt()).isEqualTo(DepotConformanceSuite.START.plus(TIMEOUT));
            assertThat(i.attempts()).isEqualTo(1);
        });
        assertThat(q.list(ItemState.READY, 10, null).items()).extracting(QueueItem::id).containsExactlyElementsOf(ids.subList(2, 5));
        assertThat(q.inspect("no-such-item")).isEmpty();
        assertThatThrownBy(() -> q.list(null, 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.list(null, 10, "garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clearRemovesEveryItemAndMakesLeasesStale() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1));
        q.produce(messages(4));
        q.produce(msg("later").notBefore(clock().instant().plusSeconds(60)));
        List<Lease> leases = q.lease(2, NO_WAIT);
        q.deadLetter(leases.get(0), "no");

        assertThat(q.clear()).isEqualTo(5);

        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, Duration.ZERO, 0));
        assertThatThrownBy(() -> q.complete(leases.get(1))).isInstanceOf(LeaseExpiredException.class);
        q.produce(msg("fresh"));
        assertThat(texts(q.lease(10, NO_WAIT))).containsExactly("fresh");
    }

    @Test
    void depotClearEmptiesQueuesAndRestoresDefaultOptions() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(Duration.ofSeconds(5)).maxAttempts(1));
        q.produce(msg("a"));

        depot().clear();

        assertThat(q.stats().ready()).isZero();
        assertThat(q.options()).isEqualTo(QueueOptions.defaults());
        assertThat(depot().queues()).as("the queue still exists").containsEntry("jobs", QueueOptions.defaults());
    }

    @Test
    void aClosedDepotsQueuesRefuseEveryCall() {
        assumeCapability(Capability.QUEUES);
        dev.depot.Depot second = fixture().open(clock());
        WorkQueue q = second.queue("closing", QueueOptions.defaults());
        q.produce(msg("a"));
        second.close();

        assertThatThrownBy(() -> q.produce(msg("b"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> q.lease(1, NO_WAIT)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(q::stats).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> second.queue("closing")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void queueOperationsWriteNoChangeEvents() {
        WorkQueue q = jobs();
        long before = lastSequence();

        q.produce(msg("a"));
        q.complete(q.lease(1, NO_WAIT).getFirst());
        depot().transact(tx -> {
            tx.queue("jobs").produce(msg("b"));
            return null;
        });

        assertThat(eventsAfter(before)).isEmpty();
    }

    // ---- long polling ----

    @Test
    void aWaitingLeaseIsWokenByProduce() {
        WorkQueue q = jobs();
        Future<List<Lease>> waiting = async(() -> q.lease(1, HANG_GUARD));
        awaitWaiting(q, 1);

        q.produce(msg("wake"));

        assertThat(texts(result(waiting))).containsExactly("wake");
    }

    @Test
    void waitingConsumersShareNewItems() {
        WorkQueue q = jobs();
        Future<List<Lease>> first = async(() -> q.lease(10, HANG_GUARD));
        Future<List<Lease>> second = async(() -> q.lease(10, HANG_GUARD));
        awaitWaiting(q, 2);

        q.produce(messages(10));

        List<Lease> a = result(first);
        List<Lease> b = result(second);
        assertThat(a).as("first consumer's share").isNotEmpty();
        assertThat(b).as("second consumer's share").isNotEmpty();
        List<String> all = new ArrayList<>(texts(a));
        all.addAll(texts(b));
        assertThat(all).hasSize(10).doesNotHaveDuplicates();
    }

    /** Waits (yielding, bounded by the hang guard) until {@code n} consumers are blocked in lease. */
    static void awaitWaiting(WorkQueue q, int n) {
        awaitTrue(() -> q.stats().waitingConsumers() >= n, n + " waiting consumers");
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("hang guard: never saw " + what);
            }
            Thread.yield();
        }
    }

    // ---- delivery guarantee ----

    /**
     * Producers and consumers on several threads; consumers complete, retry, abandon leases or
     * "die" (drop the rest of their batch and come back as a new holder), and move the clock so
     * abandoned leases expire. Afterwards the recorded history must satisfy {@link QueueHistory}.
     * {@code -Ddepot.queue.items=N} (or {@code -Ddepot.deep=true}) runs it bigger.
     */
    @Test
    void deliveryIsAtLeastOnceWithFencedLeasesUnderConcurrency() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(Duration.ofSeconds(10)).maxAttempts(1_000_000));
        int producers = 3;
        int consumers = 4;
        int perProducer = Integer.getInteger("depot.queue.items", Boolean.getBoolean("depot.deep") ? 50_000 : 600) / producers;
        int total = producers * perProducer;
        QueueHistory history = new QueueHistory();

        Concurrently.run(producers + consumers, n -> {
            java.util.Random rnd = new java.util.Random(n * 31L + 7);
            if (n < producers) {
                for (int made = 0; made < perProducer; ) {
                    int batch = Math.min(perProducer - made, 1 + rnd.nextInt(20));
                    List<Message> ms = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) {
                        ms.add(msg(n + ":" + (made + i)));
                    }
                    history.produced(batch == 1 ? List.of(q.produce(ms.getFirst())) : q.produce(ms));
                    made += batch;
                }
                return;
            }
            int generation = 0;
            // A hang is no progress for the guard's length; a big run (deep profile) may take far longer in all.
            long deadline = System.nanoTime() + HANG_GUARD.toNanos();
            int progress = history.completions();
            while (history.completions() < total) {
                int now = history.completions();
                if (now > progress) {
                    progress = now;
                    deadline = System.nanoTime() + HANG_GUARD.toNanos();
                } else if (System.nanoTime() > deadline) {
                    throw new AssertionError("hang guard: no completion for " + HANG_GUARD + ", " + now + " of " + total + " completed");
                }
                List<Lease> got = q.lease("c" + n + "." + generation, 1 + rnd.nextInt(10), NO_WAIT);
                history.leased(got);
                if (got.isEmpty()) {
                    clock().advance(Duration.ofSeconds(1)); // lets abandoned leases expire
                    Thread.yield();
                    continue;
                }
                List<Lease> toComplete = new ArrayList<>();
                for (Lease l : got) {
                    int dice = rnd.nextInt(100);
                    if (dice < 4) {
                        generation++; // dies mid-item: the rest of the batch is abandoned
                        break;
                    } else if (dice < 12) {
                        continue; // abandons this lease
                    } else if (dice < 22) {
                        try {
                            q.retry(l, Duration.ZERO);
                            history.retried(l);
                        } catch (LeaseExpiredException e) {
                            history.refused(List.of(l));
                        }
                    } else if (dice < 60) {
                        try {
                            q.complete(l);
                            history.completed(List.of(l));
                        } catch (LeaseExpiredException e) {
                            history.refused(List.of(l));
                        }
                    } else {
                        toComplete.add(l);
                    }
                    if (rnd.nextInt(50) == 0) {
                        clock().advance(Duration.ofSeconds(4)); // slow work: some leases expire under their holder
                    }
                }
                if (!toComplete.isEmpty()) {
                    BatchResult r = q.complete(toComplete);
                    history.completed(r.applied());
                    history.refused(r.stale());
                }
            }
        }, history::completions); // a deep run takes minutes: the guard is on progress, not on the whole run

        history.check(total);
        System.out.printf("queue delivery on %s: %d items, %d leases, %d redeliveries, %d stale settlements refused%n",
                fixture().name(), total, history.leaseCount(), history.redeliveries(), history.refusals());
        assertThat(history.redeliveries()).as("the test exercised redelivery").isPositive();
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, Duration.ZERO, 0));
    }

    // ---- transactions ----

    @Test
    void aCommittedTransactionMakesRecordsAndItemsVisibleTogether() {
        WorkQueue q = jobs();
        q.produce(msg("to complete"));
        Lease l = q.lease(1, NO_WAIT).getFirst();

        depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            tx.queue("jobs").produce(msg("outbox"));
            tx.queue("jobs").complete(l);
            assertThat(q.stats().ready()).as("not before commit").isZero();
            assertThat(q.stats().leased()).isEqualTo(1);
            return null;
        });

        assertThat(accounts().exists("a")).isTrue();
        assertThat(texts(q.lease(10, NO_WAIT))).containsExactly("outbox");
        assertThat(q.inspect(l.id())).isEmpty();
    }

    /**
     * A transaction of queue operations only has no change events, and was applied all the same:
     * commitOutcome must say COMMITTED (a caller recovering from an unknown outcome would otherwise
     * produce again), with no sequences; a rolled-back one stays NOT_COMMITTED; and a queue first
     * named in a rolled-back transaction is not created.
     */
    @Test
    void aTransactionOfQueueOperationsOnlyIsCommittedAndARolledBackOneCreatesNoQueue() {
        WorkQueue q = jobs();
        String produced = depot().transact(tx -> {
            tx.queue("jobs").produce(msg("a"));
            return tx.id();
        });
        Lease lease = q.lease(1, NO_WAIT).get(0);
        String completed = depot().transact(tx -> {
            tx.queue("jobs").complete(lease);
            return tx.id();
        });
        List<String> rolledBack = new java.util.ArrayList<>();
        assertThatThrownBy(() -> depot().transact(tx -> {
            rolledBack.add(tx.id());
            tx.queue("never_made").produce(msg("b"));
            throw new IllegalStateException("roll back on purpose");
        })).isInstanceOf(IllegalStateException.class);

        for (String id : List.of(produced, completed)) {
            assertThat(depot().commitOutcome(id)).as(id).isEqualTo(new dev.depot.CommitOutcome(dev.depot.CommitOutcome.Status.COMMITTED, 0, 0));
            assertThat(depot().commitOutcome(id).status()).as("asked twice").isEqualTo(dev.depot.CommitOutcome.Status.COMMITTED);
        }
        assertThat(depot().commitOutcome(rolledBack.get(0)).status()).isEqualTo(dev.depot.CommitOutcome.Status.NOT_COMMITTED);
        assertThat(depot().commitOutcome(rolledBack.get(0)).status()).as("asked twice").isEqualTo(dev.depot.CommitOutcome.Status.NOT_COMMITTED);
        assertThat(depot().queues()).containsKey("jobs").doesNotContainKey("never_made");
    }

    @Test
    void aRolledBackTransactionLeavesTheQueueUnchanged() {
        WorkQueue q = jobs();
        q.produce(List.of(msg("a"), msg("b")));
        List<Lease> leases = q.lease(2, NO_WAIT);
        RuntimeException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            tx.queue("jobs").produce(msg("never"));
            tx.queue("jobs").complete(leases.get(0));
            tx.queue("jobs").retry(leases.get(1), Duration.ZERO);
            throw boom;
        })).isSameAs(boom);

        assertThat(accounts().exists("a")).isFalse();
        assertThat(q.stats()).extracting(QueueStats::ready, QueueStats::leased).containsExactly(0L, 2L);
        q.complete(leases.get(0));
        q.complete(leases.get(1));
    }

    @Test
    void aStaleLeaseFailsTheWholeCommit() {
        WorkQueue q = jobs();
        q.produce(List.of(msg("a"), msg("b")));
        List<Lease> leases = q.lease(2, NO_WAIT);
        q.complete(leases.get(1));

        assertThatThrownBy(() -> depot().transact(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            tx.queue("jobs").produce(msg("c"));
            tx.queue("jobs").complete(leases);
            return null;
        })).isInstanceOf(LeaseExpiredException.class).hasMessageContaining(leases.get(1).id());

        assertThat(accounts().exists("a")).isFalse();
        assertThat(q.stats()).extracting(QueueStats::ready, QueueStats::leased).containsExactly(0L, 1L);
    }

    @Test
    void aLeaseThatExpiresBeforeCommitFailsIt() {
        WorkQueue q = jobs();
        q.produce(msg("a"));
        Lease l = q.lease(1, NO_WAIT).getFirst();

        assertThatThrownBy(() -> depot().transact(tx -> {
            tx.queue("jobs").complete(l);
            clock().advance(TIMEOUT);
            return null;
        })).isInstanceOf(LeaseExpiredException.class);

        assertThat(q.stats().ready()).isEqualTo(1);
    }

    @Test
    void retryAndDeadLetterInATransaction() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(3));
        q.produce(List.of(msg("a"), msg("b")));
        List<Lease> leases = q.lease(2, NO_WAIT);

        depot().transact(tx -> {
            tx.queue("jobs").retry(leases.get(0), Duration.ofSeconds(10));
            tx.queue("jobs").deadLetter(leases.get(1), "bad");
            assertThatThrownBy(() -> tx.queue("jobs").complete(leases.get(1)))
                    .as("one settlement per lease").isInstanceOf(IllegalArgumentException.class);
            return null;
        });

        assertThat(q.stats()).extracting(QueueStats::scheduled, QueueStats::dead).containsExactly(1L, 1L);
    }

    /**
     * Transactions that lock several queues while dead letters move between them: dead items must be
     * handed over without holding one queue's lock while waiting for another's, or a transaction
     * on (dead-letter queue, other) and one on (other, source) wait for each other forever.
     */
    @Test
    void transactionsOnSeveralQueuesWhileDeadLettersMoveDoNotDeadlock() {
        assumeCapability(Capability.QUEUES);
        // A depot of its own, so that a deadlock fails this test (hang guard) and not every later one.
        try (dev.depot.Depot own = fixture().open(clock())) {
            WorkQueue dead = own.queue("q_dead", QueueOptions.defaults());    // created first, so locked first
            WorkQueue other = own.queue("q_other", QueueOptions.defaults());
            WorkQueue source = own.queue("q_source", QueueOptions.leaseTimeout(TIMEOUT).deadLetter("q_dead"));
            dead.clear();
            other.clear();
            source.clear();
            int rounds = 20_000;
            // Each thread stops at 20,000 rounds or when a work budget of 10 s ends, whichever comes
            // first: a SQL backend pays a database commit per call and would otherwise outlast the
            // hang guard without any deadlock. The invariants count the rounds actually done.
            long budgetEnd = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();

            Concurrently.run(2, n -> {
                for (int round = 0; round < rounds && System.nanoTime() < budgetEnd; round++) {
                    int i = round;
                    if (n == 0) {
                        source.produce(msg("s" + i));
                        Lease l = source.lease(1, NO_WAIT).getFirst();
                        own.transact(tx -> {
                            tx.queue("q_other").produce(msg("o" + i));
                            tx.queue("q_source").deadLetter(l, "poison");
                            return null;
                        });
                    } else {
                        own.transact(tx -> {
                            tx.queue("q_dead").produce(msg("d" + i));
                            tx.queue("q_other").produce(msg("p" + i));
                            return null;
                        });
                    }
                    done.incrementAndGet();
                }
            });

            assertThat(done.get()).as("rounds done").isPositive();
            assertThat(dead.stats().ready()).isEqualTo(done.get());
            assertThat(other.stats().ready()).isEqualTo(done.get());
            assertThat(source.stats().pending()).isZero();
            dead.clear();
            other.clear();
        }
    }

    @Test
    void aTransactionQueueIsUnusableAfterTheCallback() {
        assumeCapability(Capability.QUEUES);
        var holder = new ArrayList<dev.depot.TransactionQueue>();
        depot().transact(tx -> holder.add(tx.queue("jobs")));

        assertThatThrownBy(() -> holder.getFirst().produce(msg("late"))).isInstanceOf(IllegalStateException.class);
    }

    // ---- bounds of time and the listing ----

    /** A queue named as a dead-letter queue exists from then on: items can arrive there before anyone opens it. */
    @Test
    void aQueueNamedAsADeadLetterQueueIsListed() {
        assumeCapability(Capability.QUEUES);
        depot().queue("jobs", QueueOptions.defaults().deadLetter("jobs_dead"));

        assertThat(depot().queues()).containsEntry("jobs_dead", QueueOptions.defaults())
                .containsEntry("jobs", QueueOptions.defaults().deadLetter("jobs_dead"));
    }

    /** Every stored instant is in microseconds, so are the durations of options: equal on every backend, and as listed. */
    @Test
    void optionDurationsAreTruncatedToMicroseconds() {
        QueueOptions given = QueueOptions.leaseTimeout(Duration.ofNanos(1_000_999)).deadRetention(Duration.ofNanos(2_500));

        assertThat(given).isEqualTo(QueueOptions.leaseTimeout(Duration.ofNanos(1_000_000)).deadRetention(Duration.ofNanos(2_000)));
        WorkQueue q = jobs(given);
        assertThat(depot().queues().get("jobs").leaseTimeout()).isEqualTo(Duration.ofNanos(1_000_000));
        q.produce(msg("a"));
        assertThat(q.lease(1, NO_WAIT).getFirst().expiresAt()).isEqualTo(DepotConformanceSuite.START.plusNanos(1_000_000));
    }

    @Test
    void deadItemRetentionIsBoundedAndTheBoundWorks() {
        assertThatThrownBy(() -> QueueOptions.defaults().deadRetention(Duration.ofDays(36_501)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadRetention");
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1).deadRetention(Duration.ofDays(36_500)));
        q.produce(msg("a"));
        q.deadLetter(q.lease(1, NO_WAIT).getFirst(), "no");
        clock().advance(Duration.ofDays(36_499));
        assertThat(q.stats().dead()).isEqualTo(1);
        clock().advance(Duration.ofDays(1));
        assertThat(q.stats().dead()).isZero();
    }

    /** notBefore is stored in microseconds since 1970, as every instant: about 290,000 years either way. */
    @Test
    void aFarFutureItemWaitsAndAnInstantBeyondTheStorableRangeIsRefused() {
        Instant far = Instant.parse("+200000-01-01T00:00:00Z");
        assertThatThrownBy(() -> msg("a").notBefore(Instant.MAX)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notBefore");
        assertThatThrownBy(() -> msg("a").notBefore(Instant.parse("-300000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notBefore");
        WorkQueue q = jobs();
        String id = q.produce(msg("later").notBefore(far));
        q.produce(msg("past").notBefore(Instant.parse("-200000-01-01T00:00:00Z")));

        assertThat(texts(q.lease(5, Duration.ofMillis(20)))).containsExactly("past");
        assertThat(q.lease(5, Duration.ofMillis(20))).as("a wait with the next item 200,000 years away").isEmpty();
        QueueItem item = q.inspect(id).orElseThrow();
        assertThat(item.state()).isEqualTo(ItemState.SCHEDULED);
        assertThat(item.readyAt()).isEqualTo(far);
    }

    // ---- one instant, several items: the order is defined ----

    /** Leases granted in one order and ending at one instant put their items back in that order (FIFO kept). */
    @Test
    void leasesEndingTogetherRequeueTheirItemsInTheOrderTheyWereGranted() {
        WorkQueue q = jobs();
        q.produce(msg("later").notBefore(DepotConformanceSuite.START.plusNanos(1_000))); // the lower id, ready second
        q.produce(msg("first"));
        clock().advance(Duration.ofNanos(1_000));
        assertThat(texts(q.lease(2, NO_WAIT))).containsExactly("first", "later");

        clock().advance(TIMEOUT);

        assertThat(texts(q.lease(2, NO_WAIT))).containsExactly("first", "later");
    }

    @Test
    void itemsScheduledForOneInstantBecomeReadyInTheOrderTheyWereScheduled() {
        WorkQueue q = jobs();
        q.produce(List.of(msg("a"), msg("b")));
        List<Lease> got = q.lease(2, NO_WAIT);
        q.retry(List.of(got.get(1), got.get(0)), Duration.ofSeconds(1));

        clock().advance(Duration.ofSeconds(1));

        assertThat(texts(q.lease(2, NO_WAIT))).containsExactly("b", "a");
    }

    /** A lease ending at the instant an item is scheduled for: the leased item was ready first, so it goes first. */
    @Test
    void aLeaseEndingWhenAnItemIsScheduledRequeuesItsItemFirst() {
        WorkQueue q = jobs();
        q.produce(msg("scheduled").notBefore(DepotConformanceSuite.START.plus(TIMEOUT)));
        q.produce(msg("leased"));
        assertThat(texts(q.lease(1, NO_WAIT))).containsExactly("leased");

        clock().set(DepotConformanceSuite.START.plus(TIMEOUT));

        assertThat(texts(q.lease(2, NO_WAIT))).containsExactly("leased", "scheduled");
    }

    /** Dead letters that one call hands over arrive in the order the items died, those that died together by id. */
    @Test
    void deadLettersOfOneCallArriveInTheOrderTheyDied() {
        WorkQueue q = jobs(QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1).deadLetter("jobs_dead"));
        WorkQueue dead = depot().queue("jobs_dead");
        q.produce(msg("leased"));
        q.produce(List.of(msg("x").expireAfter(Duration.ofSeconds(10)), msg("y").expireAfter(Duration.ofSeconds(10))));
        assertThat(texts(q.lease(1, NO_WAIT))).containsExactly("leased");

        clock().advance(Duration.ofSeconds(40));
        q.stats(); // one call finds all three dead: x and y at 10 s, the lease's item at 30 s

        assertThat(texts(dead.lease(3, NO_WAIT))).containsExactly("x", "y", "leased");
    }

    /**
     * A transaction settling leases of two queues that share a dead-letter queue hands their dead
     * letters over together, in the order they died, those that died together by id — not source
     * queue by source queue (memory handed over per queue, in reverse of the order queues were opened).
     */
    @Test
    void deadLettersFromTwoQueuesInOneTransactionArriveInTheOrderTheyDied() {
        assumeCapability(Capability.QUEUES);
        WorkQueue dead = depot().queue("shared_dead");
        QueueOptions options = QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1).deadLetter("shared_dead");
        WorkQueue a = depot().queue("jobs_a", options);
        WorkQueue b = depot().queue("jobs_b", options);
        a.produce(msg("a1"));
        b.produce(msg("b1"));
        a.produce(msg("a2"));
        b.produce(msg("b-expired"));
        Lease b1 = b.lease(1, NO_WAIT).getFirst();
        Lease expiring = b.lease(1, NO_WAIT).getFirst();
        clock().advance(Duration.ofSeconds(1));
        Lease a1 = a.lease(1, NO_WAIT).getFirst();
        Lease a2 = a.lease(1, NO_WAIT).getFirst();
        b.extend(b1, TIMEOUT);
        clock().advance(TIMEOUT.minusMillis(500)); // 30.5 s: b-expired's only lease ended at 30 s

        depot().inTransaction(tx -> {
            tx.queue("jobs_b").deadLetter(b1, "gave up");
            tx.queue("jobs_a").deadLetter(a2, "gave up");
            tx.queue("jobs_a").deadLetter(a1, "gave up");
        });

        assertThat(expiring.payloadText()).isEqualTo("b-expired");
        assertThat(texts(dead.lease(4, NO_WAIT))).as("b-expired died first; a1, b1, a2 died at the commit, by id")
                .containsExactly("b-expired", "a1", "b1", "a2");
    }

    // ---- due work first: what becomes due is processed before a call acts (found by the differential test) ----

    /** Memory kept nanoseconds of notBefore, expireAfter, lease timeouts, extensions and retry delays; SQL stores microseconds. */
    @Test
    void instantsAQueueComputesAreTruncatedToMicrosecondsLikeEveryStoredInstant() {
        assumeCapability(Capability.QUEUES);
        WorkQueue q = depot().queue("jobs");
        clock().set(DepotConformanceSuite.START.plus(HALF_MICRO));
        String now = q.produce(msg("a").notBefore(clock().instant()));
        String expiring = q.produce(msg("b").expireAfter(Duration.ofMillis(1).plus(HALF_MICRO)));

        assertThat(q.inspect(now).orElseThrow().state()).as("a notBefore within this microsecond is now").isEqualTo(ItemState.READY);
        assertThat(q.inspect(expiring).orElseThrow().expiresAt()).isEqualTo(DepotConformanceSuite.START.plusMillis(1));
        Lease l = q.lease(1, NO_WAIT).getFirst();
        assertThat(l.expiresAt()).isEqualTo(DepotConformanceSuite.START.plusSeconds(30));
        assertThat(q.extend(l, Duration.ofMillis(1).plus(HALF_MICRO)).expiresAt()).isEqualTo(DepotConformanceSuite.START.plusMillis(1));
        q.retry(l, Duration.ofNanos(1_500));
        assertThat(q.inspect(now).orElseThrow().readyAt()).isEqualTo(DepotConformanceSuite.START.plusNanos(1_000));
    }

    /** SQL's commit inserted before processing due work, so an item past its deadline still held its dedup key. */
    @Test
    void aTransactionalProduceFindsTheKeyOfAnItemPastItsDeadlineReleased() {
        assumeCapability(Capability.QUEUES);
        WorkQueue q = depot().queue("jobs");
        String first = q.produce(msg("first").dedupKey("k").expireAfter(Duration.ofMillis(1)));
        clock().advance(Duration.ofMillis(1));

        depot().inTransaction(tx -> tx.queue("jobs").produce(msg("second").dedupKey("k")));

        assertThat(q.lease(10, NO_WAIT)).extracting(Lease::payloadText).containsExactly("second");
        assertThat(q.inspect(first).orElseThrow().deadReason()).isEqualTo("expired");
    }

    /**
     * A call first processes what is due, then acts: an item whose lease ended at this instant goes
     * before one a produce or a retry makes ready at this instant (SQL numbered them in the order the
     * rows were written, and a plain produce writes without processing due work).
     */
    @Test
    void whatBecameDueAtAnInstantGoesBeforeWhatACallMakesReadyThen() {
        assumeCapability(Capability.QUEUES);
        WorkQueue q = depot().queue("jobs");
        q.produce(List.of(msg("expires"), msg("retried")));
        Lease expires = q.lease(1, NO_WAIT).getFirst();
        clock().advance(Duration.ofSeconds(10));
        Lease retried = q.lease(1, NO_WAIT).getFirst();
        clock().set(expires.expiresAt());

        q.produce(msg("produced"));
        q.retry(retried, Duration.ZERO);

        assertThat(q.lease(10, NO_WAIT)).extracting(Lease::payloadText).containsExactly("expires", "produced", "retried");
    }

    /**
     * Complete, retry, dead-letter and extend process due work first on SQL too: an item that died on
     * its last attempt reaches its dead-letter queue at the next call on its queue, not later.
     */
    @Test
    void aSettlingCallHandsWhatDiedMeanwhileToTheDeadLetterQueue() {
        assumeCapability(Capability.QUEUES);
        WorkQueue q = depot().queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1).deadLetter("dead"));
        WorkQueue dead = depot().queue("dead");
        String dies = q.produce(msg("dies"));
        q.produce(msg("done"));
        q.lease(1, NO_WAIT);
        clock().advance(Duration.ofSeconds(1));
        Lease done = q.lease(1, NO_WAIT).getFirst();
        clock().set(DepotConformanceSuite.START.plusSeconds(30));

        q.complete(done);

        assertThat(dead.list(null, 10, null).items()).as("arrived at the complete call").singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo(dies);
            assertThat(i.readyAt()).isEqualTo(DepotConformanceSuite.START.plusSeconds(30));
        });
    }

    /** clear() counted items whose retention had passed but that no call had processed yet (both backends). */
    @Test
    void clearProcessesDueWorkFirstSoItemsPastTheirRetentionAreNotCounted() {
        assumeCapability(Capability.QUEUES);
        WorkQueue q = depot().queue("jobs", QueueOptions.defaults().deadRetention(Duration.ofSeconds(1)));
        q.produce(msg("gone").expireAfter(Duration.ofMillis(1)));
        q.produce(msg("kept"));
        clock().advance(Duration.ofSeconds(2));

        assertThat(q.clear()).isEqualTo(1);
    }

    /** "The options in force when a lease ends decide": both applied the options of the call that processed the expiry. */
    @Test
    void newOptionsDoNotJudgeALeaseThatEndedBefore() {
        assumeCapability(Capability.QUEUES);
        WorkQueue q = depot().queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(5));
        q.produce(msg("a"));
        q.lease(1, NO_WAIT);
        clock().advance(Duration.ofSeconds(30));

        depot().queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1));

        assertThat(q.stats().dead()).isZero();
        assertThat(q.lease(1, NO_WAIT)).singleElement().satisfies(l -> assertThat(l.attempt()).isEqualTo(2));
    }

    /** Dead letters are handed over after the source queue's operation: after a transaction's own produce into that queue. */
    @Test
    void deadLettersOfATransactionsCommitArriveAfterItsOwnItems() {
        assumeCapability(Capability.QUEUES);
        WorkQueue dead = depot().queue("dead");
        WorkQueue q = depot().queue("jobs", QueueOptions.defaults().deadLetter("dead"));
        q.produce(msg("expired").expireAfter(Duration.ofMillis(1)));
        clock().advance(Duration.ofMillis(1));

        depot().inTransaction(tx -> {
            tx.queue("jobs").produce(msg("job"));
            tx.queue("dead").produce(msg("own"));
        });

        assertThat(dead.lease(10, NO_WAIT)).extracting(Lease::payloadText).containsExactly("own", "expired");
    }

    /** Memory kept dead items in the order they were processed, so one that died earlier waited behind later deaths. */
    @Test
    void aDeadItemLeavesWhenItsRetentionEndsWhateverDiedAfterItInTheSameCall() {
        assumeCapability(Capability.QUEUES);
        WorkQueue q = depot().queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1)
                .deadRetention(Duration.ofSeconds(1)));
        q.produce(msg("leased"));
        q.produce(msg("expires").expireAfter(Duration.ofMillis(1)));
        q.lease(1, NO_WAIT);
        clock().advance(Duration.ofSeconds(30)); // one call finds the lease ended now and the deadline 30 s ago

        assertThat(q.list(null, 10, null).items()).extracting(i -> new String(i.payload(), StandardCharsets.UTF_8))
                .containsExactly("leased");
    }

    // ---- dropping a queue ----

    /**
     * A drop takes the queue's items in every state, their dedup keys and its options: it is no
     * longer listed, its leases are stale, and opening the name again gives a fresh queue with the
     * options given then.
     */
    @Test
    void droppingAQueueRemovesItsItemsInEveryStateAndItsOptions() {
        assumeCapability(Capability.QUEUES);
        WorkQueue q = depot().queue("jobs", QueueOptions.leaseTimeout(TIMEOUT).maxAttempts(1));
        String ready = q.produce(msg("ready"));
        String scheduled = q.produce(msg("scheduled").notBefore(clock().instant().plusSeconds(60)));
        q.produce(List.of(msg("leased"), msg("dies")));
        List<Lease> leases = q.lease("w", 3, NO_WAIT);
        assertThat(texts(leases)).containsExactly("ready", "leased", "dies");
        q.retry(leases.get(0), NO_WAIT); // its last attempt: dead
        q.deadLetter(leases.get(2), "no");
        String again = q.produce(msg("ready again").dedupKey("k"));
        assertThat(q.stats()).isEqualTo(new QueueStats(1, 1, 1, 2, Duration.ZERO, 0));

        assertThat(depot().dropQueue("jobs")).isTrue();

        assertThat(depot().queues()).doesNotContainKey("jobs");
        assertThat(depot().dropQueue("jobs")).as("gone: nothing to drop").isFalse();
        assertThatThrownBy(() -> q.complete(leases.get(1))).isInstanceOf(LeaseExpiredException.class)
                .hasMessageContaining("queue jobs");
        assertThat(q.complete(List.of(leases.get(1))).stale()).containsExactly(leases.get(1));

        QueueOptions other = QueueOptions.leaseTimeout(Duration.ofMinutes(2)).maxAttempts(3);
        WorkQueue fresh = depot().queue("jobs", other);
        assertThat(depot().queues()).containsEntry("jobs", other);
        assertThat(fresh.options()).isEqualTo(other);
        assertThat(fresh.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, Duration.ZERO, 0));
        assertThat(fresh.list(null, 10, null).items()).isEmpty();
        for (String id : List.of(ready, scheduled, leases.get(1).id(), leases.get(2).id(), again)) {
            assertThat(fresh.inspect(id)).as("item " + id).isEmpty();
        }
        assertThat(fresh.produce(msg("new").dedupKey("k"))).as("the dedup key is free").isNotEqualTo(again);
        clock().advance(Duration.ofSeconds(61));
        List<Lease> got = fresh.lease(10, NO_WAIT);
        assertThat(texts(got)).as("nothing of the dropped queue, scheduled or expired, comes back").containsExactly("new");
        assertThat(got.getFirst().expiresAt()).isEqualTo(clock().instant().plus(Duration.ofMinutes(2)));
    }

    /**
     * A handle opened before a drop names the queue: while none exists its produce fails naming the
     * queue (creating nothing) and its other calls see an empty queue; once the queue is opened
     * again, the handle acts on the new one, with its options.
     */
    @Test
    void aHandleOpenedBeforeADropRefusesToProduceUntilTheQueueIsOpenedAgain() {
        assumeCapability(Capability.QUEUES);
        WorkQueue old = depot().queue("jobs", QueueOptions.leaseTimeout(TIMEOUT));
        old.produce(msg("a"));
        depot().dropQueue("jobs");

        assertThatThrownBy(() -> old.produce(msg("b"))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("queue jobs: ").hasMessageContaining("dropped");
        assertThatThrownBy(() -> old.produce(List.of(msg("c").dedupKey("d")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dropped");
        assertThat(old.lease(10, NO_WAIT)).isEmpty();
        assertThat(old.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, Duration.ZERO, 0));
        assertThat(old.clear()).isZero();
        assertThat(depot().queues()).as("a refused produce creates nothing").doesNotContainKey("jobs");

        QueueOptions other = QueueOptions.leaseTimeout(Duration.ofMinutes(3));
        WorkQueue fresh = depot().queue("jobs", other);
        assertThat(old.options()).isEqualTo(other);
        old.produce(msg("c"));
        assertThat(texts(fresh.lease(10, NO_WAIT))).containsExactly("c");
    }

    /** Opening a dropped queue without options gives it the defaults, not what it had before the drop. */
    @Test
    void aDroppedQueueOpenedAgainWithoutOptionsHasTheDefaults() {
        assumeCapability(Capability.QUEUES);
        depot().queue("jobs", QueueOptions.leaseTimeout(Duration.ofMinutes(5)).maxAttempts(2));
        depot().dropQueue("jobs");

        assertThat(depot().queue("jobs").options()).isEqualTo(QueueOptions.defaults());
        assertThat(depot().queues()).containsEntry("jobs", QueueOptions.defaults());
    }

    /**
     * A queue that another queue names as its dead-letter queue cannot be dropped: the error names
     * both and nothing changes. Dropping the source queue (which takes its options with it) frees it.
     */
    @Test
    void aDeadLetterQueueInUseCannotBeDropped() {
        assumeCapability(Capability.QUEUES);
        WorkQueue dead = depot().queue("jobs_dead");
        WorkQueue q = depot().queue("jobs", QueueOptions.leaseTimeout(TIMEOUT).deadLetter("jobs_dead"));
        q.produce(msg("a"));
        q.deadLetter(q.lease(1, NO_WAIT).getFirst(), "no");

        assertThatThrownBy(() -> depot().dropQueue("jobs_dead")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("queue jobs_dead: ").hasMessageContaining("dead-letter queue of queue jobs");

        assertThat(depot().queues()).containsKeys("jobs", "jobs_dead");
        assertThat(dead.stats().ready()).as("nothing changed").isEqualTo(1);
        assertThat(depot().dropQueue("jobs")).isTrue();
        assertThat(depot().queues()).doesNotContainKey("jobs").containsKey("jobs_dead");
        assertThat(dead.stats().ready()).as("dead letters already moved stay").isEqualTo(1);
        assertThat(depot().dropQueue("jobs_dead")).isTrue();
        assertThat(depot().queues()).doesNotContainKeys("jobs", "jobs_dead");
    }

    /** Names follow queue(name)'s rule (changing nothing); a backend without queues refuses the call. */
    @Test
    void droppingAQueueChecksItsNameAndTheCapability() {
        for (String bad : java.util.Arrays.asList(null, "", "Jobs", "9jobs", "jobs-1")) {
            assertThatThrownBy(() -> depot().dropQueue(bad)).as(String.valueOf(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("queue name");
        }
        if (!has(Capability.QUEUES)) {
            assertThatThrownBy(() -> depot().dropQueue("jobs")).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("QUEUES");
            return;
        }
        assertThat(depot().dropQueue("never_made")).isFalse();
        assertThat(depot().queues()).doesNotContainKey("never_made");
    }

    /** A consumer parked in lease on a queue that is dropped returns an empty list at once, not at the end of its wait. */
    @Test
    void aConsumerWaitingOnADroppedQueueReturnsEmpty() {
        WorkQueue q = jobs();
        Future<List<Lease>> waiting = async(() -> q.lease(1, Duration.ofDays(1)));
        awaitWaiting(q, 1);

        depot().dropQueue("jobs");

        assertThat(result(waiting)).isEmpty();
    }

    /**
     * A drop is not transactional: a transaction settling a lease of a dropped queue fails at commit
     * as with any stale lease (records included); one producing to the name creates the queue again,
     * as {@code tx.queue(name)} creates a queue on first use.
     */
    @Test
    void transactionsSeeADroppedQueueAsGone() {
        WorkQueue q = jobs();
        q.produce(msg("a"));
        Lease l = q.lease(1, NO_WAIT).getFirst();
        depot().dropQueue("jobs");

        assertThatThrownBy(() -> depot().inTransaction(tx -> {
            tx.records(KitModel.ACCOUNTS).insert(account("a", 1));
            tx.queue("jobs").complete(l);
        })).isInstanceOf(LeaseExpiredException.class);
        assertThat(accounts().exists("a")).isFalse();
        assertThat(depot().queues()).doesNotContainKey("jobs");

        depot().inTransaction(tx -> tx.queue("jobs").produce(msg("b")));

        assertThat(depot().queues()).containsEntry("jobs", QueueOptions.defaults());
        assertThat(texts(depot().queue("jobs").lease(10, NO_WAIT))).containsExactly("b");
    }

    // ---- batches and arguments ----

    /**
     * A batch naming an item twice is refused whole, as saveAll refuses a key twice, through a
     * handle and in a transaction alike: the handle applied one copy and reported the other stale,
     * while the transaction refused it.
     */
    @Test
    void aBatchNamingAnItemTwiceIsRefusedAndChangesNothing() {
        WorkQueue q = jobs();
        q.produce(messages(2));
        List<Lease> leases = q.lease(2, NO_WAIT);
        Lease a = leases.get(0);
        Lease b = leases.get(1);

        assertThatThrownBy(() -> q.complete(List.of(a, b, a))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("queue jobs: ").hasMessageContaining("item " + a.id()).hasMessageContaining("twice");
        assertThatThrownBy(() -> q.retry(List.of(b, b), NO_WAIT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("queue jobs: ").hasMessageContaining("item " + b.id()).hasMessageContaining("twice");
        assertThatThrownBy(() -> depot().inTransaction(tx -> tx.queue("jobs").complete(List.of(a, a))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("queue jobs: ").hasMessageContaining("item " + a.id()).hasMessageContaining("twice");
        assertThat(q.stats().leased()).as("nothing applied").isEqualTo(2);

        assertThat(q.complete(List.of(a, b)).applied()).containsExactly(a, b);
    }

    /**
     * Every queue call refuses a missing or bad argument with an IllegalArgumentException that
     * starts with the queue ("queue jobs: ") and names the argument; {@code inspect(null)} and
     * {@code queue(name, null)} were bare NullPointerExceptions, and the messages started "jobs:" or
     * "queue jobs:" by call.
     */
    @Test
    void badArgumentsAreRefusedNamingTheQueueAndTheArgument() {
        WorkQueue q = jobs();
        q.produce(msg("a"));
        Lease l = q.lease(1, NO_WAIT).getFirst();
        java.util.Map<String, org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = new java.util.LinkedHashMap<>();
        calls.put("message", () -> q.produce((Message) null));
        calls.put("messages", () -> q.produce((List<Message>) null));
        calls.put("batch of messages", () -> q.produce(List.of()));
        calls.put("lease max", () -> q.lease(0, NO_WAIT));
        calls.put("wait", () -> q.lease(1, null));
        calls.put("lease", () -> q.complete((Lease) null));
        calls.put("leases", () -> q.complete((List<Lease>) null));
        calls.put("retry delay", () -> q.retry(l, null));
        calls.put("retry delay ", () -> q.retry(List.of(l), Duration.ofSeconds(-1)));
        calls.put("reason", () -> q.deadLetter(l, null));
        calls.put("extension", () -> q.extend(l, null));
        calls.put("list limit", () -> q.list(null, 0, null));
        calls.put("cursor", () -> q.list(null, 10, "not a cursor"));
        calls.put("item id", () -> q.inspect(null));
        calls.put("options", () -> depot().queue("jobs", null));
        calls.put("leased from queue 'other'", () -> q.complete(new Lease("other", l.id(), l.token(), l.payload(), l.headers(),
                l.dedupKey(), l.attempt(), l.producedAt(), l.leasedAt(), l.expiresAt(), l.holder(), l.history())));
        calls.put("message ", () -> depot().inTransaction(tx -> tx.queue("jobs").produce((Message) null)));
        calls.put("lease ", () -> depot().inTransaction(tx -> tx.queue("jobs").retry(null, NO_WAIT)));
        calls.put("reason ", () -> depot().inTransaction(tx -> tx.queue("jobs").deadLetter(l, " ")));
        calls.forEach((what, call) -> assertThatThrownBy(call).as(what).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("queue jobs: ").hasMessageContaining(what.strip()));
        assertThat(q.stats()).as("nothing changed").isEqualTo(new QueueStats(0, 1, 0, 0, Duration.ZERO, 0));
    }
}
