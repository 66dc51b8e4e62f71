package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.depot.BackendUnavailableException;
import dev.depot.ChangeEvent;
import dev.depot.CommitOutcome;
import dev.depot.CommitOutcomeUnknownException;
import dev.depot.Depot;
import dev.depot.Health;
import dev.depot.Lease;
import dev.depot.LeaseExpiredException;
import dev.depot.Message;
import dev.depot.Q;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.Subscription;
import dev.depot.Versioned;
import dev.depot.WorkQueue;
import dev.depot.jdbc.PrivateServer.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database server itself goes down and comes back, on a {@link PrivateServer} of the test's own
 * (never the shared servers): crashed (PostgreSQL immediate shutdown, MariaDB SIGKILL) and stopped
 * cleanly, down for seconds, then started again on the same port. Workers keep writing records
 * (auto-commit and transactions), producing, leasing and completing queue items and writing blobs
 * through it all, and subscriptions stay open. Then, on the same depot, never reopened:
 *
 * <ul>
 *   <li>during the outage every call fails as {@link BackendUnavailableException} (a commit as
 *       {@link CommitOutcomeUnknownException} where its outcome is unknown), within its bounds (a call
 *       still running after {@value #STUCK_SECONDS} s is stuck), naming no password;
 *   <li>after it the depot serves again by itself; every acknowledged write is there (fsync on),
 *       every failed one absent or whole, transactions as {@code commitOutcome} settles them; versions
 *       count the writes, indexes agree with the documents, the feed is gap-free, without repeats and
 *       holds exactly the stored writes; queue items are neither lost nor completed twice; the
 *       subscriptions (also one in a second depot that only reads, woken by LISTEN/NOTIFY or the poll)
 *       deliver every event, in order, without being opened again.
 * </ul>
 *
 * <p>Two outages by default (a crash down 3 s, a clean restart down 2 s); {@code -Ddepot.deep=true}
 * or {@code -Ddepot.outage.cycles=N} runs more, with downtimes of 2–5 s. Skips when the server
 * binaries or the {@code postgres} OS user are missing.
 */
class ServerOutageProbeTest {
    /** Short bounds, so an outage costs calls seconds; the pool is larger than the workers. */
    private static final String BOUNDS = "poolSize=8&connectTimeout=1s&socketTimeout=4s&statementTimeout=2s&poolTimeout=2s";
    /** Far above every bound (the longest call: pool wait plus connect plus socket timeout): a call running longer is stuck. */
    private static final long STUCK_SECONDS = 30;
    private static final int CYCLES = Integer.getInteger("depot.outage.cycles", Boolean.getBoolean("depot.deep") ? 8 : 2);
    private static final Map<Kind, PrivateServer> SERVERS = new EnumMap<>(Kind.class);

    record Doc(String id, String body, String tag) {}

    private static final Schema<String, Doc> DOCS =
            Schema.of("docs", String.class, Doc.class).key(Doc::id).index("tag", String.class, Doc::tag).build();

    /** One private server per kind for the whole class, started when first needed. */
    private static synchronized PrivateServer server(Kind kind) throws Exception {
        PrivateServer s = SERVERS.get(kind);
        if (s == null) {
            s = PrivateServer.start(kind);
            SERVERS.put(kind, s);
        }
        return s;
    }

    @AfterAll
    static synchronized void stopServers() {
        SERVERS.values().forEach(PrivateServer::close);
        SERVERS.clear();
    }

    // ---- scenario: workers across crashes and restarts ----

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void workersAcrossCrashesAndRestartsLoseNothingAcknowledgedAndTheDepotServesAgain(Kind kind) throws Exception {
        long began = System.nanoTime();
        PrivateServer server = server(kind);
        server.ensureUp();
        phase(kind, "server ready", began);
        String url = server.url("tablePrefix=w_&" + BOUNDS);
        Random random = new Random(28);
        try (Depot depot = Depot.open(url); Depot reader = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            WorkQueue queue = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(2)).noDeadLetter().maxAttempts(1000));
            var blobs = depot.blobs("files");
            docs.save(new Doc("seed", "0", "t0"));
            long start = depot.changes().lastSequence();
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            List<ChangeEvent> seenElsewhere = new CopyOnWriteArrayList<>();
            Ledger ledger = new Ledger();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> workers = new ArrayList<>();
            try (Subscription sub = depot.changes().subscribe(start, seen::add);
                    Subscription other = reader.changes().subscribe(start, seenElsewhere::add)) {
                workers.add(worker("auto", running, ledger, i -> autoCommit(docs, ledger, i)));
                workers.add(worker("tx", running, ledger, i -> transaction(depot, ledger, i)));
                workers.add(worker("produce", running, ledger, i -> produce(queue, ledger, i)));
                workers.add(worker("consume", running, ledger, i -> consume(queue, ledger)));
                workers.add(worker("blob", running, ledger, i -> blob(blobs, ledger, i)));
                try {
                    awaitTrue(() -> ledger.allSucceededSince(0, workers.size()), "every worker succeeded before the first outage");
                    phase(kind, "workers running", began);
                    for (int cycle = 0; cycle < CYCLES; cycle++) {
                        boolean crash = cycle % 2 == 0;
                        long downMillis = CYCLES <= 2 ? (crash ? 3_000 : 2_000) : 2_000 + random.nextInt(3_001);
                        Thread.sleep(800); // the workers get going
                        if (crash) {
                            server.crash();
                        } else {
                            server.stop();
                        }
                        long downSince = ledger.epoch.incrementAndGet();
                        phase(kind, "server down (outage " + (cycle + 1) + ")", began);
                        try {
                            probeWhileDown(depot, docs, ledger, downMillis);
                        } finally {
                            phase(kind, "starting the server", began);
                            server.up();
                            phase(kind, "server up", began);
                        }
                        long upEpoch = ledger.epoch.incrementAndGet();
                        // The same depot serves again by itself: every worker succeeds after the restart.
                        awaitTrue(() -> ledger.allSucceededSince(upEpoch, workers.size()),
                                "every worker succeeded after restart " + (cycle + 1) + " (" + (crash ? "crash" : "clean stop") + ")");
                        phase(kind, "every worker served again", began);
                        if (kind == Kind.POSTGRESQL) {
                            // Both depots listen again for other processes' commits, no user action.
                            awaitTrue(() -> listeners(server) == 2, "both depots LISTEN again after restart " + (cycle + 1));
                        }
                        assertThat(ledger.failuresIn(downSince)).as("calls failed during outage %d", cycle + 1).isPositive();
                    }
                    Thread.sleep(500);
                } finally {
                    running.set(false);
                    for (Thread t : workers) {
                        t.join(TimeUnit.SECONDS.toMillis(STUCK_SECONDS * 2));
                        assertThat(t.isAlive()).as("a worker stuck: " + t.getName()).isFalse();
                    }
                }
                assertThat(ledger.wrong).as("calls that failed other than as unavailable, or took longer than %d s", STUCK_SECONDS)
                        .isEmpty();

                phase(kind, "workers stopped", began);
                checkRecords(depot, docs, ledger, start);
                phase(kind, "records checked", began);
                checkQueue(queue, ledger);
                phase(kind, "queue checked", began);
                checkBlobs(blobs, ledger);
                phase(kind, "blobs checked", began);

                // Subscriptions open across the outages deliver every event, in order, once.
                List<ChangeEvent> feed = depot.changes().since(start, 1_000_000);
                long last = feed.get(feed.size() - 1).sequence();
                awaitTrue(() -> !seen.isEmpty() && seen.get(seen.size() - 1).sequence() >= last, "the writer's subscription caught up");
                awaitTrue(() -> !seenElsewhere.isEmpty() && seenElsewhere.get(seenElsewhere.size() - 1).sequence() >= last,
                        "the other depot's subscription caught up");
                assertThat(sequences(seen)).as("the writer's subscription").isEqualTo(sequences(feed));
                assertThat(sequences(seenElsewhere)).as("the other depot's subscription").isEqualTo(sequences(feed));
                assertThat(seen.stream().map(ChangeEvent::key).toList()).isEqualTo(feed.stream().map(ChangeEvent::key).toList());
                awaitTrue(() -> sub.state() == Subscription.State.ACTIVE && other.state() == Subscription.State.ACTIVE,
                        "both subscriptions active again");
                phase(kind, "subscriptions checked", began);
                System.out.printf("%s: %d outages; %s%n", kind, CYCLES, ledger.summary());
            }
        }
    }

    /**
     * While the server is down: calls fail promptly as unavailable, naming no password; health says
     * down. The calls run at once (each waits out the pool's timeout), so the outage lasts as planned.
     */
    private static void probeWhileDown(Depot depot, Records<String, Doc> docs, Ledger ledger, long downMillis) throws Exception {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(downMillis);
        var blobs = depot.blobs("files");
        Map<String, Call> calls = new java.util.LinkedHashMap<>();
        calls.put("read", () -> docs.get("seed"));
        calls.put("transaction", () -> depot.transact(t -> t.records(DOCS).save(new Doc("down", "x", "t0"))));
        calls.put("feed read", () -> depot.changes().since(0, 10));
        calls.put("commit lookup", () -> depot.commitOutcome(depot.transact(t -> t.id())));
        // Blob calls fail the same way, whatever the size: one chunk or several (an upload of its own), read or written.
        calls.put("blob put, small", () -> blobs.put("down", new byte[10]));
        calls.put("blob put, two chunks", () -> blobs.put("down", new byte[(1 << 20) + 300]));
        calls.put("blob write callback, two chunks",
                () -> blobs.write("down", dev.depot.WriteOptions.defaults(), out -> out.write(new byte[(1 << 20) + 300])));
        calls.put("blob get", () -> blobs.get("f4"));
        calls.put("streamed blob, small", () -> {
            try (var out = blobs.write("down")) {
                out.write(new byte[10]);
            }
        });
        Map<String, java.util.concurrent.Future<Throwable>> running = new java.util.LinkedHashMap<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            calls.forEach((what, call) -> running.put(what, threads.submit(() -> timed(ledger, what + " while down", call))));
            Health health = depot.health();
            assertThat(health.up()).as("health while down").isFalse();
            assertThat(health.detail()).doesNotContain(PrivateServer.PASSWORD);
            for (var e : running.entrySet()) {
                Throwable t = e.getValue().get();
                assertThat(t).as("%s while the server is down", e.getKey()).isInstanceOf(BackendUnavailableException.class);
                assertThat(t.getMessage()).as(e.getKey()).doesNotContain(PrivateServer.PASSWORD);
            }
        }
        // A stream's write carries it as an IOException's cause (OutputStream's contract).
        Throwable streamed = timed(ledger, "streamed blob, two chunks", () -> {
            try (var out = blobs.write("down")) {
                out.write(new byte[(1 << 20) + 300]);
            }
        });
        assertThat(streamed).as("a streamed write of two chunks while the server is down").isNotNull();
        assertThat(Stream.iterate(streamed, Objects::nonNull, Throwable::getCause)).as("%s", streamed)
                .anyMatch(BackendUnavailableException.class::isInstance);
        long left = until - System.nanoTime();
        if (left > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
        }
    }

    // ---- the workers ----

    interface Step {
        void run(int i) throws Exception;
    }

    private static Thread worker(String name, AtomicBoolean running, Ledger ledger, Step step) {
        return Thread.ofPlatform().name("outage-" + name).start(() -> {
            for (int i = 0; running.get(); i++) {
                long began = System.nanoTime();
                try {
                    step.run(i);
                    ledger.succeeded(name);
                } catch (BackendUnavailableException e) {
                    ledger.failed(name, e, began);
                    try {
                        Thread.sleep(50); // a worker backs off a little, as an application would
                    } catch (InterruptedException ie) {
                        return;
                    }
                } catch (Throwable e) {
                    ledger.wrong.add(name + " #" + i + ": " + e);
                    e.printStackTrace();
                }
            }
        });
    }

    /** New documents and updates of one document, auto-commit: failures have no outcome to ask for. */
    private static void autoCommit(Records<String, Doc> docs, Ledger ledger, int i) {
        if (i % 3 == 2) {
            String body = "u" + i;
            ledger.updateAttempts.add(body);
            docs.save(new Doc("upd", body, "t" + i % 4));
            ledger.updateAcked.set(i);
            ledger.updateAckedBodies.add(body);
        } else {
            String key = "a" + i;
            ledger.autoAttempted.put(key, "b" + i);
            docs.save(new Doc(key, "b" + i, "t" + i % 4));
            ledger.autoAcked.add(key);
        }
    }

    /** A counter read and incremented, and a pair of new documents, in one transaction with its id kept. */
    private static void transaction(Depot depot, Ledger ledger, int i) {
        String[] id = new String[1];
        try {
            depot.transact(tx -> {
                id[0] = tx.id();
                var r = tx.records(DOCS);
                long n = r.get("counter").map(d -> Long.parseLong(d.body())).orElse(0L);
                r.save(new Doc("counter", String.valueOf(n + 1), "c"));
                r.save(new Doc("t" + i, "x", "t" + i % 4));
                r.save(new Doc("t" + i + "-pair", "y", "t" + i % 4));
                return null;
            });
            ledger.txAcked.add(i);
        } catch (BackendUnavailableException e) {
            if (id[0] != null) {
                ledger.txFailed.put(i, id[0]);
            }
            throw e;
        }
    }

    private static void produce(WorkQueue queue, Ledger ledger, int i) {
        String payload = "m" + i;
        String id = queue.produce(Message.of(payload).dedupKey(payload));
        ledger.produced.put(id, payload);
    }

    private static void consume(WorkQueue queue, Ledger ledger) {
        for (Lease l : queue.lease("consumer", 4, Duration.ofMillis(200))) {
            try {
                queue.complete(l);
                ledger.completed.merge(l.id(), 1, Integer::sum);
            } catch (LeaseExpiredException e) {
                // leased before an outage that outlasted it: the item comes back
            } catch (BackendUnavailableException e) {
                ledger.completeUnknown.add(l.id());
                throw e;
            }
        }
    }

    private static void blob(dev.depot.Blobs blobs, Ledger ledger, int i) {
        String path = "f" + i;
        ledger.blobAttempted.add(i);
        blobs.put(path, content(i));
        ledger.blobAcked.add(i);
    }

    /** Blob {@code i}'s bytes: mostly small, every fifth over one chunk (an upload of its own). */
    private static byte[] content(int i) {
        byte[] b = new byte[i % 5 == 4 ? (1 << 20) + 300 : 2_000 + i * 37 % 50_000];
        new Random(i).nextBytes(b);
        return b;
    }

    // ---- checks after the outages ----

    private static void checkRecords(Depot depot, Records<String, Doc> docs, Ledger ledger, long start) {
        // Auto-commit: acknowledged there with its value, failed absent or whole.
        Map<String, Doc> stored = new HashMap<>(docs.getAll(ledger.autoAttempted.keySet()));
        for (String k : ledger.autoAcked) {
            assertThat(stored.get(k)).as("acknowledged %s", k).isNotNull();
        }
        stored.forEach((k, d) -> assertThat(d.body()).as(k).isEqualTo(ledger.autoAttempted.get(k)));

        // The updated document: its last acknowledged update or a later attempt; its version counts its writes.
        Versioned<Doc> upd = docs.getVersioned("upd").orElseThrow(
                () -> new AssertionError("the updated document is gone (" + ledger.updateAckedCount() + " updates acknowledged)"));
        int lastAcked = ledger.updateAttempts.indexOf("u" + ledger.updateAcked.get());
        assertThat(ledger.updateAttempts.indexOf(upd.value().body())).as("the update kept").isGreaterThanOrEqualTo(lastAcked);

        // Transactions: acknowledged whole; failed ones whole or absent, as commitOutcome says.
        Set<Integer> committed = new HashSet<>(ledger.txAcked);
        for (var e : ledger.txFailed.entrySet()) {
            CommitOutcome o = depot.commitOutcome(e.getValue());
            assertThat(o.status()).as("outcome of %s", e.getValue()).isNotEqualTo(CommitOutcome.Status.UNKNOWN);
            if (o.committed()) {
                committed.add(e.getKey());
            }
        }
        for (int i = 0; i < ledger.txMax(); i++) {
            int present = docs.getAll(List.of("t" + i, "t" + i + "-pair")).size();
            assertThat(present).as("transaction %d (acknowledged or settled committed: %s)", i, committed.contains(i))
                    .isEqualTo(committed.contains(i) ? 2 : 0);
        }
        assertThat(docs.get("counter").map(Doc::body).orElse("0")).as("the counter: one increment per committed transaction")
                .isEqualTo(String.valueOf(committed.size()));

        // The feed: gap-free, no repeats; per key versions 1, 2, 3… up to the stored version; exactly the stored keys.
        List<ChangeEvent> feed = depot.changes().since(start, 1_000_000);
        for (int i = 1; i < feed.size(); i++) {
            assertThat(feed.get(i).sequence()).as("no gap, no repeat").isEqualTo(feed.get(i - 1).sequence() + 1);
        }
        Map<String, List<Long>> versions = new HashMap<>();
        for (ChangeEvent e : feed) {
            versions.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.version());
        }
        List<Doc> all = docs.query().list();
        Map<String, Long> storedVersions = new HashMap<>();
        for (Doc d : all) {
            storedVersions.put(d.id(), docs.getVersioned(d.id()).orElseThrow().version());
        }
        storedVersions.remove("seed"); // written before the feed position the test starts from
        assertThat(versions.keySet()).as("keys in the feed = keys stored").isEqualTo(storedVersions.keySet());
        storedVersions.forEach((k, v) -> {
            List<Long> expected = new ArrayList<>();
            for (long n = v - versions.get(k).size() + 1; n <= v; n++) {
                expected.add(n);
            }
            assertThat(versions.get(k)).as("versions of %s in the feed, stored %d", k, v).isEqualTo(expected);
            assertThat(expected.get(0)).as("first version of %s", k).isEqualTo(1L);
        });
        assertThat(upd.version()).as("one version per applied update").isLessThanOrEqualTo(ledger.updateAttempts.size())
                .isGreaterThanOrEqualTo(ledger.updateAckedCount());

        // Indexes agree with the documents.
        for (String tag : List.of("t0", "t1", "t2", "t3", "c")) {
            Set<String> byIndex = new HashSet<>(docs.query().where(Q.field("tag").eq(tag)).list().stream().map(Doc::id).toList());
            Set<String> byScan = new HashSet<>(all.stream().filter(d -> d.tag().equals(tag)).map(Doc::id).toList());
            assertThat(byIndex).as("index tag=%s", tag).isEqualTo(byScan);
        }
    }

    /** Every acknowledged item is completed (expired leases came back), none completed twice. */
    private static void checkQueue(WorkQueue queue, Ledger ledger) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STUCK_SECONDS);
        while (true) {
            QueueStats s = queue.stats();
            if (s.ready() + s.leased() + s.scheduled() == 0) {
                break;
            }
            assertThat(System.nanoTime()).as("the queue drained (%s)", s).isLessThan(deadline);
            consume(queue, ledger);
        }
        assertThat(queue.stats().dead()).isZero();
        ledger.completed.forEach((id, n) -> assertThat(n).as("completions of item %s", id).isEqualTo(1));
        for (String id : ledger.produced.keySet()) {
            assertThat(ledger.completed.containsKey(id) || ledger.completeUnknown.contains(id))
                    .as("acknowledged item %s (%s) completed", id, ledger.produced.get(id)).isTrue();
        }
    }

    private static void checkBlobs(dev.depot.Blobs blobs, Ledger ledger) {
        for (int i : ledger.blobAttempted) {
            boolean acked = ledger.blobAcked.contains(i);
            if (!blobs.exists("f" + i)) {
                assertThat(acked).as("acknowledged blob f%d is there", i).isFalse();
                continue;
            }
            assertThat(Arrays.equals(blobs.get("f" + i), content(i))).as("blob f%d whole (acknowledged: %s)", i, acked).isTrue();
        }
    }

    // ---- scenario: opening while the server is down ----

    /**
     * Work in flight when the server crashes fails as unavailable and leaves nothing: a transaction
     * that has read (settled NOT_COMMITTED by {@code commitOutcome} afterwards) and a streamed blob
     * whose first chunk is stored (its {@code close()} fails publishing the rest). A depot opened while
     * the server is down fails the open as unavailable, promptly and without the password, and leaves
     * no thread behind; once the server is back the same URL opens and works. A depot already open
     * when the server went down closes promptly.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void workInFlightFailsCleanlyAndOpeningWhileDownFailsClearlyThenWorks(Kind kind) throws Exception {
        PrivateServer server = server(kind);
        server.ensureUp();
        String url = server.url("tablePrefix=o_&" + BOUNDS);
        Depot open = Depot.open(url);
        open.records(DOCS).save(new Doc("a", "before", "t0"));
        var stream = open.blobs("files").write("half");
        stream.write(new byte[(1 << 20) + 300]); // the first chunk is stored now, the rest waits for close()
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch crashed = new java.util.concurrent.CountDownLatch(1);
        String[] txId = new String[1];
        var tx = java.util.concurrent.CompletableFuture.runAsync(() -> open.transact(t -> {
            txId[0] = t.id();
            t.records(DOCS).get("a"); // the transaction holds its connection from here
            reading.countDown();
            try {
                crashed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return t.records(DOCS).save(new Doc("tx", "in flight", "t0"));
        }));
        assertThat(reading.await(STUCK_SECONDS, TimeUnit.SECONDS)).isTrue();
        server.crash();
        crashed.countDown();
        try {
            Ledger ledger = new Ledger();
            Throwable inFlight = timed(ledger, "transaction in flight", () -> tx.get(STUCK_SECONDS, TimeUnit.SECONDS));
            assertThat(inFlight).as("the transaction in flight").isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .cause().isInstanceOf(BackendUnavailableException.class);
            Throwable closed = timed(ledger, "closing a stream in flight", stream::close);
            assertThat(closed).as("publishing a streamed blob once the server is gone").isInstanceOf(BackendUnavailableException.class);
            assertThat(closed.getMessage()).doesNotContain(PrivateServer.PASSWORD);

            Set<Thread> before = Thread.getAllStackTraces().keySet();
            for (int attempt = 0; attempt < 3; attempt++) {
                Throwable t = timed(ledger, "open while down", () -> Depot.open(url).close());
                assertThat(t).as("open while the server is down").isInstanceOf(BackendUnavailableException.class);
                assertThat(t.getMessage()).doesNotContain(PrivateServer.PASSWORD).contains("127.0.0.1:" + server.port());
            }
            // A failed open leaves nothing running (a pool still connecting, a sequencer, a listener).
            awaitTrue(() -> newThreads(before).isEmpty(), "no threads left by the failed opens: " + newThreads(before));
            Throwable c = timed(ledger, "close while down", () -> open.close());
            assertThat(c).isNull();
            assertThat(ledger.wrong).isEmpty();
        } finally {
            server.up();
        }
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            assertThat(docs.get("a").map(Doc::body)).contains("before");
            assertThat(docs.get("tx")).isEmpty();
            assertThat(depot.commitOutcome(txId[0]).status()).isEqualTo(CommitOutcome.Status.NOT_COMMITTED);
            assertThat(depot.blobs("files").exists("half")).isFalse();
            docs.save(new Doc("b", "after", "t1"));
            assertThat(depot.changes().since(0, 10)).extracting(ChangeEvent::key).containsExactly("a", "b");
        }
    }

    // ---- helpers ----

    interface Call {
        void run() throws Exception;
    }

    /** Runs a call that may fail; returns what it threw. A call that runs longer than a stuck call is recorded wrong. */
    private static Throwable timed(Ledger ledger, String what, Call call) {
        long began = System.nanoTime();
        Throwable t = catchThrowable(call::run);
        long took = System.nanoTime() - began;
        System.out.printf("  %s: %s in %d ms%n", what, t == null ? "ok" : t.getClass().getSimpleName(), TimeUnit.NANOSECONDS.toMillis(took));
        if (took > TimeUnit.SECONDS.toNanos(STUCK_SECONDS)) {
            ledger.wrong.add(what + " took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
        }
        return t;
    }

    /** Live platform threads that were not there before (virtual threads are not listed). */
    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName).filter(n -> !n.startsWith("outage-")).toList();
    }

    /** The private PostgreSQL's sessions on the depot database whose last statement was LISTEN. */
    private static int listeners(PrivateServer server) {
        try (Connection c = server.connect("postgres", PrivateServer.PASSWORD, "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = 'depot' AND query LIKE 'LISTEN%'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

    /** How long the test took to reach a phase (a figure for the report, not an assertion). */
    private static void phase(Kind kind, String what, long began) {
        System.out.printf("%s: %s after %d ms%n", kind, what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    private static List<Long> sequences(List<ChangeEvent> events) {
        return events.stream().map(ChangeEvent::sequence).toList();
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STUCK_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + STUCK_SECONDS + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** What the workers did: acknowledged and failed calls, by kind, and the outage epoch of each. */
    static final class Ledger {
        final AtomicLong epoch = new AtomicLong();
        final List<String> wrong = new CopyOnWriteArrayList<>();
        final Map<String, Long> lastSuccessEpoch = new ConcurrentHashMap<>();
        final Map<Long, AtomicLong> failuresByEpoch = new ConcurrentHashMap<>();
        final AtomicLong slowestFailureNanos = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong successes = new AtomicLong();

        final Map<String, String> autoAttempted = new ConcurrentHashMap<>();
        final Set<String> autoAcked = ConcurrentHashMap.newKeySet();
        final List<String> updateAttempts = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger updateAcked = new java.util.concurrent.atomic.AtomicInteger(-1);
        final Set<Integer> txAcked = ConcurrentHashMap.newKeySet();
        final Map<Integer, String> txFailed = new ConcurrentHashMap<>();
        final Map<String, String> produced = new ConcurrentHashMap<>();
        final Map<String, Integer> completed = new ConcurrentHashMap<>();
        final Set<String> completeUnknown = ConcurrentHashMap.newKeySet();
        final Set<Integer> blobAttempted = ConcurrentHashMap.newKeySet();
        final Set<Integer> blobAcked = ConcurrentHashMap.newKeySet();
        final Set<String> updateAckedBodies = ConcurrentHashMap.newKeySet();

        void succeeded(String worker) {
            successes.incrementAndGet();
            lastSuccessEpoch.put(worker, epoch.get());
        }

        void failed(String worker, BackendUnavailableException e, long began) {
            failures.incrementAndGet();
            failuresByEpoch.computeIfAbsent(epoch.get(), k -> new AtomicLong()).incrementAndGet();
            long took = System.nanoTime() - began;
            slowestFailureNanos.accumulateAndGet(took, Math::max);
            if (took > TimeUnit.SECONDS.toNanos(STUCK_SECONDS)) {
                wrong.add(worker + " failed only after " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
            }
            String m = String.valueOf(e.getMessage());
            if (m.contains(PrivateServer.PASSWORD)) {
                wrong.add(worker + ": a message with the password");
            }
        }

        boolean allSucceededSince(long epoch, int workers) {
            return lastSuccessEpoch.size() == workers && lastSuccessEpoch.values().stream().allMatch(e -> e >= epoch);
        }

        long failuresIn(long epoch) {
            AtomicLong n = failuresByEpoch.get(epoch);
            return n == null ? 0 : n.get();
        }

        int txMax() {
            int max = -1;
            for (int i : txAcked) {
                max = Math.max(max, i);
            }
            for (int i : txFailed.keySet()) {
                max = Math.max(max, i);
            }
            return max + 2;
        }

        long updateAckedCount() {
            return updateAckedBodies.size();
        }

        String summary() {
            return successes.get() + " calls succeeded, " + failures.get() + " failed as unavailable (slowest failure "
                    + TimeUnit.NANOSECONDS.toMillis(slowestFailureNanos.get()) + " ms); " + txAcked.size() + " transactions acknowledged, "
                    + txFailed.size() + " failed; " + produced.size() + " items produced, " + completed.size() + " completed, "
                    + completeUnknown.size() + " completions unknown; " + blobAcked.size() + " of " + blobAttempted.size()
                    + " blobs acknowledged";
        }
    }
}
