package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.ChangeEvent;
import dev.depot.CommitOutcome;
import dev.depot.ConflictException;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code commitOutcome(id)} while the commit is in flight: the commit no longer holds a lock every
 * lookup takes, so the lookup must settle it through the commits table. A lookup that reaches the
 * database while the commit is inside its data transaction waits for it and reports it committed,
 * with its sequences; a lookup that comes first fences the id, and the commit then fails with nothing
 * applied.
 */
class InFlightCommitLookupTest {
    record Note(String id, String text) {}

    private static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();
    /** A thread per task: the common pool may have a single, busy thread on a small machine. */
    private static final java.util.concurrent.Executor OWN_THREAD = r -> Thread.ofPlatform().daemon().start(r);
    private static final String PREFIX = "lk" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";

    /** The servers, where another session's lock wait can be seen in the database's catalog. */
    static Stream<Arguments> servers() {
        return TestDatabases.all(PREFIX).filter(a -> a.get()[0].equals("postgresql") || a.get()[0].equals("mariadb"));
    }

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    @AfterEach
    void removeHook() {
        CommitProbe.install(null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aLookupDuringTheCommitWaitsForItAndReportsItCommitted(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        try (Depot depot = Depot.open(url, DepotOptions.defaults().poolSize(4))) {
            Records<String, Note> notes = depot.records(NOTES);
            notes.save(new Note("before", "x"));
            long from = depot.changes().lastSequence();
            AtomicReference<String> id = new AtomicReference<>();
            AtomicReference<CompletableFuture<CommitOutcome>> lookup = new AtomicReference<>();
            CommitProbe.install(events -> {
                if (events.stream().anyMatch(e -> e.key().equals("held"))) {
                    CommitProbe.install(null);
                    // Inside the data transaction: the lookup starts, and must be waiting in the database
                    // (for this transaction's commit id) before the commit goes on.
                    lookup.set(CompletableFuture.supplyAsync(() -> depot.commitOutcome(id.get()), OWN_THREAD));
                    awaitLockWaitOnCommits(url, name, lookup.get());
                }
            });
            depot.transact(tx -> {
                id.set(tx.id());
                tx.records(NOTES).save(new Note("held", "y"));
                tx.records(NOTES).save(new Note("held-too", "z"));
                return null;
            });

            CommitOutcome outcome = lookup.get().get(30, TimeUnit.SECONDS);
            assertThat(outcome.status()).isEqualTo(CommitOutcome.Status.COMMITTED);
            assertThat(outcome.firstSequence()).isEqualTo(from + 1);
            assertThat(outcome.lastSequence()).isEqualTo(from + 2);
            assertThat(depot.changes().since(from)).extracting(ChangeEvent::key).containsExactly("held", "held-too");
        } finally {
            drop(url);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLookupBeforeTheCommitFencesItSoTheCommitFailsAndAppliesNothing(String name, TestDatabases.UrlSource opener) {
        String url = opener.url();
        try (Depot depot = Depot.open(url)) {
            Records<String, Note> notes = depot.records(NOTES);
            long from = depot.changes().lastSequence();
            AtomicReference<CommitOutcome> early = new AtomicReference<>();
            assertThatThrownBy(() -> depot.transact(tx -> {
                tx.records(NOTES).save(new Note("fenced", "y"));
                early.set(CompletableFuture.supplyAsync(() -> depot.commitOutcome(tx.id()), OWN_THREAD).orTimeout(30, TimeUnit.SECONDS).join());
                return null;
            })).isInstanceOf(ConflictException.class);

            assertThat(early.get().status()).isEqualTo(CommitOutcome.Status.NOT_COMMITTED);
            assertThat(notes.exists("fenced")).isFalse();
            assertThat(depot.changes().since(from)).isEmpty();
            notes.save(new Note("after", "z"));
            assertThat(depot.changes().since(from)).extracting(ChangeEvent::key).containsExactly("after");
        } finally {
            drop(url);
        }
    }

    private static void drop(String url) {
        if (url.contains("tablePrefix=" + PREFIX)) {
            TestDatabases.dropTables(url, PREFIX);
        }
    }

    /** Polls the server's catalog until a session waits for a lock in an insert into the commits table. */
    private static void awaitLockWaitOnCommits(String url, String name, CompletableFuture<CommitOutcome> lookup) {
        String sql = name.equals("postgresql")
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO %commits%'"
                : "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query'"
                        // the insert still executing after 50 ms is waiting for the commit's row (innodb_trx
                        // did not always show that wait as LOCK WAIT on MariaDB 10.11)
                        + " AND INFO LIKE 'INSERT INTO %commits%' AND TIME_MS > 50";
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // hang guard only
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password()); Statement st = c.createStatement()) {
            while (System.nanoTime() < guard) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                if (lookup.isDone()) {
                    // It cannot have finished while the commit holds its id: say what it did instead of waiting on.
                    throw new AssertionError("the lookup ended before the commit: " + lookup.handle((o, t) -> t == null ? o : t).join());
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the lookup never waited for the commit in flight (still running: " + !lookup.isDone() + ")");
    }

}
