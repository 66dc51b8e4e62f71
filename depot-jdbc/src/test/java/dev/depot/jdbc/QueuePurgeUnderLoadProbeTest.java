package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BatchResult;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import dev.depot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retention purges many dead items while workers lease and complete live ones on the same queue, on
 * memory and every SQL backend: thousands of items die together (every lease expiring on its last
 * attempt), live items are produced, then the clock passes the dead items' retention while four
 * workers and a producer run, so whichever call comes first purges them all. Checked against the
 * model: no item leased twice (one attempt each), every live item completed once or dead (leases
 * the clock jump ended), none lost, none of the old dead items left anywhere, counts equal to the
 * listing. {@code -Ddepot.probe.queuePurge.dead=N} (default 10,000) sets how many die.
 */
class QueuePurgeUnderLoadProbeTest {
    static final String PREFIX = "qpul_";
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    static final int LIVE = 1500;

    static Stream<Arguments> backends() {
        return TestDatabases.memoryAndAll(PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aPurgeOfManyDeadItemsWhileWorkersRunLosesAndRepeatsNothing(String db, TestDatabases.UrlSource opener) throws Exception {
        int dead = Integer.getInteger("depot.probe.queuePurge.dead", 10_000);
        String given = opener.url();
        String url = given.startsWith("memory:") ? given : ReadableSchemaTest.url(() -> given, PREFIX);
        TestClock clock = new TestClock(START);
        try (Depot depot = Depot.open(url, DepotOptions.defaults().clock(clock))) {
            WorkQueue q = depot.queue("purge", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1)
                    .deadRetention(Duration.ofHours(1)));
            q.clear();
            Set<String> old = new HashSet<>();
            for (int i = 0; i < dead; i += 1000) {
                List<Message> batch = new ArrayList<>();
                for (int k = i; k < Math.min(dead, i + 1000); k++) {
                    batch.add(Message.of("old " + k));
                }
                old.addAll(q.produce(batch));
            }
            for (List<Lease> got = q.lease(1000, Duration.ZERO); !got.isEmpty(); got = q.lease(1000, Duration.ZERO)) {
                // leased, never settled
            }
            clock.advance(Duration.ofSeconds(31)); // every lease ends on its last attempt: all die at once
            assertThat(stats(q)).isEqualTo(List.of(0L, 0L, 0L, (long) dead));

            Set<String> live = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < LIVE / 2; i += 250) {
                List<Message> batch = new ArrayList<>();
                for (int k = i; k < i + 250; k++) {
                    batch.add(Message.of("live " + k));
                }
                live.addAll(q.produce(batch));
            }
            Set<String> leased = ConcurrentHashMap.newKeySet();
            Set<String> twice = ConcurrentHashMap.newKeySet();
            Set<String> completed = ConcurrentHashMap.newKeySet();
            AtomicInteger stale = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            CountDownLatch working = new CountDownLatch(4);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String holder = "w" + w;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        boolean counted = false;
                        while (true) {
                            List<Lease> got = q.lease(holder, 50, Duration.ZERO);
                            if (!counted) {
                                working.countDown();
                                counted = true;
                            }
                            if (got.isEmpty()) {
                                if (!producing.get() && q.stats().ready() == 0) {
                                    return;
                                }
                                Thread.onSpinWait();
                                continue;
                            }
                            for (Lease l : got) {
                                if (!leased.add(l.id())) {
                                    twice.add(l.id());
                                }
                            }
                            BatchResult r = q.complete(got);
                            r.applied().forEach(l -> completed.add(l.id()));
                            stale.addAndGet(r.stale().size());
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = LIVE / 2; i < LIVE; i += 50) {
                        List<Message> batch = new ArrayList<>();
                        for (int k = i; k < i + 50; k++) {
                            batch.add(Message.of("live " + k));
                        }
                        live.addAll(q.produce(batch));
                    }
                } catch (Throwable t) {
                    errors.add(t);
                } finally {
                    producing.set(false);
                }
            });
            working.await();
            clock.advance(Duration.ofHours(1)); // past the dead items' retention, and past every current lease
            producer.join();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(errors).isEmpty();
            assertThat(twice).as("leased twice").isEmpty();
            assertThat(live).hasSize(LIVE);
            assertThat(completed).isSubsetOf(live);
            Set<String> deadNow = ids(q, ItemState.DEAD);
            Set<String> everything = ids(q, null);
            assertThat(everything).as("nothing left but dead live items").isEqualTo(deadNow);
            assertThat(deadNow).as("none of the purged items").doesNotContainAnyElementsOf(old).isSubsetOf(live);
            assertThat(completed.size() + deadNow.size()).as("every live item completed or dead, once").isEqualTo(LIVE);
            assertThat(deadNow).doesNotContainAnyElementsOf(completed);
            assertThat(stale.get()).as("stale completions are the leases the jump ended").isEqualTo(deadNow.size());
            assertThat(stats(q)).isEqualTo(List.of(0L, 0L, 0L, (long) deadNow.size()));
            System.out.printf("%s: %d purged; %d live completed, %d died by the clock jump%n", db, dead, completed.size(), deadNow.size());
            q.clear();
        } finally {
            if (url.contains("tablePrefix=")) {
                TestDatabases.release(url, PREFIX);
            }
        }
    }

    static List<Long> stats(WorkQueue q) {
        QueueStats s = q.stats();
        return List.of(s.ready(), s.leased(), s.scheduled(), s.dead());
    }

    static Set<String> ids(WorkQueue q, ItemState state) {
        Set<String> out = new HashSet<>();
        String cursor = null;
        do {
            Page<QueueItem> page = q.list(state, 1000, cursor);
            page.items().forEach(i -> out.add(i.id()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }
}
