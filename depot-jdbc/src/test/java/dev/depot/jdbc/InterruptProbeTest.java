package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.BlobInfo;
import dev.depot.Blobs;
import dev.depot.Capability;
import dev.depot.ChangeEvent;
import dev.depot.CommitOutcomeUnknownException;
import dev.depot.Depot;
import dev.depot.DepotException;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.QueueItem;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.Versioned;
import dev.depot.WorkQueue;
import dev.depot.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thread interrupts in the middle of depot calls, on every backend. Workers (platform and virtual
 * threads) write records (auto-commit and transactions with retries), query, read the feed, produce,
 * lease, complete and retry queue items, and stream blobs in and out, while an interrupter interrupts
 * them at random moments — only ever inside a call, so each call knows whether it was hit. Checked
 * against a model: every call either returns or throws a {@link DepotException}, and a call that was
 * hit leaves the interrupt flag set; a failed write is absent unless it says its outcome is unknown; a
 * write that returned is stored, versions step by one, indexes and the feed agree with the records
 * (every version of every key once, sequences increasing), a subscription sees the same; no queue
 * item is lost or held by two leases; a blob is whole (the old one or the new one). Then
 * {@code Future.cancel(true)} on an executor, many calls made with the flag already set (the pool is
 * 3 connections, so a leaked connection shows), a lease wait with the flag set (it must not spin), and
 * finally plain calls from a thread nobody interrupts must all work.
 *
 * <p>{@code -Ddepot.interrupt.seconds=N} (or {@code -Ddepot.deep=true}: 30 s) runs the storm longer.
 */
class InterruptProbeTest {
    private static final String PREFIX = "intr_";
    private static final long SECONDS = Long.getLong("depot.interrupt.seconds", Boolean.getBoolean("depot.deep") ? 30 : 2);
    /** Small, so a connection leaked by an interrupted call exhausts the pool within the test. */
    private static final String BOUNDS = "poolSize=3&poolTimeout=3s&statementTimeout=10s";
    private static final int WORKERS = 4;
    private static final int KEYS = 3;
    private static final int BLOB_SIZE = 48 * 1024;

    record Acc(String id, String tag, long stamp, String group) {}

    static final Schema<String, Acc> ACCS = Schema.of("accs", String.class, Acc.class).key(Acc::id)
            .uniqueIndex("tag", String.class, Acc::tag)
            .index("stamp", Long.class, Acc::stamp)
            .index("group", String.class, Acc::group)
            .build();

    static Stream<Arguments> backends() {
        String only = System.getProperty("depot.interrupt.only"); // e.g. h2-file, to run one backend
        return allBackends().filter(a -> only == null || only.equals(a.get()[0]));
    }

    static Stream<Arguments> allBackends() {
        return Stream.of(
                Arguments.of("memory", (TestDatabases.UrlSource) () -> "memory:"),
                Arguments.of("file", (TestDatabases.UrlSource) TestDatabases::files),
                Arguments.of("h2-mem", (TestDatabases.UrlSource) () -> TestDatabases.withPrefix(TestDatabases.h2Mem(), PREFIX) + "&" + BOUNDS),
                Arguments.of("h2-file", (TestDatabases.UrlSource) () -> TestDatabases.withPrefix(TestDatabases.h2File(), PREFIX) + "&" + BOUNDS),
                Arguments.of("sqlite", (TestDatabases.UrlSource) () -> TestDatabases.withPrefix(TestDatabases.sqlite(), PREFIX) + "&" + BOUNDS),
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX) + "&" + BOUNDS),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX) + "&" + BOUNDS));
    }

    /** What went wrong, in words; the test fails if there is anything here. */
    private final List<String> problems = new CopyOnWriteArrayList<>();
    /** Exception kinds of calls that were hit (class: one message), to print. */
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failedHits = new AtomicLong();
    private final AtomicLong h2Swallowed = new AtomicLong();
    /** Whether the backend under test is H2 (which may consume an interrupt inside a call: see {@link #call}). */
    private boolean h2;

    private void problem(String what) {
        if (problems.size() < 40) {
            problems.add(what);
        }
    }

    /** One worker thread's interrupt bookkeeping: the interrupter only interrupts it inside a call. */
    static final class Target {
        final Object lock = new Object();
        volatile Thread thread;
        boolean inCall;
        long sent;
        long mark;
    }

    /** How one call ended: its result or exception, whether an interrupt hit it, whether the flag was set after. */
    record Outcome<T>(T value, RuntimeException error, boolean hit, boolean flag) {
        boolean ok() {
            return error == null;
        }

        /** A transaction's outcome is unknown only with {@link CommitOutcomeUnknownException}. */
        boolean unknown() {
            return error instanceof CommitOutcomeUnknownException;
        }

        /** An auto-commit write (no commit id) has an unknown outcome after any {@link BackendUnavailableException} (contract §4). */
        boolean unknownAutoCommit() {
            return error instanceof BackendUnavailableException;
        }
    }

    /** Runs {@code call} as an interruptible call of {@code t} and checks how it ended. */
    private <T> Outcome<T> call(Target t, String what, Supplier<T> call) {
        synchronized (t.lock) {
            Thread.interrupted();
            t.mark = t.sent;
            t.inCall = true;
        }
        T value = null;
        RuntimeException error = null;
        try {
            value = call.get();
        } catch (RuntimeException e) {
            error = e;
        } catch (Error e) {
            problem(what + " threw " + e);
            error = new IllegalStateException(e);
        }
        boolean hit;
        boolean flag;
        synchronized (t.lock) {
            t.inCall = false;
            hit = t.sent != t.mark;
            flag = Thread.interrupted();
        }
        calls.incrementAndGet();
        if (hit) {
            hits.incrementAndGet();
        }
        if (hit && !flag && h2 && (error == null || error instanceof dev.depot.ConflictException)) {
            // H2 runs on the caller's thread and ends a lock wait on an interrupt as if its lock timeout
            // had run out, clearing the flag; the engine retries that as a conflict, or reports it as one
            // once its attempts are spent (CONTRACT §1 "Interrupts").
            h2Swallowed.incrementAndGet();
        } else if (hit && !flag) {
            problem(what + ": the interrupt flag was cleared" + (error == null ? " (call returned)" : " (threw " + describe(error) + ")"));
        }
        if (!hit && flag) {
            problem(what + ": the interrupt flag was set though nobody interrupted the call");
        }
        if (error != null) {
            if (hit) {
                failedHits.incrementAndGet();
                seen.putIfAbsent(error.getClass().getSimpleName(), describe(error));
            }
            if (!(error instanceof DepotException)) {
                problem(what + " threw " + describe(error) + ", not a DepotException");
            } else if (!hit) {
                problem(what + " failed though it was not interrupted: " + describe(error));
            }
        }
        return new Outcome<>(value, error, hit, flag);
    }

    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(e.getClass().getName() + ": " + e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            s.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return s.toString();
    }

    // ---- the model ----

    /** A key's state: its stamp and version, as the worker that owns it last knew them. */
    record Known(long stamp, long version) {}

    static Acc acc(String key, long stamp) {
        return new Acc(key, key + ":" + stamp, stamp, "g" + (stamp % 3));
    }

    static byte[] blob(long stamp) {
        byte[] b = new byte[BLOB_SIZE];
        for (int i = 0; i < b.length; i += 8) {
            for (int j = 0; j < 8; j++) {
                b[i + j] = (byte) (stamp >>> (8 * j));
            }
        }
        return b;
    }

    /** The stamp of a whole blob, or -1 if it is torn or the wrong size. */
    static long stampOf(byte[] b) {
        if (b.length != BLOB_SIZE) {
            return -1;
        }
        long stamp = 0;
        for (int j = 0; j < 8; j++) {
            stamp |= (b[j] & 0xFFL) << (8 * j);
        }
        return Arrays.equals(b, blob(stamp)) ? stamp : -1;
    }

    /** State shared by the workers of one storm. */
    final class Storm {
        final Depot depot;
        final boolean records;
        final boolean queues;
        final Records<String, Acc> accs;
        final WorkQueue queue;
        final Blobs blobs;
        final Map<String, Known> known = new ConcurrentHashMap<>();
        final Map<String, Long> blobStamps = new ConcurrentHashMap<>();
        /** Queue payloads: produced (acknowledged) ids, payloads that must never appear, completed payloads. */
        final Map<String, String> produced = new ConcurrentHashMap<>();
        final Set<String> neverProduced = ConcurrentHashMap.newKeySet();
        final Set<String> maybeProduced = ConcurrentHashMap.newKeySet();
        final Set<String> completed = ConcurrentHashMap.newKeySet();
        final Map<String, String> held = new ConcurrentHashMap<>();
        final AtomicLong stamps = new AtomicLong();

        Storm(Depot depot) {
            this.depot = depot;
            this.records = depot.capabilities().has(Capability.RECORDS);
            this.queues = depot.capabilities().has(Capability.QUEUES);
            this.accs = records ? depot.records(ACCS) : null;
            this.queue = queues ? depot.queue("jobs") : null;
            this.blobs = depot.blobs("files");
        }

        void work(Target t, int w, AtomicBoolean stop, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            List<Lease> mine = new ArrayList<>();
            long feedCursor = 0;
            int n = 0;
            while (!stop.get()) {
                n++;
                int op = rnd.nextInt(12);
                if (!records && op < 6) {
                    op = 9 + rnd.nextInt(3);
                }
                if (!queues && op >= 6 && op < 9) {
                    op = 9 + rnd.nextInt(3);
                }
                String key = "w" + w + "-" + rnd.nextInt(KEYS);
                switch (op) {
                    case 0, 1 -> save(t, key);
                    case 2 -> transfer(t, "w" + w + "-" + rnd.nextInt(KEYS), "w" + w + "-" + rnd.nextInt(KEYS));
                    case 3 -> {
                        Outcome<Optional<Versioned<Acc>>> o = call(t, "get", () -> accs.getVersioned(key));
                        Known k = known.get(key);
                        if (o.ok() && k != null && (o.value().isEmpty() || o.value().get().version() != k.version()
                                || o.value().get().value().stamp() != k.stamp())) {
                            problem("get " + key + " read " + o.value() + ", expected " + k);
                        }
                    }
                    case 4 -> {
                        String group = "g" + rnd.nextInt(3);
                        Outcome<List<Acc>> o = call(t, "query", () -> accs.query().where(Q.field("group").eq(group)).limit(50).list());
                        if (o.ok()) {
                            for (Acc a : o.value()) {
                                if (!a.group().equals(group)) {
                                    problem("query group=" + group + " returned " + a);
                                }
                            }
                        }
                    }
                    case 5 -> {
                        long after = feedCursor;
                        Outcome<List<ChangeEvent>> o = call(t, "feed", () -> depot.changes().since(after, 200));
                        if (o.ok()) {
                            long last = after;
                            for (ChangeEvent e : o.value()) {
                                if (e.sequence() <= last) {
                                    problem("feed after " + after + " went from " + last + " to " + e.sequence());
                                }
                                last = e.sequence();
                            }
                            feedCursor = o.value().size() < 200 ? 0 : last;
                        }
                    }
                    case 6 -> produce(t, "p" + w + "-" + n);
                    case 7 -> lease(t, w, mine);
                    case 8 -> settle(t, mine, rnd.nextBoolean());
                    case 9, 10 -> writeBlob(t, "b" + w + "-" + rnd.nextInt(2));
                    default -> readBlob(t, "b" + w + "-" + rnd.nextInt(2));
                }
            }
            // Settle what this worker still holds, without interrupts, so the queue ends where the model says.
            for (Lease l : mine) {
                if (queue.inspect(l.id()).isPresent()) {
                    queue.complete(l);
                }
                held.remove(l.id());
                completed.add(l.payloadText());
            }
        }

        void save(Target t, String key) {
            long stamp = stamps.incrementAndGet();
            Outcome<Long> o = call(t, "save", () -> accs.save(acc(key, stamp)));
            Known before = known.get(key);
            long expected = before == null ? 1 : before.version() + 1;
            if (o.ok()) {
                if (o.value() != expected) {
                    problem("save " + key + " returned version " + o.value() + ", expected " + expected);
                }
                known.put(key, new Known(stamp, o.value()));
            } else {
                resolve(List.of(key), stamp, o.unknownAutoCommit(), o, "save");
            }
        }

        void transfer(Target t, String a, String b) {
            long stamp = stamps.incrementAndGet();
            List<String> keys = a.equals(b) ? List.of(a) : List.of(a, b);
            Outcome<Long> o = call(t, "transaction", () -> depot.transact(Retry.onConflict(3), tx -> {
                Records<String, Acc> r = tx.records(ACCS);
                long v = 0;
                for (String k : keys) {
                    r.get(k); // a read inside, so an interrupt can land between statements
                    v = r.save(acc(k, stamp));
                }
                return v;
            }));
            if (o.ok()) {
                for (String k : keys) {
                    Known before = known.get(k);
                    known.put(k, new Known(stamp, before == null ? 1 : before.version() + 1));
                }
            } else {
                resolve(keys, stamp, o.unknown(), o, "transaction");
            }
        }

        /** After a failed write: every key holds the old state, or (outcome unknown only) every key the new one. */
        void resolve(List<String> keys, long stamp, boolean unknown, Outcome<?> o, String what) {
            int applied = 0;
            for (String k : keys) {
                Optional<Versioned<Acc>> now = accs.getVersioned(k);
                Known before = known.get(k);
                if (now.isPresent() && now.get().value().stamp() == stamp) {
                    applied++;
                    if (now.get().version() != (before == null ? 1 : before.version() + 1)) {
                        problem(what + " " + k + " applied with version " + now.get().version() + " after " + before);
                    }
                    known.put(k, new Known(stamp, now.get().version()));
                } else if (before == null ? now.isPresent() : now.isEmpty() || now.get().version() != before.version()
                        || now.get().value().stamp() != before.stamp()) {
                    problem(what + " " + k + " failed and left " + now + ", expected " + before);
                }
            }
            if (applied > 0 && !unknown) {
                problem(what + " " + keys + " failed with " + describe(o.error()) + " but was applied");
            }
            if (applied > 0 && applied < keys.size()) {
                problem(what + " " + keys + " was half applied");
            }
        }

        void produce(Target t, String payload) {
            Outcome<String> o = call(t, "produce", () -> queue.produce(Message.of(payload)));
            if (o.ok()) {
                produced.put(payload, o.value());
            } else if (o.unknownAutoCommit()) {
                maybeProduced.add(payload);
            } else {
                neverProduced.add(payload);
            }
        }

        void lease(Target t, int w, List<Lease> mine) {
            Outcome<List<Lease>> o = call(t, "lease", () -> queue.lease("w" + w, 3, Duration.ofMillis(rnd(20))));
            if (o.ok()) {
                for (Lease l : o.value()) {
                    String other = held.putIfAbsent(l.id(), "w" + w);
                    if (other != null) {
                        problem("item " + l.id() + " leased by w" + w + " while " + other + " holds it");
                    }
                    if (neverProduced.contains(l.payloadText())) {
                        problem("leased " + l.payloadText() + " whose produce failed");
                    }
                    mine.add(l);
                }
            }
        }

        void settle(Target t, List<Lease> mine, boolean complete) {
            if (mine.isEmpty()) {
                return;
            }
            Lease l = mine.get(0);
            held.remove(l.id()); // before the call: a retried item may be leased again before it returns
            Outcome<Boolean> o = call(t, complete ? "complete" : "retry", () -> {
                if (complete) {
                    queue.complete(l);
                } else {
                    queue.retry(l, Duration.ZERO);
                }
                return true;
            });
            boolean gone;
            if (o.ok()) {
                gone = true;
            } else {
                Optional<QueueItem> now = queue.inspect(l.id());
                // Still leased and its lease is ours if no one else took it (the lease timeout is far away).
                boolean stillMine = now.isPresent() && now.get().state() == ItemState.LEASED && held.putIfAbsent(l.id(), "again") == null;
                gone = !stillMine;
                if (gone && !o.unknownAutoCommit()) {
                    problem((complete ? "complete" : "retry") + " of " + l.id() + " failed with " + describe(o.error()) + " but was applied");
                }
            }
            if (gone) {
                mine.remove(0);
                if (complete) {
                    completed.add(l.payloadText());
                }
            }
        }

        void writeBlob(Target t, String path) {
            long stamp = stamps.incrementAndGet();
            byte[] body = blob(stamp);
            Outcome<BlobInfo> o = call(t, "blob write", () -> blobs.write(path, WriteOptions.defaults(), out -> {
                for (int i = 0; i < body.length; i += 4096) {
                    out.write(body, i, 4096);
                }
            }));
            if (o.ok()) {
                blobStamps.put(path, stamp);
                return;
            }
            Long before = blobStamps.get(path);
            Optional<byte[]> now = blobs.exists(path) ? Optional.of(blobs.get(path)) : Optional.empty();
            long nowStamp = now.map(InterruptProbeTest::stampOf).orElse(0L);
            if (nowStamp == stamp) {
                blobStamps.put(path, stamp);
                if (!o.unknownAutoCommit()) {
                    problem("blob write " + path + " failed with " + describe(o.error()) + " but was stored");
                }
            } else if (nowStamp != (before == null ? 0 : before)) {
                problem("blob write " + path + " failed and left stamp " + nowStamp + " (" + now.map(b -> b.length).orElse(-1)
                        + " bytes), expected " + before);
            }
        }

        void readBlob(Target t, String path) {
            Outcome<byte[]> o = call(t, "blob read", () -> {
                if (!blobs.exists(path)) {
                    return null;
                }
                try (InputStream in = blobs.read(path)) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    if (dev.depot.spi.Interrupts.causedBy(e)) {
                        // A stream reports failures as IOException; an interrupt closes a file channel under it.
                        throw new BackendUnavailableException("blob stream read interrupted", e);
                    }
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (o.ok() && o.value() != null) {
                long s = stampOf(o.value());
                Long k = blobStamps.get(path);
                if (s < 0 || k == null || s != k) {
                    problem("blob read " + path + " saw stamp " + s + " (" + o.value().length + " bytes), expected " + k);
                }
            }
        }

        /** After the storm, from this thread: the model and the depot agree. */
        void check(List<ChangeEvent> subscribed) {
            if (records) {
                Map<String, Long> versions = new TreeMap<>();
                for (Map.Entry<String, Known> e : known.entrySet()) {
                    Optional<Versioned<Acc>> now = accs.getVersioned(e.getKey());
                    if (now.isEmpty() || now.get().version() != e.getValue().version() || now.get().value().stamp() != e.getValue().stamp()) {
                        problem(e.getKey() + " is " + now + ", the model says " + e.getValue());
                        continue;
                    }
                    versions.put(e.getKey(), e.getValue().version());
                    Acc a = now.get().value();
                    List<Acc> byTag = accs.query().where(Q.field("tag").eq(a.tag())).list();
                    List<Acc> byStamp = accs.query().where(Q.field("stamp").eq(a.stamp())).list();
                    if (!byTag.contains(a) || byTag.size() != 1 || !byStamp.contains(a)) {
                        problem("indexes disagree with " + a + ": tag finds " + byTag + ", stamp finds " + byStamp);
                    }
                }
                if (accs.count() != known.size()) {
                    problem("count " + accs.count() + " but " + known.size() + " keys were written");
                }
                for (int g = 0; g < 3; g++) {
                    String group = "g" + g;
                    Set<String> want = new HashSet<>();
                    known.forEach((k, v) -> {
                        if (v.stamp() % 3 == Long.parseLong(group.substring(1))) {
                            want.add(k);
                        }
                    });
                    Set<String> got = new HashSet<>();
                    accs.query().where(Q.field("group").eq(group)).stream().forEach(a -> got.add(a.id()));
                    if (!got.equals(want)) {
                        problem("index group=" + group + " finds " + got + ", records say " + want);
                    }
                }
                List<ChangeEvent> feed = new ArrayList<>();
                long after = 0;
                for (List<ChangeEvent> page; !(page = depot.changes().since(after, 1000)).isEmpty(); after = page.getLast().sequence()) {
                    feed.addAll(page);
                }
                checkFeed("feed", feed, versions);
                checkFeed("subscription", subscribed, versions);
            }
            if (queues) {
                for (Map.Entry<String, String> p : produced.entrySet()) {
                    boolean there = queue.inspect(p.getValue()).isPresent();
                    if (!there && !completed.contains(p.getKey())) {
                        problem("item " + p.getKey() + " was produced and never completed, and is gone");
                    }
                    if (there && completed.contains(p.getKey())) {
                        problem("item " + p.getKey() + " was completed and is still there");
                    }
                }
                Set<String> payloads = new HashSet<>();
                for (ItemState s : ItemState.values()) {
                    String cursor = null;
                    do {
                        Page<QueueItem> page = queue.list(s, 100, cursor);
                        for (QueueItem i : page.items()) {
                            String text = new String(i.payload(), java.nio.charset.StandardCharsets.UTF_8);
                            payloads.add(text);
                            if (neverProduced.contains(text)) {
                                problem("item " + text + " is in the queue though its produce failed");
                            }
                        }
                        cursor = page.nextCursor();
                    } while (cursor != null);
                }
            }
            for (Map.Entry<String, Long> e : blobStamps.entrySet()) {
                long s = stampOf(blobs.get(e.getKey()));
                if (s != e.getValue()) {
                    problem("blob " + e.getKey() + " has stamp " + s + ", the model says " + e.getValue());
                }
            }
        }

        private void checkFeed(String what, List<ChangeEvent> events, Map<String, Long> versions) {
            Map<String, List<Long>> byKey = new TreeMap<>();
            long last = 0;
            for (ChangeEvent e : events) {
                if (e.sequence() <= last) {
                    problem(what + " sequence " + e.sequence() + " after " + last);
                }
                last = e.sequence();
                if (e.collection().equals("accs")) {
                    byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.version());
                }
            }
            for (Map.Entry<String, Long> v : versions.entrySet()) {
                List<Long> want = new ArrayList<>();
                for (long i = 1; i <= v.getValue(); i++) {
                    want.add(i);
                }
                List<Long> got = byKey.getOrDefault(v.getKey(), List.of());
                if (!got.equals(want)) {
                    problem(what + " has versions " + got + " of " + v.getKey() + ", expected 1.." + v.getValue());
                }
            }
            if (!byKey.keySet().equals(versions.keySet())) {
                problem(what + " has keys " + byKey.keySet() + ", records " + versions.keySet());
            }
        }
    }

    private static long rnd(int bound) {
        return java.util.concurrent.ThreadLocalRandom.current().nextInt(bound);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void interruptsInTheMiddleOfCallsLeaveTheDepotWholeAndUsable(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        h2 = url.startsWith("h2:");
        try (Depot depot = Depot.open(url)) {
            Storm storm = new Storm(depot);
            List<ChangeEvent> subscribed = new CopyOnWriteArrayList<>();
            dev.depot.Subscription sub = storm.records ? depot.changes().subscribe(0, subscribed::add, dev.depot.SubscribeOptions.defaults()) : null;

            // 1. The storm: workers on platform and virtual threads, one interrupter.
            AtomicBoolean stop = new AtomicBoolean();
            List<Target> targets = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                Target t = new Target();
                int id = w;
                Runnable body = () -> {
                    t.thread = Thread.currentThread();
                    try {
                        storm.work(t, id, stop, 28_000L + id);
                    } catch (RuntimeException | Error e) {
                        problem("worker " + id + " died: " + describe(e));
                    }
                };
                Thread th = (w % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual()).name("interrupt-worker-" + w).unstarted(body);
                t.thread = th;
                targets.add(t);
                threads.add(th);
            }
            Thread interrupter = Thread.ofPlatform().name("interrupter").start(() -> {
                SplittableRandom rnd = new SplittableRandom(28);
                while (!stop.get()) {
                    Target t = targets.get(rnd.nextInt(targets.size()));
                    synchronized (t.lock) {
                        if (t.inCall) {
                            t.sent++;
                            t.thread.interrupt();
                        }
                    }
                    LockSupport.parkNanos(rnd.nextLong(200_000, 3_000_000));
                }
            });
            threads.forEach(Thread::start);
            Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS));
            stop.set(true);
            interrupter.join();
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(60));
                if (th.isAlive()) {
                    problem(th.getName() + " is stuck: " + Arrays.toString(th.getStackTrace()));
                }
            }

            // 2. Future.cancel(true): tasks that save a key and read it back, cancelled at random.
            if (storm.records) {
                cancelledTasks(storm);
            }

            // 3. Many calls with the flag already set: each fails or returns, the flag stays, nothing leaks.
            flagAlreadySet(storm);

            // 4. Plain calls from a thread nobody interrupts: everything works, the model holds.
            if (sub != null) {
                long last = depot.changes().lastSequence();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((subscribed.isEmpty() || subscribed.getLast().sequence() < last) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                sub.close();
            }
            storm.check(subscribed);
            plainCallsWork(storm);

            System.out.printf("%s: %d calls, %d hit by an interrupt, %d of those failed, %d interrupts consumed by H2; exceptions: %s%n",
                    name, calls.get(), hits.get(), failedHits.get(), h2Swallowed.get(), seen);
            assertThat(problems).as(name).isEmpty();
            assertThat(hits.get()).as("interrupts that landed inside calls").isPositive();
        }
    }

    /** Tasks on an executor cancelled with {@code cancel(true)} while they run: each write is whole or absent. */
    private void cancelledTasks(Storm storm) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Map<String, String> outcome = new ConcurrentHashMap<>();
        List<Future<?>> futures = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(281);
        for (int i = 0; i < 60; i++) {
            String key = "task-" + i;
            futures.add(pool.submit(() -> {
                try {
                    storm.accs.save(acc(key, 1));
                    outcome.put(key, "saved");
                } catch (CommitOutcomeUnknownException e) {
                    outcome.put(key, "unknown");
                } catch (RuntimeException e) {
                    outcome.put(key, "failed");
                    if (!(e instanceof DepotException)) {
                        problem("cancelled task threw " + describe(e));
                    }
                    if (!Thread.currentThread().isInterrupted()) {
                        problem("cancelled task failed and its flag is clear: " + describe(e));
                    }
                }
            }));
            if (rnd.nextBoolean()) {
                LockSupport.parkNanos(rnd.nextLong(100_000, 2_000_000));
                futures.get(rnd.nextInt(futures.size())).cancel(true);
            }
        }
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            problem("cancelled tasks did not end");
            pool.shutdownNow();
        }
        for (int i = 0; i < 60; i++) {
            String key = "task-" + i;
            Optional<Versioned<Acc>> now = storm.accs.getVersioned(key);
            String o = outcome.getOrDefault(key, "not run");
            boolean ok = switch (o) {
                case "saved" -> now.isPresent() && now.get().version() == 1;
                case "unknown" -> now.isEmpty() || now.get().version() == 1;
                default -> now.isEmpty();
            };
            if (!ok) {
                problem("cancelled task " + key + " (" + o + ") left " + now);
            }
            now.ifPresent(v -> storm.known.put(key, new Known(1, 1)));
        }
    }

    /** 200 calls made with the flag set (more than the pool holds), then a lease wait with the flag set must not spin. */
    private void flagAlreadySet(Storm storm) throws Exception {
        Target self = new Target();
        self.thread = Thread.currentThread();
        for (int i = 0; i < 200; i++) {
            int op = i % 5;
            String what = "flag-set call " + op;
            synchronized (self.lock) {
                self.sent++; // counts as hit: the flag is set as the call begins
            }
            Outcome<Object> o = flagSetCall(self, what, () -> switch (op) {
                case 0 -> storm.records ? storm.accs.get("w0-0") : storm.blobs.exists("b0-0");
                case 1 -> storm.records ? storm.depot.transact(tx -> tx.records(ACCS).get("w0-1")) : storm.blobs.stat("b0-1");
                case 2 -> storm.queues ? storm.queue.stats() : storm.blobs.exists("b1-0");
                case 3 -> storm.records ? storm.accs.query().where(Q.field("group").eq("g1")).list() : storm.blobs.exists("b1-1");
                default -> storm.blobs.exists("b0-0") ? storm.blobs.get("b0-0").length : 0;
            });
            if (o.error() != null && !(o.error() instanceof DepotException)) {
                problem(what + " threw " + describe(o.error()));
            }
        }
        if (storm.queues) {
            WorkQueue empty = storm.depot.queue("empty");
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu = mx.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            Thread.currentThread().interrupt();
            try {
                empty.lease(1, Duration.ofSeconds(2));
            } catch (DepotException e) {
                seen.putIfAbsent("lease with flag set: " + e.getClass().getSimpleName(), describe(e));
            }
            long wall = System.nanoTime() - start;
            long used = mx.getCurrentThreadCpuTime() - cpu;
            if (!Thread.interrupted()) {
                problem("lease with the flag set cleared it");
            }
            // A wait that ignores the flag spins (park returns at once): it burns the whole wait on CPU.
            if (wall > TimeUnit.MILLISECONDS.toNanos(1500) && used > wall / 2) {
                problem("lease with the flag set spun for " + wall / 1_000_000 + " ms using " + used / 1_000_000 + " ms of CPU");
            }
        }
    }

    /** Like {@link #call}, but with the flag set before the call. */
    private <T> Outcome<T> flagSetCall(Target t, String what, Supplier<T> call) {
        T value = null;
        RuntimeException error = null;
        Thread.currentThread().interrupt();
        try {
            value = call.get();
        } catch (RuntimeException e) {
            error = e;
        }
        boolean flag = Thread.interrupted();
        if (!flag) {
            problem(what + ": the interrupt flag was cleared" + (error == null ? "" : " (threw " + describe(error) + ")"));
        }
        if (error != null) {
            seen.putIfAbsent("flag set: " + error.getClass().getSimpleName(), describe(error));
        }
        return new Outcome<>(value, error, true, flag);
    }

    /** Every kind of call, from this thread with no flag, works after the storm. */
    private void plainCallsWork(Storm storm) {
        try {
            if (storm.records) {
                for (int i = 0; i < 20; i++) {
                    String key = "after-" + i;
                    storm.accs.save(acc(key, 1_000_000 + i));
                    long v = storm.depot.transact(tx -> tx.records(ACCS).save(acc(key, 2_000_000L)));
                    assertThat(v).isEqualTo(2L);
                    assertThat(storm.accs.get(key)).contains(acc(key, 2_000_000L));
                }
                assertThat(storm.accs.query().where(Q.field("stamp").eq(2_000_000L)).count()).isEqualTo(20);
                assertThat(storm.depot.changes().since(storm.depot.changes().lastSequence() - 1, 10)).hasSize(1);
            }
            if (storm.queues) {
                WorkQueue q = storm.depot.queue("after");
                for (int i = 0; i < 10; i++) {
                    q.produce(Message.of("a" + i));
                }
                int done = 0;
                for (List<Lease> ls; done < 10 && !(ls = q.lease(5, Duration.ofSeconds(1))).isEmpty(); ) {
                    for (Lease l : ls) {
                        q.complete(l);
                        done++;
                    }
                }
                assertThat(done).isEqualTo(10);
            }
            for (int i = 0; i < 10; i++) {
                storm.blobs.put("after-" + i, blob(i), WriteOptions.defaults());
                assertThat(stampOf(storm.blobs.get("after-" + i))).isEqualTo(i);
            }
        } catch (RuntimeException | AssertionError e) {
            problem("a plain call after the storm failed: " + describe(e));
        }
    }
}
