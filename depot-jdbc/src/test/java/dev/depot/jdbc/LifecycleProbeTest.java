package dev.depot.jdbc;

import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Handles used where they no longer belong, and transactions mixed with auto-commit calls on one
 * thread: memory against each database, call by call.
 */
class LifecycleProbeTest {
    static Stream<Arguments> databases() {
        return TestDatabases.all("p25l_");
    }

    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id)
            .index("text", String.class, Note::text).build();

    /** Runs {@code call} on another thread; a call still running after 20 s is reported as hanging. */
    private static <T> Supplier<Object> guarded(ExecutorService pool, Supplier<T> call) {
        return () -> {
            Future<T> f = pool.submit(call::get);
            try {
                return f.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                return "HANGS";
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void handlesOutsideTheirTransactionAndMixedCalls(String db, TestDatabases.UrlSource opener) {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            RecordsProbeTest.compare(db, opener, depot -> {
                RecordsProbeTest.Log log = new RecordsProbeTest.Log();
                Records<String, Note> r = depot.records(NOTES);
                r.save(new Note("a", "one"));
                r.save(new Note("b", "two"));
                log.add("tx handle after commit", guarded(pool, () -> depot.transact(tx -> tx.records(NOTES)).get("a")));
                log.add("tx handle after commit, write", guarded(pool, () -> depot.transact(tx -> tx.records(NOTES)).save(new Note("z", "z"))));
                log.add("tx stream read after commit", guarded(pool, () -> depot.transact(tx -> tx.records(NOTES).query().stream()).toList()));
                log.add("nested transact", guarded(pool, () -> depot.transact(tx -> {
                    tx.records(NOTES).update(new Note("a", "outer"));
                    String inner = depot.transact(tx2 -> {
                        tx2.records(NOTES).update(new Note("b", "inner"));
                        return "inner ok";
                    });
                    return inner + " / " + tx.records(NOTES).get("b").orElseThrow();
                })));
                log.add("after nested", () -> r.query().orderBy("text").list());
                log.add("auto-commit write of a key the transaction wrote", guarded(pool, () -> depot.transact(tx -> {
                    tx.records(NOTES).update(new Note("a", "tx"));
                    r.update(new Note("a", "auto"));
                    return "both wrote";
                })));
                log.add("after", () -> r.get("a"));
                log.add("auto-commit write of a key the transaction read, then tx writes it", guarded(pool, () -> depot.transact(tx -> {
                    tx.records(NOTES).get("b");
                    r.update(new Note("b", "auto2"));
                    tx.records(NOTES).update(new Note("b", "tx2"));
                    return "both wrote";
                })));
                log.add("after", () -> r.get("b"));
                log.add("retry re-runs around an auto-commit write", guarded(pool, () -> {
                    int[] runs = {0};
                    return depot.transact(Retry.onConflict(3), tx -> {
                        runs[0]++;
                        Note n = tx.records(NOTES).get("a").orElseThrow();
                        if (runs[0] == 1) {
                            r.update(new Note("a", "sneaked"));
                        }
                        tx.records(NOTES).update(new Note("a", n.text() + "+"));
                        return runs[0];
                    });
                }));
                log.add("after retry", () -> r.get("a"));
                log.add("tx used from another thread", guarded(pool, () -> depot.transact(tx -> {
                    try {
                        return pool.submit(() -> tx.records(NOTES).get("a")).get(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        return "failed: " + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName();
                    }
                })));
                log.add("rollback-only then write", guarded(pool, () -> depot.transact(tx -> {
                    tx.setRollbackOnly();
                    tx.records(NOTES).save(new Note("c", "never"));
                    return tx.records(NOTES).count();
                })));
                log.add("count after rollback-only", () -> r.count());
                return log.lines;
            });
        } finally {
            pool.shutdownNow();
        }
    }
}
