package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.ConflictException;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A transaction that inserts a key absent from its snapshot and deletes it again writes no row, but
 * its two events go to the feed. Such a commit took no lock on the key, so another writer's insert of
 * the key could commit between its check and its events, and the feed showed that insert *before*
 * the transaction's pair — an insert of a key that exists, then a delete of it — while the table kept
 * the row: a feed replica dropped a stored record (found by {@code MultiDepotChurnProbeTest} on H2).
 * Such a commit now takes the key (a row it inserts and deletes again), so the other insert waits
 * for it and is numbered after it, as memory's key lock orders them.
 */
class AbsentKeyFeedOrderTest {
    record Doc(String id, String v) {}

    private static final Schema<String, Doc> DOCS = Schema.of("absent_docs", String.class, Doc.class).key(Doc::id).build();

    @AfterEach
    void removeHook() {
        CommitProbe.install(null);
    }

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File),
                Arguments.of("h2-mem", (TestDatabases.UrlSource) TestDatabases::h2Mem),
                Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite),
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), "absent_")),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), "absent_")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anInsertRacingATransactionsInsertAndDeleteOfTheKeyIsNumberedInTheOrderTheyHappened(String db,
            TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Depot a = Depot.open(url); Depot b = Depot.open(url)) {
            Records<String, Doc> docs = a.records(DOCS);
            b.records(DOCS);
            long before = a.changes().lastSequence();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CommitProbe.install(events -> {
                if (events.stream().anyMatch(e -> e.key().equals("k")) && events.size() == 2) {
                    held.countDown(); // the transaction's commit, its key check done, its events not yet staged
                    await(release);
                }
            });
            Future<?> tx = pool.submit(() -> a.inTransaction(t -> {
                Records<String, Doc> r = t.records(DOCS);
                r.insert(new Doc("k", "theirs-not"));
                r.delete("k");
            }));
            assertThat(held.await(30, TimeUnit.SECONDS)).as(db + ": the transaction reached its commit").isTrue();
            // Another depot inserts the key meanwhile; it may wait for the held commit (it should), so not here.
            CompletableFuture<Void> insert = CompletableFuture.runAsync(() -> b.records(DOCS).insert(new Doc("k", "b")), pool);
            try {
                insert.get(500, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException waiting) {
                // waiting for the transaction's commit: the order the feed must show
            }
            release.countDown();
            Throwable txFailure = null;
            try {
                tx.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                txFailure = e.getCause();
            }
            Throwable insertFailure = null;
            try {
                insert.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                insertFailure = e.getCause();
            }
            assertThat(insertFailure).as(db + ": the insert").isNull();
            List<ChangeEvent> events = a.changes().since(before, 100);
            List<String> history = events.stream().map(e -> e.op() + " " + e.key() + " v" + e.version() + " " + (e.origin().equals(a.origin()) ? "a" : "b")).toList();
            if (txFailure != null) {
                // lost to the insert, which committed first: a conflict, and no event of it
                assertThat(txFailure).as(db).isInstanceOf(ConflictException.class);
                assertThat(history).as(db).containsExactly("INSERT k v1 b");
            } else {
                assertThat(history).as(db + ": the feed replays to the table").containsExactly("INSERT k v1 a", "DELETE k v1 a", "INSERT k v1 b");
            }
            assertThat(docs.get("k")).as(db).contains(new Doc("k", "b"));
            docs.clear();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
