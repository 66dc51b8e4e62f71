package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.depot.BackendUnavailableException;
import dev.depot.ChangeEvent;
import dev.depot.CommitOutcome;
import dev.depot.CommitOutcomeUnknownException;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.Subscription;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Probes of outages on PostgreSQL and MariaDB: connections killed by the server ({@code
 * pg_terminate_backend}, {@code KILL}) and cut or stalled by a {@link FaultProxy} at chosen moments.
 * Acknowledged writes stay, failed calls applied whole or not at all (and {@code commitOutcome} says
 * which), feed reads never silently leave out a commit that returned, the depot recovers without being
 * reopened, {@code close()} returns during an outage, and errors are {@link BackendUnavailableException}
 * with a message that says what happened. Kills only ever hit connections to the test's own database
 * that were not there before the test began.
 */
class OutageProbeTest {
    private static final String PREFIX = "outp_";
    /** Short bounds, so a lock wait or a partition costs the test seconds. */
    private static final String BOUNDS = "&poolSize=3&connectTimeout=1s&socketTimeout=3s&statementTimeout=1500ms&poolTimeout=2s";
    /** Far above every bound: a call still running then is stuck (a liveness check, not a timing claim). */
    private static final long STUCK_SECONDS = 60;

    record Doc(String id, String body) {}

    private static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id).build();

    /** The servers and their ports, as the proxy tests route them. */
    static Stream<Arguments> servers() {
        return ProxyFaultTest.servers();
    }

    @AfterEach
    void removeHooks() {
        CommitProbe.install(null);
    }

    private static String url(Supplier<String> server) {
        return TestDatabases.fresh(server.get(), PREFIX) + BOUNDS;
    }

    // ---- the sequencer cannot run: feed reads must not pretend ----

    /**
     * Another process holds the sequence counter's lock (it was partitioned mid-run; the server keeps its
     * lock until it notices). Commits still return (they never take the counter), but a feed read that
     * begins after one returned must either include its events or fail: it used to swallow the failed
     * numbering and answer without them, and {@code commitOutcome} answered "committed with no events".
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void feedReadsFailRatherThanOmitACommitWhileTheCounterIsStuck(String name, Supplier<String> server, int port) throws Exception {
        String url = url(server);
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            docs.save(new Doc("a", "before"));
            long before = depot.changes().lastSequence();
            String id;
            try (Connection holder = jdbc(url)) {
                holder.setAutoCommit(false);
                try (Statement st = holder.createStatement();
                        ResultSet rs = st.executeQuery("SELECT val FROM " + PREFIX + "meta WHERE name = 'seq' FOR UPDATE")) {
                    assertThat(rs.next()).isTrue();
                }
                String[] txId = new String[1];
                depot.transact(tx -> {
                    txId[0] = tx.id();
                    tx.records(DOCS).save(new Doc("b", "while stuck"));
                    return null;
                });
                id = txId[0];
                docs.save(new Doc("c", "while stuck"));

                Throwable since = catchThrowable(() -> depot.changes().since(before, 100));
                if (since == null) {
                    throw new AssertionError("since() answered " + depot.changes().since(before, 100).size()
                            + " events without the numbering it needed; it must fail instead");
                }
                assertUnavailable(since, "since");
                assertUnavailable(catchThrowable(() -> depot.changes().lastSequence()), "lastSequence");
                Throwable outcome = catchThrowable(() -> depot.commitOutcome(id));
                if (outcome == null) {
                    CommitOutcome o = depot.commitOutcome(id);
                    throw new AssertionError("commitOutcome answered " + o + " without the numbering it needed");
                }
                assertUnavailable(outcome, "commitOutcome");
                holder.rollback();
            }
            // The lock is free again: everything is there, in order, nothing repeated.
            List<ChangeEvent> events = depot.changes().since(before, 100);
            assertThat(events).extracting(ChangeEvent::key).containsExactly("b", "c");
            assertThat(events.get(1).sequence()).isEqualTo(events.get(0).sequence() + 1);
            CommitOutcome o = depot.commitOutcome(id);
            assertThat(o.status()).isEqualTo(CommitOutcome.Status.COMMITTED);
            assertThat(o.firstSequence()).isEqualTo(events.get(0).sequence());
        }
    }

    // ---- pool exhaustion ----

    /**
     * More callers than connections: two transactions hold the pool's two connections (their
     * snapshots), a third call waits {@code poolTimeout} and fails. The error is an outage of the
     * pool, not of the database, and must say so (the pool's size and timeout), naming no stored value;
     * once the transactions end the depot serves again.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void anExhaustedPoolGivesAClearErrorAndServesAgainAfterwards(String name, Supplier<String> server, int port) throws Exception {
        String url = TestDatabases.fresh(server.get(), PREFIX) + "&poolSize=2&poolTimeout=1s";
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            docs.save(new Doc("a", "secret-body-value"));
            CountDownLatch holding = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<CompletableFuture<Object>> holders = new ArrayList<>();
            var threads = java.util.concurrent.Executors.newFixedThreadPool(2); // the common pool may have one thread
            for (int i = 0; i < 2; i++) {
                holders.add(CompletableFuture.supplyAsync(() -> depot.transact(tx -> {
                    tx.records(DOCS).get("a"); // takes a connection for the snapshot
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }), threads));
            }
            try {
                assertThat(holding.await(STUCK_SECONDS, TimeUnit.SECONDS)).isTrue();
                Throwable t = catchThrowable(() -> docs.get("a"));
                assertThat(t).isInstanceOf(BackendUnavailableException.class);
                // The URL in the message shows poolSize and poolTimeout anyway: the message must say what happened.
                assertThat(t.getMessage()).as("says the pool was exhausted, not that the database is down")
                        .contains("all 2 connections of the pool").contains("in use").doesNotContain("unavailable")
                        .doesNotContain("secret-body-value");
                // A write is not run again for it (no connection was lost) and evicts nothing.
                Throwable w = catchThrowable(() -> docs.save(new Doc("b", "secret-body-value")));
                assertThat(w).isInstanceOf(BackendUnavailableException.class);
                assertThat(w.getMessage()).contains("all 2 connections of the pool").doesNotContain("secret-body-value");
                assertThat(depot.health().detail()).isEqualTo("all 2 connections of the pool are in use");
            } finally {
                release.countDown();
            }
            for (CompletableFuture<Object> h : holders) {
                h.get(STUCK_SECONDS, TimeUnit.SECONDS);
            }
            threads.shutdown();
            assertThat(docs.get("a")).isPresent();
            assertThat(depot.health().up()).isTrue();
        }
    }

    /**
     * Many more threads than connections, each call short: every call waits its turn and succeeds. A
     * call that held one connection while it waited for a second (a feed read numbering events, a
     * transaction's commit, a blob write, a commit lookup) would deadlock the pool here and fail with
     * the pool's timeout.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void moreThreadsThanConnectionsAllSucceed(String name, Supplier<String> server, int port) throws Exception {
        String url = TestDatabases.fresh(server.get(), PREFIX) + "&poolSize=2&poolTimeout=20s";
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            var blobs = depot.blobs("outage");
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                int me = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 15; i++) {
                            String key = "k" + me + "-" + i;
                            switch (i % 5) {
                                case 0 -> docs.save(new Doc(key, "x"));
                                case 1 -> {
                                    String[] id = new String[1];
                                    depot.transact(tx -> {
                                        id[0] = tx.id();
                                        tx.records(DOCS).get("k" + me + "-0");
                                        return tx.records(DOCS).save(new Doc(key, "y"));
                                    });
                                    assertThat(depot.commitOutcome(id[0]).committed()).isTrue();
                                }
                                case 2 -> depot.changes().since(Math.max(0, depot.changes().lastSequence() - 5), 10);
                                case 3 -> blobs.put(key, new byte[(1 << 20) + 10]); // two chunks: an upload of its own
                                default -> docs.saveAll(List.of(new Doc(key, "a"), new Doc(key + "b", "b")));
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(STUCK_SECONDS * 5));
                assertThat(t.isAlive()).as("a thread stuck").isFalse();
            }
            assertThat(failures).as("calls that failed waiting for the pool").isEmpty();
            assertThat(docs.count()).isEqualTo(12 * (3 + 3 + 3 * 2));
        }
    }

    // ---- server-side kills at chosen moments ----

    /**
     * The committing transaction's connection is killed by the server inside its data transaction,
     * before COMMIT: the commit fails with an unknown outcome, {@code commitOutcome} says not committed,
     * nothing of it is visible, and the next transaction commits on a fresh connection.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aTransactionKilledBeforeCommitIsNotCommittedAndTheDepotGoesOn(String name, Supplier<String> server, int port) throws Exception {
        String url = url(server);
        Set<Long> others = Killer.present(url);
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            docs.save(new Doc("a", "before"));
            long before = depot.changes().lastSequence();
            CommitProbe.install(events -> {
                if (events.stream().anyMatch(e -> e.key().startsWith("k"))) {
                    Killer.kill(url, others);
                }
            });
            Throwable t = catchThrowable(() -> depot.transact(tx -> {
                tx.records(DOCS).save(new Doc("k1", "x"));
                tx.records(DOCS).save(new Doc("k2", "y"));
                return null;
            }));
            CommitProbe.install(null);
            assertThat(t).isInstanceOf(CommitOutcomeUnknownException.class);
            assertThat(t.getMessage()).contains(name).doesNotContain("password");
            String id = ((CommitOutcomeUnknownException) t).commitId();
            assertThat(readWhenUp(() -> depot.commitOutcome(id)).status()).isEqualTo(CommitOutcome.Status.NOT_COMMITTED);
            assertThat(docs.getAll(List.of("k1", "k2"))).isEmpty();
            assertThat(depot.changes().since(before, 100)).isEmpty();
            depot.transact(tx -> tx.records(DOCS).save(new Doc("k3", "z")));
            assertThat(depot.changes().since(before, 100)).extracting(ChangeEvent::key).containsExactly("k3");
        }
    }

    /**
     * An auto-commit write of several records whose connection the server kills inside its data
     * transaction (before COMMIT was sent): the database rolled it back, so it runs once more on a fresh
     * connection and succeeds, each record stored and in the feed exactly once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void anAutoCommitBatchKilledBeforeCommitRunsOnceMore(String name, Supplier<String> server, int port) throws Exception {
        String url = url(server);
        Set<Long> others = Killer.present(url);
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            docs.save(new Doc("a", "before"));
            long before = depot.changes().lastSequence();
            int[] kills = {0};
            CommitProbe.install(events -> {
                if (kills[0] == 0 && events.stream().anyMatch(e -> e.key().startsWith("b"))) {
                    kills[0]++;
                    Killer.kill(url, others);
                }
            });
            docs.saveAll(List.of(new Doc("b1", "x"), new Doc("b2", "y"), new Doc("b3", "z")));
            CommitProbe.install(null);
            assertThat(kills[0]).isEqualTo(1);
            assertThat(docs.getAll(List.of("b1", "b2", "b3"))).hasSize(3);
            assertThat(depot.changes().since(before, 100)).extracting(ChangeEvent::key).containsExactly("b1", "b2", "b3");
        }
    }

    /**
     * Transactions while the server keeps killing the depot's connections at random moments (MariaDB
     * here; PostgresFaultTest does PostgreSQL): every commit that failed with an unknown outcome is
     * settled truthfully by {@code commitOutcome}, every acknowledged one is stored, and a
     * subscription sees every stored write once, in order.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void randomKillsLoseNoAcknowledgedCommitAndOutcomesAreTrue(String name, Supplier<String> server, int port) throws Exception {
        String url = url(server);
        Set<Long> others = Killer.present(url);
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            Subscription sub = depot.changes().subscribe(depot.changes().lastSequence(), seen::add);
            Set<String> acknowledged = new HashSet<>();
            Set<String> unknownCommitted = new HashSet<>();
            Set<String> unknownNot = new HashSet<>();
            var running = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread killer = Thread.ofPlatform().daemon().start(() -> {
                java.util.Random r = new java.util.Random(7);
                while (running.get()) {
                    Killer.kill(url, others);
                    try {
                        Thread.sleep(5 + r.nextInt(40));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                for (int i = 0; i < 150; i++) {
                    String key = "t" + i;
                    try {
                        depot.transact(tx -> {
                            tx.records(DOCS).get("none");
                            tx.records(DOCS).save(new Doc(key, "x"));
                            tx.records(DOCS).save(new Doc(key + "-pair", "y"));
                            return null;
                        });
                        acknowledged.add(key);
                    } catch (CommitOutcomeUnknownException e) {
                        CommitOutcome o = readWhenUp(() -> depot.commitOutcome(e.commitId()));
                        assertThat(o.status()).isNotEqualTo(CommitOutcome.Status.UNKNOWN);
                        (o.committed() ? unknownCommitted : unknownNot).add(key);
                    } catch (BackendUnavailableException e) {
                        assertThat(e.getMessage()).doesNotContain("password");
                    } catch (AssertionError e) {
                        if (!e.getStackTrace()[0].getClassName().startsWith("org.postgresql")) {
                            throw e; // pgjdbc asserts (with -ea) when its connection dies inside a batch: a driver quirk
                        }
                    }
                }
            } finally {
                running.set(false);
                killer.join();
            }
            for (String k : acknowledged) {
                assertThat(readWhenUp(() -> docs.getAll(List.of(k, k + "-pair")).size())).as("acknowledged %s", k).isEqualTo(2);
            }
            for (String k : unknownCommitted) {
                assertThat(readWhenUp(() -> docs.getAll(List.of(k, k + "-pair")).size())).as("settled committed %s", k).isEqualTo(2);
            }
            for (String k : unknownNot) {
                assertThat(readWhenUp(() -> docs.getAll(List.of(k, k + "-pair")).size())).as("settled not committed %s", k).isZero();
            }
            long count = readWhenUp(docs::count);
            awaitTrue(() -> seen.size() >= count, "the subscription caught up");
            sub.close();
            assertThat(seen).hasSize((int) count);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).sequence()).as("no gap, no repeat").isEqualTo(seen.get(i - 1).sequence() + 1);
            }
            assertThat(seen.stream().map(ChangeEvent::key).distinct().count()).isEqualTo(count);
        }
    }

    /**
     * PostgreSQL's LISTEN connection is killed while a subscription waits: the listener reconnects by
     * itself (a new LISTEN session appears) and a subscriber in another depot on the same tables
     * receives every later write once, in order.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aKilledListenConnectionComesBackAndSubscriptionsMissNothing(String name, Supplier<String> server, int port) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(name.equals("postgresql"), "only PostgreSQL listens");
        String url = url(server);
        Set<Long> others = Killer.present(url);
        try (Depot writer = Depot.open(url); Depot reader = Depot.open(url)) {
            Records<String, Doc> docs = writer.records(DOCS);
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            try (Subscription sub = reader.changes().subscribe(reader.changes().lastSequence(), seen::add)) {
                docs.save(new Doc("a", "x"));
                awaitTrue(() -> seen.size() == 1, "the first event");
                awaitTrue(() -> Killer.listeners(url, others).size() == 1, "one LISTEN session");
                long listener = Killer.listeners(url, others).iterator().next();
                Killer.killOne(url, listener);
                awaitTrue(() -> !Killer.listeners(url, others).contains(listener), "the LISTEN session ended");
                for (int i = 0; i < 5; i++) {
                    docs.save(new Doc("b" + i, "y"));
                }
                awaitTrue(() -> seen.size() == 6, "every event after the kill");
                awaitTrue(() -> Killer.listeners(url, others).size() == 1, "the listener reconnected by itself");
                assertThat(seen).extracting(ChangeEvent::key).containsExactly("a", "b0", "b1", "b2", "b3", "b4");
            }
        }
    }

    /**
     * PostgreSQL's LISTEN connection goes silently dead (a half-open TCP connection: the server's host
     * vanished, a NAT or firewall forgot the flow; no reset ever arrives), while new connections work.
     * The subscription must go on delivering, and the listener must notice and listen again on a new
     * connection: it only ever waited for notifications, which a dead connection never brings, so it
     * stayed deaf for good and other processes' commits reached waiters only by the slow poll.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aSilentlyDeadListenConnectionIsNoticedAndReplaced(String name, Supplier<String> server, int port) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(name.equals("postgresql"), "only PostgreSQL listens");
        String direct = url(server);
        Set<Long> others = Killer.present(direct);
        try (HalfOpenRelay relay = new HalfOpenRelay(port);
                Depot writer = Depot.open(direct);
                Depot reader = Depot.open(relay.route(direct, port))) {
            Records<String, Doc> docs = writer.records(DOCS);
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            try (Subscription sub = reader.changes().subscribe(reader.changes().lastSequence(), seen::add)) {
                docs.save(new Doc("a", "x"));
                awaitTrue(() -> seen.size() == 1, "the first event");
                awaitTrue(() -> Killer.listeners(direct, others).size() == 1, "one LISTEN session");
                long deaf = Killer.listeners(direct, others).iterator().next();
                relay.freezeAll(); // every connection the reader has now: the listener's and the pool's
                for (int i = 0; i < 5; i++) {
                    docs.save(new Doc("b" + i, "y"));
                }
                awaitTrue(() -> seen.size() == 6, "every event after the freeze");
                assertThat(seen).extracting(ChangeEvent::key).containsExactly("a", "b0", "b1", "b2", "b3", "b4");
                awaitTrue(() -> Killer.listeners(direct, others).stream().anyMatch(pid -> pid != deaf),
                        "the listener noticed its dead connection and listens on a new one");
            }
        }
    }

    /**
     * A relay whose {@link #freezeAll} turns every connection open at that moment half-open: no byte
     * moves on it any more, either way, and nothing tells either end; later connections work.
     */
    static final class HalfOpenRelay extends LoopbackRelay {
        private final Set<Conversation> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Set<Conversation> frozen = java.util.concurrent.ConcurrentHashMap.newKeySet();

        HalfOpenRelay(int targetPort) throws java.io.IOException {
            super(targetPort, 8192, "half-open-relay-accept");
        }

        void freezeAll() {
            frozen.addAll(open);
        }

        @Override
        boolean relay(Conversation conversation, boolean fromClient, int bytes) throws java.io.IOException {
            open.add(conversation);
            while (frozen.contains(conversation)) {
                if (closed) {
                    throw new java.io.IOException("closed");
                }
                try {
                    Thread.sleep(100); // holding this pump is the fault itself, not a wait for a test condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.IOException("interrupted");
                }
            }
            return true;
        }
    }

    /**
     * Blob writes of several chunks while the server keeps killing the depot's connections: a write
     * that returned is stored whole; one that failed failed as unavailable (through its cause chain)
     * and left either nothing or (its outcome unknown) the whole new content, never a part.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void blobWritesUnderRandomKillsAreWholeOrAbsent(String name, Supplier<String> server, int port) throws Exception {
        String url = url(server);
        Set<Long> others = Killer.present(url);
        try (Depot depot = Depot.open(url)) {
            var blobs = depot.blobs("outage");
            // Per path: the last acknowledged write, and every write that failed after it. A failed
            // write's outcome is unknown (a cut during COMMIT may have stored it), so after several
            // failures in a row any one of them may be the stored blob, whole.
            java.util.Map<String, byte[]> acknowledged = new java.util.HashMap<>();
            java.util.Map<String, List<byte[]>> unknown = new java.util.HashMap<>();
            List<byte[]> written = new ArrayList<>(); // every write in order, to name the one a failure found
            var running = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread killer = Thread.ofPlatform().daemon().start(() -> {
                java.util.Random r = new java.util.Random(11);
                while (running.get()) {
                    Killer.kill(url, others);
                    try {
                        Thread.sleep(20 + r.nextInt(80));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            java.util.Random r = new java.util.Random(3);
            try {
                for (int i = 0; i < 20; i++) {
                    String path = "f" + (i % 5);
                    byte[] bytes = new byte[(1 << 20) * 2 + r.nextInt(1 << 19)]; // three chunks
                    r.nextBytes(bytes);
                    written.add(bytes);
                    try {
                        if (i % 2 == 0) {
                            blobs.put(path, bytes);
                        } else {
                            try (var out = blobs.write(path)) {
                                for (int at = 0; at < bytes.length; at += 100_000) {
                                    out.write(bytes, at, Math.min(100_000, bytes.length - at));
                                }
                            }
                        }
                        acknowledged.put(path, bytes);
                        unknown.remove(path);
                    } catch (RuntimeException | java.io.IOException e) {
                        expectUnavailable(e);
                        unknown.computeIfAbsent(path, p -> new ArrayList<>()).add(bytes);
                    }
                }
            } finally {
                running.set(false);
                killer.join();
            }
            for (int i = 0; i < 5; i++) {
                String path = "f" + i;
                byte[] now = readWhenUp(() -> blobs.exists(path) ? blobs.get(path) : null);
                byte[] last = acknowledged.get(path);
                List<byte[]> failedSince = unknown.getOrDefault(path, List.of());
                boolean isLast = now == null ? last == null : java.util.Arrays.equals(now, last);
                boolean isFailed = now != null && failedSince.stream().anyMatch(b -> java.util.Arrays.equals(now, b));
                assertThat(isLast || isFailed)
                        .as("%s: the acknowledged write or one failed after it, whole; stored: %s; acknowledged: %s;"
                                + " failed since: %s", path, which(written, now), which(written, last),
                                failedSince.stream().map(b -> which(written, b)).toList())
                        .isTrue();
                if (failedSince.isEmpty() && last != null) {
                    assertThat(now).as(path + " acknowledged").isEqualTo(last);
                }
            }
            blobs.put("after", new byte[] {1, 2, 3});
            assertThat(blobs.get("after")).containsExactly(1, 2, 3);
        }
    }

    /** Names a blob content by the write that made it, for a failure message (never the bytes). */
    private static String which(List<byte[]> written, byte[] content) {
        if (content == null) {
            return "none";
        }
        for (int i = 0; i < written.size(); i++) {
            if (java.util.Arrays.equals(written.get(i), content)) {
                return "write " + i;
            }
        }
        return content.length + " bytes matching no write";
    }

    private static void expectUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BackendUnavailableException) {
                assertThat(c.getMessage()).doesNotContain("password");
                return;
            }
        }
        throw new AssertionError("a blob write failed other than as unavailable", t);
    }

    /**
     * A transaction of two records, again and again, with the connections cut after a growing number
     * of bytes, so that some cut lands at every moment of a commit, COMMIT itself included: a commit
     * that returned is stored, one that failed with an unknown outcome is settled by {@code
     * commitOutcome} as the data shows, one that failed otherwise applied nothing; a subscription sees
     * every stored write once, in order.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void cutsAtEveryByteOfACommitLeaveItWholeOrAbsentAndOutcomesTrue(String name, Supplier<String> server, int port)
            throws Exception {
        String direct = url(server);
        try (FaultProxy proxy = new FaultProxy(port); Depot depot = Depot.open(proxy.route(direct, port))) {
            Records<String, Doc> docs = depot.records(DOCS);
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            Subscription sub = depot.changes().subscribe(depot.changes().lastSequence(), seen::add);
            java.util.Map<String, Boolean> expected = new java.util.LinkedHashMap<>();
            int unknown = 0;
            for (int i = 0, cut = 40; cut < 4_000; i++, cut += 23) {
                String key = "c" + i;
                proxy.cutAfter(cut);
                try {
                    if (i % 3 == 2) {
                        docs.saveAll(List.of(new Doc(key, "x"), new Doc(key + "-pair", "y"))); // retried if cut before COMMIT
                    } else {
                        depot.transact(tx -> {
                            tx.records(DOCS).get(key);
                            tx.records(DOCS).save(new Doc(key, "x"));
                            tx.records(DOCS).save(new Doc(key + "-pair", "y"));
                            return null;
                        });
                    }
                    expected.put(key, true);
                } catch (CommitOutcomeUnknownException e) {
                    proxy.cutAfter(Long.MAX_VALUE);
                    unknown++;
                    CommitOutcome o = readWhenUp(() -> depot.commitOutcome(e.commitId()));
                    assertThat(o.status()).isNotEqualTo(CommitOutcome.Status.UNKNOWN);
                    expected.put(key, o.committed());
                } catch (BackendUnavailableException e) {
                    expected.put(key, i % 3 == 2 ? null : false); // auto-commit: unknown; a transaction: in its callback
                } catch (AssertionError e) {
                    if (!e.getStackTrace()[0].getClassName().startsWith("org.postgresql")) {
                        throw e;
                    }
                    expected.put(key, null);
                }
                proxy.cutAfter(Long.MAX_VALUE);
            }
            long total = 0;
            for (var e : expected.entrySet()) {
                int n = readWhenUp(() -> docs.getAll(List.of(e.getKey(), e.getKey() + "-pair")).size());
                assertThat(n).as("%s whole or absent", e.getKey()).isIn(0, 2);
                if (e.getValue() != null) {
                    assertThat(n == 2).as("%s stored as its call or commitOutcome said", e.getKey()).isEqualTo(e.getValue());
                }
                total += n;
            }
            long count = total;
            awaitTrue(() -> seen.size() >= count, "the subscription caught up");
            sub.close();
            assertThat(seen).hasSize((int) count);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).sequence()).as("no gap, no repeat").isEqualTo(seen.get(i - 1).sequence() + 1);
            }
            org.slf4j.LoggerFactory.getLogger(OutageProbeTest.class).info("{}: {} commits cut, {} with an unknown outcome",
                    name, expected.size(), unknown);
        }
    }

    /**
     * An administrator cancels the depot's statement (PostgreSQL {@code pg_cancel_backend}, MariaDB
     * {@code KILL QUERY}) while it waits for a row lock: the call fails the same way on both, as
     * unavailable (the statement was cut off, as by its timeout), nothing of it is applied, and the
     * depot goes on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aCancelledStatementFailsAsUnavailableOnBothServers(String name, Supplier<String> server, int port) throws Exception {
        String url = TestDatabases.fresh(server.get(), PREFIX) + "&statementTimeout=30s";
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> docs = depot.records(DOCS);
            docs.save(new Doc("a", "before"));
            long before = depot.changes().lastSequence();
            var threads = java.util.concurrent.Executors.newCachedThreadPool();
            try (Connection holder = jdbc(url); Connection admin = jdbc(url)) {
                holder.setAutoCommit(false);
                try (Statement st = holder.createStatement()) {
                    st.executeQuery("SELECT * FROM " + PREFIX + "c_docs FOR UPDATE").close();
                }
                CompletableFuture<Object> save = CompletableFuture.supplyAsync(() -> docs.save(new Doc("a", "during")), threads);
                boolean postgres = name.equals("postgresql");
                String waiting = postgres
                        ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND command = 'Query'"
                                + " AND id <> CONNECTION_ID() AND time_ms > 200 AND id <> " + holderId(holder);
                long[] waiter = {-1};
                awaitTrue(() -> {
                    try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(waiting)) {
                        waiter[0] = rs.next() ? rs.getLong(1) : -1;
                        return waiter[0] > 0;
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, "the save waits for the row lock");
                try (Statement st = admin.createStatement()) {
                    st.execute(postgres ? "SELECT pg_cancel_backend(" + waiter[0] + ")" : "KILL QUERY " + waiter[0]);
                }
                Throwable t = null;
                try {
                    save.get(STUCK_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    t = e.getCause();
                }
                holder.rollback();
                assertThat(t).as("the cancelled save").isInstanceOf(BackendUnavailableException.class);
                assertThat(t.getMessage()).doesNotContain("during");
            } finally {
                threads.shutdown();
            }
            assertThat(docs.get("a").orElseThrow().body()).isEqualTo("before");
            assertThat(depot.changes().since(before, 10)).isEmpty();
            docs.save(new Doc("a", "after"));
            assertThat(docs.get("a").orElseThrow().body()).isEqualTo("after");
        }
    }

    // ---- FaultProxy: stalls and cuts ----

    /**
     * {@code close()} during a partition, with a subscription waiting, events left to number and a call in
     * flight: it returns (bounded by the timeouts), the call in flight ends, and a depot opened once the
     * network is back finds every acknowledged write with its events.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void closeReturnsDuringAPartition(String name, Supplier<String> server, int port) throws Exception {
        String direct = url(server);
        try (FaultProxy proxy = new FaultProxy(port)) {
            Depot depot = Depot.open(proxy.route(direct, port));
            Records<String, Doc> docs = depot.records(DOCS);
            Subscription sub = depot.changes().subscribe(0, e -> { });
            docs.save(new Doc("a", "x"));
            Sequencer.held = true; // leave the next commit's events for close to number
            try {
                docs.save(new Doc("b", "y"));
            } finally {
                Sequencer.held = false;
            }
            proxy.stall();
            var threads = java.util.concurrent.Executors.newCachedThreadPool();
            CompletableFuture<Object> inFlight = CompletableFuture.supplyAsync(() -> docs.get("a"), threads);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(depot::close, threads);
            try {
                closing.get(STUCK_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("close() was still blocked after " + STUCK_SECONDS + " s of partition");
            }
            Throwable cutOff = null;
            try {
                inFlight.get(STUCK_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                cutOff = e.getCause();
            }
            // The call was still waiting for the database when close() began (the partition holds it for
            // socketTimeout): the caller closed the depot under it, which is misuse, not an outage.
            assertThat(cutOff).as("the call in flight").isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThat(sub.state()).isEqualTo(Subscription.State.CLOSED);
            threads.shutdown();
            proxy.up();
        }
        try (Depot again = Depot.open(direct)) {
            assertThat(again.records(DOCS).getAll(List.of("a", "b"))).hasSize(2);
            assertThat(again.changes().since(0, 100)).extracting(ChangeEvent::key).containsExactly("a", "b");
        }
    }

    /**
     * A long page walk inside a transaction whose connection is cut half-way: the walk fails as
     * unavailable (not some other exception), the pool's connections are all free again afterwards,
     * and the same walk then completes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aPageWalkCutHalfWayFailsCleanlyAndLeaksNoConnection(String name, Supplier<String> server, int port) throws Exception {
        String direct = url(server);
        var pool = new java.util.concurrent.atomic.AtomicReference<com.zaxxer.hikari.HikariDataSource>();
        try (FaultProxy proxy = new FaultProxy(port);
                Depot depot = JdbcDepots.open(proxy.route(direct, port), DepotOptions.defaults(),
                        p -> pool.set((com.zaxxer.hikari.HikariDataSource) p))) {
            Records<String, Doc> docs = depot.records(DOCS);
            List<Doc> all = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                all.add(new Doc(String.format("d%04d", i), "body" + i));
            }
            docs.saveAll(all);
            Throwable t = catchThrowable(() -> depot.transact(tx -> {
                int n = 0;
                try (Stream<Doc> s = tx.records(DOCS).query().stream()) {
                    for (var it = s.iterator(); it.hasNext(); it.next()) {
                        if (++n == 300) {
                            proxy.cut();
                        }
                    }
                }
                return n;
            }));
            assertThat(t).isInstanceOf(BackendUnavailableException.class);
            awaitTrue(() -> pool.get().getHikariPoolMXBean().getActiveConnections() == 0, "every connection back in the pool");
            for (int round = 0; round < 4; round++) {
                long n = readWhenUp(() -> depot.transact(tx -> {
                    try (Stream<Doc> s = tx.records(DOCS).query().stream()) {
                        return s.count();
                    }
                }));
                assertThat(n).isEqualTo(1_000);
            }
            try (Stream<Doc> s = docs.query().stream()) { // outside a transaction: each page its own read
                int n = 0;
                for (var it = s.iterator(); it.hasNext(); it.next()) {
                    if (++n == 300) {
                        proxy.cut(); // the next page's read finds its connection dead and runs again
                    }
                }
                assertThat(n).isEqualTo(1_000);
            }
        }
    }

    /**
     * {@code depot.clear()} cut at every moment: it empties records, feed and blobs together or, when it
     * fails, leaves them all as they were (or, its outcome unknown, all emptied): never records gone
     * and blobs still there, which is what a clear in two transactions leaves when the second one fails.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aClearCutAtAnyMomentEmptiesRecordsAndBlobsTogetherOrNeither(String name, Supplier<String> server, int port)
            throws Exception {
        String direct = url(server);
        try (FaultProxy proxy = new FaultProxy(port); Depot depot = Depot.open(proxy.route(direct, port))) {
            Records<String, Doc> docs = depot.records(DOCS);
            var blobs = depot.blobs("outage");
            List<String> halves = new ArrayList<>();
            int cutClears = 0;
            // Cut offsets cover the whole clear as this depot sends it (its size grows with the tables it empties).
            readWhenUp(() -> {
                docs.save(new Doc("a", "x"));
                return blobs.put("x", new byte[] {1, 2, 3});
            });
            long before = proxy.budgetLeft();
            depot.clear();
            long size = before - proxy.budgetLeft();
            for (int cut = 10; cut < size + 100; cut += 17) {
                readWhenUp(() -> {
                    docs.save(new Doc("a", "x"));
                    return blobs.put("x", new byte[] {1, 2, 3});
                });
                proxy.cutAfter(cut);
                try {
                    depot.clear(); // a cut before its COMMIT is retried inside; one in the COMMIT fails it
                } catch (BackendUnavailableException e) {
                    // its outcome is unknown: checked below like every other
                } finally {
                    // The proxy resets its budget to the maximum when it cuts: then this clear was cut.
                    if (proxy.budgetLeft() > Long.MAX_VALUE / 2) {
                        cutClears++;
                    }
                    proxy.cutAfter(Long.MAX_VALUE);
                }
                long records = readWhenUp(docs::count);
                boolean blob = readWhenUp(() -> blobs.exists("x"));
                if ((records == 0) == blob) {
                    halves.add("cut after " + cut + " bytes: " + records + " records, blob " + (blob ? "kept" : "gone"));
                    readWhenUp(() -> {
                        depot.clear();
                        return null;
                    });
                }
            }
            assertThat(cutClears).as("some cuts hit the clear").isPositive();
            assertThat(halves).as("clears that applied in part").isEmpty();
        }
    }

    /**
     * A blob read stream (three chunks, so it holds a connection of its own) cut half-way: the read
     * fails as unavailable through its cause chain, closing the stream is quiet, its connection goes
     * back to the pool, and the blob reads whole afterwards.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aBlobReadCutHalfWayFailsCleanlyAndReleasesItsConnection(String name, Supplier<String> server, int port) throws Exception {
        String direct = url(server);
        var pool = new java.util.concurrent.atomic.AtomicReference<com.zaxxer.hikari.HikariDataSource>();
        try (FaultProxy proxy = new FaultProxy(port);
                Depot depot = JdbcDepots.open(proxy.route(direct, port), DepotOptions.defaults(),
                        p -> pool.set((com.zaxxer.hikari.HikariDataSource) p))) {
            var blobs = depot.blobs("outage");
            byte[] bytes = new byte[(1 << 20) * 3];
            new java.util.Random(5).nextBytes(bytes);
            blobs.put("big", bytes);
            Throwable t;
            try (var in = blobs.read("big")) {
                byte[] buf = new byte[64 * 1024];
                long read = 0;
                int n;
                t = null;
                try {
                    while ((n = in.read(buf)) >= 0) {
                        read += n;
                        if (read >= (1 << 20) + 100_000 && read - n < (1 << 20) + 100_000) {
                            proxy.cut(); // inside the second chunk: the third is still to be fetched
                        }
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    t = e;
                }
            }
            assertThat(t).as("the read after the cut").isNotNull();
            expectUnavailable(t);
            awaitTrue(() -> pool.get().getHikariPoolMXBean().getActiveConnections() == 0, "every connection back in the pool");
            assertThat(readWhenUp(() -> blobs.get("big"))).isEqualTo(bytes);
        }
    }

    /**
     * {@code commitOutcome} itself cut at every moment (its fence insert, its COMMIT, the numbering, the
     * event lookup): each call either fails as unavailable or answers the truth, for a committed
     * transaction and for one that never committed, however many earlier lookups were cut half-way.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void commitOutcomeCutAtAnyMomentAnswersTheTruthOrFails(String name, Supplier<String> server, int port) throws Exception {
        String direct = url(server);
        try (FaultProxy proxy = new FaultProxy(port); Depot depot = Depot.open(proxy.route(direct, port))) {
            String[] ids = new String[2];
            depot.transact(tx -> {
                ids[0] = tx.id();
                tx.records(DOCS).save(new Doc("yes", "x"));
                return null;
            });
            catchThrowable(() -> depot.transact(tx -> {
                ids[1] = tx.id();
                tx.records(DOCS).save(new Doc("no", "x"));
                throw new IllegalStateException("rolled back on purpose");
            }));
            long seq = depot.changes().lastSequence();
            int answered = 0;
            int cutLookups = 0;
            for (int cut = 5; cut < 1_500; cut += 11) {
                for (int which = 0; which < 2; which++) {
                    proxy.cutAfter(cut);
                    try {
                        // Each step that meets the cut connection runs once more on a fresh one (the fence
                        // and the numbering too): most cut lookups answer, none may answer wrong.
                        CommitOutcome o = depot.commitOutcome(ids[which]);
                        answered++;
                        if (which == 0) {
                            assertThat(o.status()).as("committed, cut after %d", cut).isEqualTo(CommitOutcome.Status.COMMITTED);
                            assertThat(o.firstSequence()).as("its sequence").isEqualTo(seq);
                        } else {
                            assertThat(o.status()).as("never committed, cut after %d", cut).isEqualTo(CommitOutcome.Status.NOT_COMMITTED);
                        }
                    } catch (BackendUnavailableException e) {
                        // allowed: the one retry of a step met a second failure
                    } finally {
                        // The proxy resets its budget to the maximum when it cuts: then this lookup was cut.
                        if (proxy.budgetLeft() > Long.MAX_VALUE / 2) {
                            cutLookups++;
                        }
                        proxy.cutAfter(Long.MAX_VALUE);
                    }
                }
            }
            assertThat(cutLookups).as("some cuts hit the lookups").isPositive();
            assertThat(answered).isPositive();
            assertThat(readWhenUp(() -> depot.records(DOCS).getAll(List.of("yes", "no"))).keySet()).containsExactly("yes");
        }
    }

    // ---- helpers ----

    /** The session id of a MariaDB connection (unused on PostgreSQL). */
    private static long holderId(Connection c) throws SQLException {
        if (c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres")) {
            return -1;
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertUnavailable(Throwable t, String what) {
        assertThat(t).as(what).isInstanceOf(BackendUnavailableException.class);
        assertThat(t.getMessage()).as(what).doesNotContain("password");
    }

    static Connection jdbc(String depotUrl) throws SQLException {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(depotUrl), DepotOptions.defaults());
        return DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
    }

    /** Runs a call again while the connection it got was just killed (killers pause or have stopped). */
    static <T> T readWhenUp(Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (BackendUnavailableException e) {
                if (attempt >= 50) {
                    throw e;
                }
                try {
                    Thread.sleep(100); // retry pacing, not a wait for an event
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
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

    /**
     * Kills sessions on the server, as an administrator or a restart would: only sessions on the test's own
     * database (by name) that were not there before the test began, never the killer's own.
     */
    static final class Killer {
        private Killer() {}

        private static boolean postgres(Connection c) throws SQLException {
            return c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        }

        private static String sessions(Connection c) throws SQLException {
            return postgres(c)
                    ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()";
        }

        /** The sessions on the database now (other users', left alone). */
        static Set<Long> present(String depotUrl) throws SQLException {
            try (Connection c = jdbc(depotUrl); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sessions(c))) {
                Set<Long> ids = new HashSet<>();
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
                return ids;
            }
        }

        /** Kills every session on the database except {@code spare}; returns how many. */
        static int kill(String depotUrl, Set<Long> spare) {
            try (Connection c = jdbc(depotUrl)) {
                List<Long> ids = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sessions(c))) {
                    while (rs.next()) {
                        if (!spare.contains(rs.getLong(1))) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
                for (long id : ids) {
                    killOne(c, id);
                }
                return ids.size();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        static void killOne(String depotUrl, long id) throws SQLException {
            try (Connection c = jdbc(depotUrl)) {
                killOne(c, id);
            }
        }

        private static void killOne(Connection c, long id) throws SQLException {
            if (postgres(c)) {
                // The timeout form returns once the process has exited.
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?, 10000)")) {
                    ps.setInt(1, (int) id);
                    ps.executeQuery().close();
                }
            } else {
                try (Statement st = c.createStatement()) {
                    st.execute("KILL " + id);
                } catch (SQLException e) {
                    if (e.getErrorCode() != 1094) { // unknown thread: it ended by itself
                        throw e;
                    }
                }
            }
        }

        /** PostgreSQL sessions (not {@code spare}) whose last statement was LISTEN: the depots' listeners. */
        static Set<Long> listeners(String depotUrl, Set<Long> spare) {
            try (Connection c = jdbc(depotUrl); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'")) {
                Set<Long> ids = new HashSet<>();
                while (rs.next()) {
                    if (!spare.contains(rs.getLong(1))) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
