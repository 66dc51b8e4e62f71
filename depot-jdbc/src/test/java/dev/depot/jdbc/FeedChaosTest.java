package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.ChangeEvent;
import dev.depot.ConflictException;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Writers, a feed reader and a second process, while a {@link FaultProxy} cuts the first process's
 * connections at random (mid-statement, mid-batch, mid-commit), takes the server away and stalls it.
 * Whatever the cuts hit, afterwards the feed is gap-free and agrees with the tables: each key's
 * events form one unbroken history (insert at 1, +1 per update, a delete at the version it had),
 * that history ends in the key's stored state, every acknowledged write is in it, a key whose last
 * write was acknowledged holds exactly that write, and an acknowledged transaction's events are
 * consecutive. A write that failed with {@link BackendUnavailableException} may have happened or
 * not, but not half and not twice. The reader that followed the feed through the faults saw a
 * prefix of that one order. Faults are paced by the writers' calls ({@link ChaosPace}): 600 calls
 * through the faults per server by default, 5,000 with {@code -Ddepot.deep=true}, or {@code
 * -Ddepot.chaos.calls=N}.
 */
class FeedChaosTest {
    record Item(String id, String tag) {}

    private static final Schema<String, Item> ITEMS = Schema.of("chaos_items", String.class, Item.class).key(Item::id).build();
    /** Short bounds, so a stalled call fails in seconds (the defaults are 5 s / 35 s / 30 s / 5 s). */
    static final String BOUNDS = "&poolSize=4&connectTimeout=1s&socketTimeout=2s&statementTimeout=1500ms&poolTimeout=2s";
    private static final int WRITERS = 4;
    private static final int KEYS_PER_WRITER = 6;

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, 5432),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, 3306));
    }

    enum Outcome { OK, UNKNOWN }

    /** One call of a writer on one or more of its keys: what it wrote (null: a delete) and what the call said. */
    record Attempt(Map<String, String> tags, Outcome outcome, Map<String, Long> versions, boolean deleted) {}

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void theFeedStaysGapFreeAndAgreesWithTheTablesWhileConnectionsAreCut(String name, Supplier<String> server, int port)
            throws Exception {
        String prefix = "fc" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";
        String base = TestDatabases.fresh(server.get(), prefix);
        try (FaultProxy proxy = new FaultProxy(port);
                Depot chaotic = Depot.open(proxy.route(base, port) + BOUNDS);
                Depot direct = Depot.open(base)) {
            long from = direct.changes().lastSequence();
            ChaosPace pace = new ChaosPace();
            Map<Integer, List<Attempt>> attempts = new ConcurrentHashMap<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<ChangeEvent> followed = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                Depot depot = w == 0 ? direct : chaotic; // writer 0 is another process, out of the faults' way
                List<Attempt> mine = new ArrayList<>();
                attempts.put(id, mine);
                threads.add(Thread.ofPlatform().name("chaos-writer-" + w).start(() -> {
                    try {
                        write(id, depot, mine, pace);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            threads.add(Thread.ofPlatform().name("chaos-reader").start(() -> follow(chaotic, from, followed, pace, failures)));
            runFaults(proxy, pace, threads, failures);
            assertNoFailures(failures);

            List<ChangeEvent> feed = direct.changes().since(from, Integer.MAX_VALUE);
            LoggerFactory.getLogger(FeedChaosTest.class).info("{}: {} events, {} attempts ({} of unknown outcome), {} through the faults",
                    name, feed.size(), attempts.values().stream().mapToInt(List::size).sum(),
                    attempts.values().stream().flatMap(List::stream).filter(a -> a.outcome() == Outcome.UNKNOWN).count(), pace.calls());
            for (int i = 0; i < feed.size(); i++) {
                assertThat(feed.get(i).sequence()).as("gap-free from %d", from).isEqualTo(from + 1 + i);
            }
            assertThat(followed.size()).as("the reader's events").isLessThanOrEqualTo(feed.size());
            assertThat(followed).as("what the reader saw through the faults is a prefix of the feed")
                    .isEqualTo(feed.subList(0, followed.size()));

            Map<String, List<ChangeEvent>> byKey = new HashMap<>();
            for (ChangeEvent e : feed) {
                byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
            }
            Records<String, Item> items = direct.records(ITEMS);
            for (Map.Entry<Integer, List<Attempt>> w : attempts.entrySet()) {
                checkWriter(w.getKey(), w.getValue(), byKey, feed, items);
            }
        } finally {
            TestDatabases.release(base, prefix);
        }
    }

    /** Random saves, deletes and small transactions on the writer's own keys, until the run ends; writer 0's calls do not pass the faults. */
    private static void write(int id, Depot depot, List<Attempt> out, ChaosPace pace) {
        Records<String, Item> items = null; // taken inside the loop: preparing a collection during an outage may fail as unavailable
        SplittableRandom random = new SplittableRandom(id * 7919L + System.nanoTime());
        for (int n = 0; pace.running(); n++) {
            String tag = id + "-" + n;
            int roll = random.nextInt(100);
            Map<String, String> tags = new LinkedHashMap<>();
            try {
                if (items == null) {
                    items = depot.records(ITEMS);
                }
                if (roll < 55) {
                    String key = key(id, random.nextInt(KEYS_PER_WRITER));
                    tags.put(key, tag);
                    long v = items.save(new Item(key, tag));
                    out.add(new Attempt(tags, Outcome.OK, Map.of(key, v), false));
                } else if (roll < 80) {
                    int size = 2 + random.nextInt(2);
                    while (tags.size() < size) {
                        tags.put(key(id, random.nextInt(KEYS_PER_WRITER)), tag);
                    }
                    Map<String, Long> versions = depot.transact(tx -> {
                        Map<String, Long> vs = new HashMap<>();
                        tags.forEach((k, t) -> vs.put(k, tx.records(ITEMS).save(new Item(k, t))));
                        return vs;
                    });
                    out.add(new Attempt(tags, Outcome.OK, versions, false));
                } else {
                    String key = key(id, random.nextInt(KEYS_PER_WRITER));
                    tags.put(key, null);
                    boolean deleted = items.delete(key);
                    out.add(new Attempt(tags, Outcome.OK, Map.of(), deleted));
                }
            } catch (BackendUnavailableException e) {
                out.add(new Attempt(tags, Outcome.UNKNOWN, Map.of(), false));
            } catch (ConflictException e) {
                // Only this writer writes its keys, so the rival can only be one of its own earlier
                // calls whose connection was cut and whose COMMIT the server finished afterwards. A
                // conflict applied nothing: it is not recorded, so an event it caused would be unexplained.
                if (out.stream().noneMatch(a -> a.outcome() == Outcome.UNKNOWN)) {
                    throw new AssertionError("a conflict on keys no other call could have written", e);
                }
            } finally {
                if (id != 0) {
                    pace.called();
                }
            }
        }
    }

    private static String key(int writer, int k) {
        return "w" + writer + "k" + k;
    }

    /** Follows the feed through the chaotic depot; a read the faults end is simply tried again. */
    private static void follow(Depot depot, long from, List<ChangeEvent> seen, ChaosPace pace, List<Throwable> failures) {
        long last = from;
        try {
            while (pace.running()) {
                try {
                    List<ChangeEvent> batch = depot.changes().since(last, 50);
                    for (ChangeEvent e : batch) {
                        if (e.sequence() != last + 1) {
                            throw new AssertionError("reader: after " + last + " came " + e.sequence());
                        }
                        seen.add(e);
                        last = e.sequence();
                    }
                    if (batch.isEmpty()) {
                        Thread.onSpinWait();
                    }
                } catch (BackendUnavailableException e) {
                    // the faults' doing: read on from the same place
                }
            }
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    /** Fails with each unexpected failure's whole stack, which a rare fault needs to be diagnosed. */
    static void assertNoFailures(List<Throwable> failures) {
        failures.forEach(t -> LoggerFactory.getLogger(FeedChaosTest.class).error("a call failed other than as unavailable", t));
        assertThat(failures).as("calls failed other than as unavailable (stacks logged above)").isEmpty();
    }

    /**
     * Injects faults until the workers have made {@link ChaosPace#runLength()} calls through them,
     * then stops the faults and the {@code threads}, which must end.
     */
    static void runFaults(FaultProxy proxy, ChaosPace pace, List<Thread> threads, List<Throwable> failures)
            throws InterruptedException {
        Thread faults = Thread.ofPlatform().name("chaos-faults").start(() -> inject(proxy, pace, failures));
        try {
            pace.awaitCalls(ChaosPace.runLength());
        } finally {
            pace.stop();
        }
        faults.join();
        proxy.up();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
        }
    }

    /**
     * A cut, a cut inside the traffic, an outage or a stall every few calls; an outage or a stall
     * lasts until a call or a few have ended in it, so callers always meet it.
     */
    private static void inject(FaultProxy proxy, ChaosPace pace, List<Throwable> failures) {
        SplittableRandom random = new SplittableRandom();
        try {
            while (pace.running()) {
                pace.awaitCalls(5 + random.nextInt(60));
                if (!pace.running()) {
                    break;
                }
                int roll = random.nextInt(100);
                if (roll < 50) {
                    proxy.cut();
                } else if (roll < 85) {
                    proxy.cutAfter(random.nextInt(20_000)); // lands inside a statement, a batch or a COMMIT
                } else if (roll < 93) {
                    proxy.down();
                    pace.awaitCalls(1 + random.nextInt(3));
                    proxy.up();
                } else {
                    proxy.stall();
                    pace.awaitCalls(1 + random.nextInt(3));
                    proxy.up();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failures.add(t);
            pace.stop();
        } finally {
            proxy.cutAfter(Long.MAX_VALUE);
            proxy.up();
        }
    }

    private static void checkWriter(int writer, List<Attempt> attempts, Map<String, List<ChangeEvent>> byKey,
            List<ChangeEvent> feed, Records<String, Item> items) {
        for (int k = 0; k < KEYS_PER_WRITER; k++) {
            String key = key(writer, k);
            List<ChangeEvent> events = byKey.getOrDefault(key, List.of());
            checkHistory(key, events);
            List<Attempt> onKey = attempts.stream().filter(a -> a.tags().containsKey(key)).toList();
            long acknowledged = onKey.stream().filter(a -> a.outcome() == Outcome.OK
                    && (a.tags().get(key) != null || a.deleted())).count();
            long tried = onKey.stream().filter(a -> a.outcome() == Outcome.UNKNOWN || a.tags().get(key) != null || a.deleted()).count();
            assertThat((long) events.size()).as("%s: events vs acknowledged and tried writes", key)
                    .isBetween(acknowledged, tried);
            for (Attempt a : onKey) {
                Long v = a.versions().get(key);
                if (a.outcome() == Outcome.OK && v != null) {
                    assertThat(events).as("%s: the acknowledged write of version %d is in the feed", key, v)
                            .anyMatch(e -> e.version() == v && e.op() != ChangeEvent.Op.DELETE);
                }
            }
            Optional<Versioned<Item>> stored = items.getVersioned(key);
            ChangeEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
            if (last == null || last.op() == ChangeEvent.Op.DELETE) {
                assertThat(stored).as("%s: the feed ends absent", key).isEmpty();
            } else {
                assertThat(stored).as("%s: the feed ends at version %d", key, last.version()).isPresent();
                assertThat(stored.get().version()).as("%s: stored version", key).isEqualTo(last.version());
            }
            if (!onKey.isEmpty() && onKey.get(onKey.size() - 1).outcome() == Outcome.OK) {
                Attempt a = onKey.get(onKey.size() - 1);
                String tag = a.tags().get(key);
                if (tag == null) {
                    assertThat(stored).as("%s: its last, acknowledged write deleted it", key).isEmpty();
                } else {
                    assertThat(stored).as("%s: its last, acknowledged write is stored", key).isPresent();
                    assertThat(stored.get().value().tag()).as(key).isEqualTo(tag);
                    assertThat(stored.get().version()).as(key).isEqualTo(a.versions().get(key));
                }
            } else if (stored.isPresent()) {
                String tag = stored.get().value().tag();
                assertThat(onKey).as("%s: stored %s was written by one of its attempts", key, tag)
                        .anyMatch(a -> tag.equals(a.tags().get(key)));
            }
        }
        for (Attempt a : attempts) {
            if (a.outcome() == Outcome.OK && a.tags().size() > 1) {
                assertThat(consecutive(a, feed)).as("an acknowledged transaction's events are consecutive: %s", a.versions()).isTrue();
            }
        }
    }

    /** Insert at 1, +1 per update, a delete at the version the key had; then it may start again at 1. */
    private static void checkHistory(String key, List<ChangeEvent> events) {
        long version = 0; // 0: absent
        for (ChangeEvent e : events) {
            switch (e.op()) {
                case INSERT -> {
                    assertThat(version).as("%s: insert at %d over a present key", key, e.sequence()).isZero();
                    assertThat(e.version()).as("%s: insert at %d", key, e.sequence()).isEqualTo(1);
                }
                case UPDATE -> assertThat(e.version()).as("%s: update at %d", key, e.sequence()).isEqualTo(version + 1);
                case DELETE -> assertThat(e.version()).as("%s: delete at %d", key, e.sequence()).isEqualTo(version).isPositive();
            }
            version = e.op() == ChangeEvent.Op.DELETE ? 0 : e.version();
        }
    }

    /** Some run of consecutive sequences holds one event per key of {@code a}, each at the version it returned. */
    private static boolean consecutive(Attempt a, List<ChangeEvent> feed) {
        int n = a.versions().size();
        for (int start = 0; start + n <= feed.size(); start++) {
            Map<String, Long> want = new HashMap<>(a.versions());
            for (int i = start; i < start + n; i++) {
                ChangeEvent e = feed.get(i);
                if (!Long.valueOf(e.version()).equals(want.remove(e.key())) || e.op() == ChangeEvent.Op.DELETE) {
                    break;
                }
            }
            if (want.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
