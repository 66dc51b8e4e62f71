package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.Subscription;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The change feed under concurrent writers, as two processes on one table prefix see it: writer
 * threads on two depots save, delete, commit transactions and roll some back, while {@code since}
 * pollers and subscribers in both depots check that they see every sequence exactly once, in order,
 * and in the end exactly the events of the committed writes, in one order that every reader of both
 * depots saw, and never an event whose commit's data was not yet readable. A second test races many
 * writers for the same keys and the same unique values. Runs a few seconds per database;
 * {@code -Ddepot.deep=true} (or {@code -Ddepot.feed.seconds=N}) runs longer, {@code
 * -Ddepot.feed.only=NAME} on one database ({@code h2-file}, an H2 file database, only so).
 */
class FeedIntegrityTest {
    record Item(String id, int n) {}

    private static final Schema<String, Item> ITEMS = Schema.of("feed_items", String.class, Item.class).key(Item::id).build();
    private static final int WRITERS = 6;
    /** Unique per run: concurrent runs on one server must not share (or drop) each other's tables. */
    private static final String PREFIX = "fi" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";
    private static final int KEYS_PER_WRITER = 40;

    static Stream<Arguments> databases() {
        String only = System.getProperty("depot.feed.only"); // e.g. mariadb, to run one database
        if ("h2-file".equals(only)) { // only on request: the default run keeps to one H2
            return Stream.of(Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File));
        }
        return TestDatabases.all(PREFIX).filter(a -> only == null || a.get()[0].equals(only));
    }

    static long seconds() {
        return Long.getLong("depot.feed.seconds", Boolean.getBoolean("depot.deep") ? 60 : 3);
    }

    /** A reader's view: the sequences it saw (in order) and every event's identity. */
    static final class Seen {
        final String name;
        final List<String> violations = new CopyOnWriteArrayList<>();
        /** Identities in the order read, i.e. by sequence. */
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        volatile long last;

        Seen(String name, long from) {
            this.name = name;
            this.last = from;
        }

        void accept(ChangeEvent e) {
            if (e.sequence() != last + 1 && violations.size() < 20) {
                violations.add(name + ": after " + last + " came " + e.sequence());
            }
            last = e.sequence();
            events.add(identity(e));
        }
    }

    /** A record's version (-1: absent) read right after a poller read the event at {@code sequence}. */
    record Observed(long sequence, String key, long version) {}

    static String identity(ChangeEvent e) {
        return e.key() + "/" + e.op() + "/" + e.version();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyReaderSeesEverySequenceOnceInOrderWithExactlyTheCommittedWrites(String name, TestDatabases.UrlSource opener)
            throws Exception {
        String url = opener.url();
        try {
            check(name, url);
        } finally {
            if (url.contains("tablePrefix=" + PREFIX)) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }

    private static void check(String name, String url) throws Exception {
        try (Depot a = Depot.open(url); Depot b = Depot.open(url)) {
            Depot[] depots = {a, b};
            List<Records<String, Item>> items = List.of(a.records(ITEMS), b.records(ITEMS));
            long from = a.changes().lastSequence();
            List<String> expected = Collections.synchronizedList(new ArrayList<>());
            List<List<String>> transactions = Collections.synchronizedList(new ArrayList<>());
            // Appended to per event read (10^5 and more in a long run): a list under a lock, not a copy per add.
            List<Observed> observed = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicBoolean written = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            List<Seen> readers = new ArrayList<>();
            List<Subscription> subs = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (Depot d : depots) {
                Seen sub = new Seen("subscriber of " + (d == a ? "a" : "b"), from);
                readers.add(sub);
                subs.add(d.changes().subscribe(from, sub::accept));
                Seen poll = new Seen("poller of " + (d == a ? "a" : "b"), from);
                readers.add(poll);
                threads.add(Thread.ofPlatform().daemon().name("feed-poller").start(() -> {
                    while (!stop.get() && (!written.get() || poll.last < d.changes().lastSequence())) {
                        List<ChangeEvent> batch = d.changes().since(poll.last, 100);
                        batch.forEach(poll::accept);
                        Records<String, Item> mine = d == a ? items.get(0) : items.get(1);
                        for (ChangeEvent e : batch) {
                            // The data of a readable event's commit must be visible: read it after the event.
                            observed.add(new Observed(e.sequence(), e.key(), mine.getVersioned(e.key()).map(v -> v.version()).orElse(-1L)));
                        }
                        if (batch.isEmpty()) {
                            pause();
                        }
                    }
                }));
            }
            Map<String, Throwable> writerFailures = new ConcurrentHashMap<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                Depot depot = depots[w % 2];
                Records<String, Item> mine = items.get(w % 2);
                writers.add(Thread.ofPlatform().name("feed-writer-" + w).start(() -> {
                    try {
                        write(id, depot, mine, writing, expected, transactions);
                    } catch (Throwable t) {
                        writerFailures.put("writer " + id, t);
                    }
                }));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds()));
            writing.set(false);
            for (Thread t : writers) {
                t.join();
            }
            written.set(true);
            assertThat(writerFailures).isEmpty();
            long last = a.changes().lastSequence();
            // Hang guard on progress (readers of a long run on a busy machine may trail by minutes); the assertions decide.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long read = 0;
            while (readers.stream().anyMatch(r -> r.last < last) && System.nanoTime() < deadline) {
                long now = readers.stream().mapToLong(r -> r.last).sum();
                if (now != read) {
                    read = now;
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                }
                Thread.sleep(10);
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            subs.forEach(Subscription::close);
            LoggerFactory.getLogger(FeedIntegrityTest.class).info("{}: {} events from {} writers in {} s",
                    name, last - from, WRITERS, seconds());
            List<String> want = new ArrayList<>(expected);
            Collections.sort(want);
            assertThat(last - from).isEqualTo(want.size());
            List<String> order = new ArrayList<>(readers.get(0).events);
            List<ChangeEvent> all = a.changes().since(from, Integer.MAX_VALUE);
            List<Observed> reads;
            synchronized (observed) { // a poller that outlived its join may still append
                reads = new ArrayList<>(observed);
            }
            assertThat(reads).as("records read after their events").isNotEmpty();
            Map<String, List<ChangeEvent>> byKey = new java.util.HashMap<>(); // a long run has ~10^5 events: no scan per read
            for (ChangeEvent e : all) {
                byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
            }
            for (Observed o : reads) {
                // What was read is the state after this event or after a later one of the key, never before it.
                boolean explained = byKey.getOrDefault(o.key(), List.of()).stream().anyMatch(e -> e.sequence() >= o.sequence()
                        && (e.op() == ChangeEvent.Op.DELETE ? o.version() == -1 : o.version() == e.version()));
                assertThat(explained).as("state of %s read after event %d: version %d", o.key(), o.sequence(), o.version()).isTrue();
            }
            for (Seen r : readers) {
                // Position first: a reader still behind (a slow machine) would otherwise show as a different order.
                assertThat(r.last).as(r.name + " reached the end within the guard").isEqualTo(last);
                assertThat(r.violations).as(r.name).isEmpty();
                assertThat(new ArrayList<>(r.events)).as(r.name + " saw the one order every reader sees").isEqualTo(order);
                List<String> got = new ArrayList<>(r.events);
                Collections.sort(got);
                assertThat(got).as(r.name + " saw exactly the committed writes").isEqualTo(want);
            }
            Map<String, List<Integer>> positions = new java.util.HashMap<>();
            for (int i = 0; i < order.size(); i++) {
                positions.computeIfAbsent(order.get(i), k -> new ArrayList<>()).add(i);
            }
            for (List<String> tx : transactions) {
                assertThat(together(tx, order, positions)).as("a committed transaction's events are consecutive: %s; the feed around them: %s",
                        tx, around(tx, order, positions)).isTrue();
            }
        }
    }

    /** Some run of consecutive positions in {@code order} holds exactly the events of {@code tx}. */
    static boolean together(List<String> tx, List<String> order, Map<String, List<Integer>> positions) {
        List<String> want = new ArrayList<>(tx);
        Collections.sort(want);
        for (int p : positions.getOrDefault(tx.get(0), List.of())) {
            for (int start = Math.max(0, p - tx.size() + 1); start <= p && start + tx.size() <= order.size(); start++) {
                List<String> run = new ArrayList<>(order.subList(start, start + tx.size()));
                Collections.sort(run);
                if (run.equals(want)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> around(List<String> tx, List<String> order, Map<String, List<Integer>> positions) {
        List<String> out = new ArrayList<>();
        for (String e : tx) {
            for (int p : positions.getOrDefault(e, List.of())) {
                out.add("#" + p + ": " + order.subList(Math.max(0, p - 2), Math.min(order.size(), p + 3)));
            }
        }
        return out;
    }

    private static final int SHARED_KEYS = 3;

    /**
     * Each key's events are in the order its writes committed, even when the writes come from several
     * threads of two depots and go through both the outbox and the fast path: writers save the same
     * few keys over and over (auto-commit and transactions), so per key the feed must show versions
     * 1, 2, 3, ... with none missing, repeated or swapped. (A stamp taken before a writer waited for
     * a key's row lock once decided this order, and swapped such writes.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void eachKeysEventsFollowItsCommitOrderUnderContention(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        try (Depot a = Depot.open(url); Depot b = Depot.open(url)) {
            Records<String, Item> ia = a.records(ITEMS);
            Records<String, Item> ib = b.records(ITEMS);
            for (int k = 0; k < SHARED_KEYS; k++) {
                ia.delete("shared-" + k);
            }
            long from = a.changes().lastSequence();
            AtomicBoolean writing = new AtomicBoolean(true);
            Map<String, Throwable> failures = new ConcurrentHashMap<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                Depot depot = w % 2 == 0 ? a : b;
                Records<String, Item> mine = w % 2 == 0 ? ia : ib;
                writers.add(Thread.ofPlatform().name("shared-writer-" + w).start(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    try {
                        for (int i = 0; writing.get(); i++) {
                            String key = "shared-" + r.nextInt(SHARED_KEYS);
                            if (r.nextBoolean()) {
                                mine.save(new Item(key, i));
                            } else {
                                try {
                                    depot.transact(tx -> tx.records(ITEMS).save(new Item(key, id)));
                                } catch (dev.depot.ConflictException lost) {
                                    // a rival committed the key first: nothing of this one is in the feed
                                }
                            }
                        }
                    } catch (Throwable t) {
                        failures.put("writer " + id, t);
                    }
                }));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds()));
            writing.set(false);
            for (Thread t : writers) {
                t.join();
            }
            assertThat(failures).isEmpty();
            Map<String, Long> lastVersion = new java.util.HashMap<>();
            List<ChangeEvent> events = b.changes().since(from, Integer.MAX_VALUE);
            assertThat(events).as("events written").isNotEmpty();
            for (ChangeEvent e : events) {
                if (!e.key().startsWith("shared-")) {
                    continue;
                }
                long previous = lastVersion.getOrDefault(e.key(), 0L);
                assertThat(e.version()).as("%s event %d (%s) after version %d", e.key(), e.sequence(), e.op(), previous)
                        .isEqualTo(previous + 1);
                lastVersion.put(e.key(), e.version());
            }
            for (int k = 0; k < SHARED_KEYS; k++) {
                String key = "shared-" + k;
                assertThat(ia.getVersioned(key).map(v -> v.version()).orElse(0L)).as("%s: the feed ends at its version", key)
                        .isEqualTo(lastVersion.getOrDefault(key, 0L));
            }
            LoggerFactory.getLogger(FeedIntegrityTest.class).info("{}: {} events on {} shared keys", name, events.size(), SHARED_KEYS);
        } finally {
            if (url.contains("tablePrefix=" + PREFIX)) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }

    record Slot(String id, String tag, String owner) {}

    private static final Schema<String, Slot> SLOTS = Schema.of("feed_slots", String.class, Slot.class).key(Slot::id)
            .uniqueIndex("tag", String.class, Slot::tag).build();
    private static final int RACERS = 8;
    private static final int ROUNDS = 30;

    /**
     * Lost races under real concurrency, over two depots: every round, all racers insert the same key
     * (in transactions, together with a side record) and give the same unique value to keys of their
     * own (half in transactions, half auto-commit). Exactly one wins each; the others get the
     * contract's exception and leave nothing behind, neither rows nor events.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void racersForOneKeyOrOneUniqueValueHaveExactlyOneWinnerAndLosersLeaveNothing(String name, TestDatabases.UrlSource opener)
            throws Exception {
        String url = opener.url();
        try (Depot a = Depot.open(url); Depot b = Depot.open(url)) {
            Depot[] depots = {a, b};
            a.records(SLOTS);
            b.records(SLOTS);
            long from = a.changes().lastSequence();
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(RACERS);
            Map<String, String> keyWinners = new ConcurrentHashMap<>();
            Map<String, String> tagWinners = new ConcurrentHashMap<>();
            List<String> wrongFailures = new CopyOnWriteArrayList<>();
            List<String> doubleWins = new CopyOnWriteArrayList<>();
            List<String> expected = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < RACERS; t++) {
                int me = t;
                Depot depot = depots[t % 2];
                threads.add(Thread.ofPlatform().name("racer-" + t).start(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        String key = "k" + round;
                        String side = "side-" + me + "-" + round;
                        try {
                            start.await();
                            depot.transact(tx -> {
                                Records<String, Slot> s = tx.records(SLOTS);
                                s.insert(new Slot(key, null, "racer-" + me));
                                s.insert(new Slot(side, null, "racer-" + me));
                                return null;
                            });
                            if (keyWinners.putIfAbsent(key, "racer-" + me) != null) {
                                doubleWins.add(key);
                            }
                            expected.add(key + "/INSERT/1");
                            expected.add(side + "/INSERT/1");
                        } catch (dev.depot.ConflictException | dev.depot.AlreadyExistsException lost) {
                            // lost the race for the key
                        } catch (Throwable e) {
                            wrongFailures.add("racer " + me + " key " + key + ": " + e);
                        }
                        String mine = "u" + round + "-" + me;
                        String tag = "tag" + round;
                        try {
                            start.await();
                            if (me % 2 == 0) {
                                depot.transact(tx -> tx.records(SLOTS).insert(new Slot(mine, tag, "racer-" + me)));
                            } else {
                                depot.records(SLOTS).insert(new Slot(mine, tag, "racer-" + me));
                            }
                            if (tagWinners.putIfAbsent(tag, mine) != null) {
                                doubleWins.add(tag);
                            }
                            expected.add(mine + "/INSERT/1");
                        } catch (dev.depot.UniqueConstraintException lost) {
                            // lost the race for the value
                        } catch (Throwable e) {
                            wrongFailures.add("racer " + me + " tag " + tag + ": " + e);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(wrongFailures).isEmpty();
            assertThat(doubleWins).isEmpty();
            Records<String, Slot> slots = a.records(SLOTS);
            for (int round = 0; round < ROUNDS; round++) {
                String key = "k" + round;
                assertThat(keyWinners).as("round %d has a key winner", round).containsKey(key);
                String winner = keyWinners.get(key);
                assertThat(slots.get(key)).as(key).contains(new Slot(key, null, winner));
                for (int t = 0; t < RACERS; t++) {
                    boolean won = winner.equals("racer-" + t);
                    assertThat(slots.exists("side-" + t + "-" + round)).as("side record of racer %d, round %d", t, round).isEqualTo(won);
                }
                String tag = "tag" + round;
                assertThat(tagWinners).containsKey(tag);
                assertThat(slots.query().where(dev.depot.Q.field("tag").eq(tag)).list()).extracting(Slot::id)
                        .containsExactly(tagWinners.get(tag));
            }
            assertThat(slots.count()).isEqualTo(ROUNDS * 3L);
            List<ChangeEvent> events = a.changes().since(from, 100_000);
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).sequence()).as("contiguous").isEqualTo(from + 1 + i);
            }
            List<String> got = new ArrayList<>(events.stream().map(FeedIntegrityTest::identity).toList());
            List<String> want = new ArrayList<>(expected);
            Collections.sort(got);
            Collections.sort(want);
            assertThat(got).as("exactly the winners' events, once each").isEqualTo(want);
            assertThat(b.changes().since(from, 100_000)).as("the other process reads the same feed").isEqualTo(events);
        } finally {
            if (url.contains("tablePrefix=" + PREFIX)) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Auto-commit saves and deletes, committed transactions and rolled-back ones, until told to stop. */
    private static void write(int id, Depot depot, Records<String, Item> items, AtomicBoolean writing, List<String> expected,
            List<List<String>> transactions) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; writing.get(); i++) {
            String key = "w" + id + "-" + r.nextInt(KEYS_PER_WRITER);
            switch (r.nextInt(4)) {
                case 0 -> expected.add(key + "/" + (items.exists(key) ? "UPDATE" : "INSERT") + "/" + items.save(new Item(key, i)));
                case 1 -> items.getVersioned(key).ifPresent(v -> {
                    if (items.delete(key)) {
                        expected.add(key + "/DELETE/" + v.version());
                    }
                });
                case 2 -> {
                    String second = "w" + id + "-" + r.nextInt(KEYS_PER_WRITER);
                    List<String> events = depot.transact(tx -> {
                        Records<String, Item> t = tx.records(ITEMS);
                        List<String> out = new ArrayList<>();
                        for (String k : second.equals(key) ? List.of(key) : List.of(key, second)) {
                            String op = t.exists(k) ? "UPDATE" : "INSERT";
                            out.add(k + "/" + op + "/" + t.save(new Item(k, r.nextInt())));
                        }
                        return out;
                    });
                    expected.addAll(events);
                    transactions.add(events);
                }
                default -> {
                    try {
                        depot.transact(tx -> {
                            tx.records(ITEMS).save(new Item("rolled-back-" + id, 0));
                            throw new IllegalStateException("roll back on purpose");
                        });
                    } catch (IllegalStateException expectedRollback) {
                        // nothing of it may appear in the feed
                    }
                }
            }
        }
    }
}
