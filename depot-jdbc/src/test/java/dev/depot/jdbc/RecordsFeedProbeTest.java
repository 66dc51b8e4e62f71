package dev.depot.jdbc;

import dev.depot.ChangeEvent;
import dev.depot.ChangeListener;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.SubscribeOptions;
import dev.depot.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Change-feed subscriptions and positions, compared between memory and each database. */
class RecordsFeedProbeTest {
    private static final String PREFIX = "p24f_";

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    /** Whether the subscription has delivered everything committed so far (it delivers in order). */
    static boolean caughtUp(Depot depot, Subscription s) {
        return s.position() >= depot.changes().lastSequence();
    }

    static void await(BooleanSupplier condition, long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static void write(Depot depot, int from, int n) {
        Records<String, RecordsProbeTest.Item> r = depot.records(RecordsProbeTest.ITEMS);
        for (int i = from; i < from + n; i++) {
            r.save(new RecordsProbeTest.Item("k" + i, "n", (long) i, null));
        }
    }

    /** Throws a checked exception without declaring it, as Kotlin, Groovy or Lombok's @SneakyThrows code does. */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
    }

    static List<Long> seqs(List<ChangeEvent> events) {
        return events.stream().map(ChangeEvent::sequence).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void subscriptionsAnswerAlike(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            long base = depot.changes().lastSequence();
            write(depot, 0, 5);
            // 1. a listener closing its own subscription while an event is delivered
            List<Long> got = new CopyOnWriteArrayList<>();
            Subscription[] self = new Subscription[1];
            CountDownLatch made = new CountDownLatch(1);
            self[0] = depot.changes().subscribe(base, e -> {
                try {
                    made.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                got.add(e.sequence() - base);
                if (e.sequence() - base == 2) {
                    self[0].close();
                }
            });
            made.countDown();
            await(() -> self[0].state() == Subscription.State.CLOSED, 3000);
            log.lines.add("self-close: got " + got + " state " + self[0].state() + " position " + (self[0].position() - base));

            // 2. a listener throwing a checked exception (sneaky) under RETRY
            List<Long> tries = new CopyOnWriteArrayList<>();
            Subscription s2 = depot.changes().subscribe(base, e -> {
                tries.add(e.sequence() - base);
                if (tries.size() == 1) {
                    sneaky(new java.io.IOException("checked"));
                }
            }, SubscribeOptions.defaults().withBackoff(Duration.ofMillis(10), Duration.ofMillis(20)));
            await(() -> tries.size() >= 6, 3000);
            log.lines.add("checked exception: tries " + tries + " state " + s2.state() + " lastError "
                    + s2.lastError().map(t -> t.getClass().getSimpleName()).orElse("none"));
            s2.close();

            // 3. a listener throwing an Error under SKIP and STOP
            for (SubscribeOptions.OnError policy : SubscribeOptions.OnError.values()) {
                List<Long> seen = new CopyOnWriteArrayList<>();
                Subscription s = depot.changes().subscribe(base, e -> {
                    seen.add(e.sequence() - base);
                    if (e.sequence() - base == 3 && seen.size() < 3 + 2) {
                        throw new AssertionError("listener failed on purpose");
                    }
                }, SubscribeOptions.onError(policy).withBackoff(Duration.ofMillis(10), Duration.ofMillis(20)));
                await(() -> seen.size() >= 6 || s.state() == Subscription.State.STOPPED, 3000);
                await(() -> caughtUp(depot, s) || s.state() == Subscription.State.STOPPED, 3000); // nothing more to come
                log.lines.add(policy + ": seen " + seen + " state " + s.state() + " position " + (s.position() - base));
                s.close();
            }

            // 4. positions: from the future, negative, after clear
            log.add("since future", () -> seqs(depot.changes().since(base + 1000)));
            log.add("since negative", () -> seqs(depot.changes().since(-5)).size());
            log.add("since limit 0", () -> depot.changes().since(base, 0));
            List<Long> future = new CopyOnWriteArrayList<>();
            Subscription fs = depot.changes().subscribe(base + 7, e -> future.add(e.sequence() - base));
            write(depot, 10, 4);
            await(() -> future.size() >= 2, 3000);
            log.lines.add("from future position: " + future);
            fs.close();
            long beforeClear = depot.changes().lastSequence() - base;
            log.lines.add("last before clear " + beforeClear);
            depot.clear();
            log.add("since 0 after clear", () -> seqs(depot.changes().since(0)));
            log.add("last after clear", () -> depot.changes().lastSequence() - base);
            List<Long> after = new CopyOnWriteArrayList<>();
            Subscription ac = depot.changes().subscribe(base + 2, e -> after.add(e.sequence() - base));
            write(depot, 20, 2);
            await(() -> after.size() >= 2, 3000);
            await(() -> caughtUp(depot, ac), 3000); // nothing more to come
            log.lines.add("resubscribed from before clear: " + after);
            ac.close();
            log.add("count after clear", () -> depot.records(RecordsProbeTest.ITEMS).count());
            return log.lines;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRetentionOfZeroEventsAnswersAlike(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, DepotOptions.defaults().changeRetention(Duration.ofDays(1), 0), depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            long base = depot.changes().lastSequence();
            write(depot, 0, 3);
            log.add("since base", () -> seqs(depot.changes().since(base)).stream().map(q -> q - base).toList());
            log.add("last", () -> depot.changes().lastSequence() - base);
            // What a subscriber gets is a race with retention here (an event may be dropped before it
            // is read, on any backend), so it is not compared.
            return log.lines;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRetentionOfZeroAgeAnswersAlike(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, DepotOptions.defaults().changeRetention(Duration.ZERO, 1000), depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            long base = depot.changes().lastSequence();
            write(depot, 0, 3);
            log.add("since base", () -> seqs(depot.changes().since(base)).stream().map(q -> q - base).toList());
            log.add("last", () -> depot.changes().lastSequence() - base);
            return log.lines;
        });
    }

    // ---- focused reproductions ----

    static Stream<Arguments> everyBackend() {
        return TestDatabases.memoryAndAll(PREFIX);
    }

    static Depot open(TestDatabases.UrlSource opener) {
        return TestDatabases.open(opener, PREFIX);
    }

    /**
     * CONTRACT §5: listener errors are handled by the policy. A listener written in Kotlin (or with
     * Lombok's @SneakyThrows) throws checked exceptions undeclared; such a throw used to end the
     * subscription's thread: state CLOSED, no lastError, the event never delivered again.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aListenerThrowingACheckedExceptionIsRetriedLikeAnyOtherFailure(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = open(opener)) {
            long base = depot.changes().lastSequence();
            write(depot, 0, 2);
            List<Long> tries = new CopyOnWriteArrayList<>();
            Subscription s = depot.changes().subscribe(base, e -> {
                tries.add(e.sequence() - base);
                if (tries.size() == 1) {
                    sneaky(new java.io.IOException("checked"));
                }
            }, SubscribeOptions.defaults().withBackoff(Duration.ofMillis(10), Duration.ofMillis(20)));
            await(() -> tries.size() >= 3, 5000);
            org.assertj.core.api.Assertions.assertThat(tries).containsExactly(1L, 1L, 2L);
            org.assertj.core.api.Assertions.assertThat(s.state()).isEqualTo(Subscription.State.ACTIVE);
            org.assertj.core.api.Assertions.assertThat(s.lastError()).get().isInstanceOf(java.io.IOException.class);
            s.close();
            depot.clear();
        }
    }

    /**
     * CONTRACT §2: depot.clear() empties the feed without an event: a waiting subscriber receives
     * none for the cleared records, and the clear takes exactly one sequence (no event has it) on
     * every backend. Memory once numbered and delivered one DELETE event per record.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void clearingTheDepotNumbersNoEventsAndDeliversNone(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = open(opener)) {
            long base = depot.changes().lastSequence();
            List<RecordsProbeTest.Item> items = new java.util.ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                items.add(new RecordsProbeTest.Item("c" + i, "n", (long) i, null));
            }
            depot.records(RecordsProbeTest.ITEMS).saveAll(items);
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            Subscription s = depot.changes().subscribe(base + 2000, seen::add);
            depot.clear();
            long afterClear = depot.changes().lastSequence() - base;
            write(depot, 10, 1);
            await(() -> seen.stream().anyMatch(e -> e.key().equals("k10")), 3000);
            await(() -> caughtUp(depot, s), 3000); // nothing more to come
            s.close();
            List<String> got = seen.stream().map(e -> e.op() + " " + e.key() + " " + (e.sequence() - base)).toList();
            System.out.println(db + " after clear " + afterClear + " seen " + got.size() + " events, first "
                    + got.subList(0, Math.min(3, got.size())) + " last " + got.get(got.size() - 1));
            org.assertj.core.api.Assertions.assertThat(afterClear).isEqualTo(2001);
            org.assertj.core.api.Assertions.assertThat(got).containsExactly("INSERT k10 2002");
            depot.clear();
        }
    }
}
