package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.AlreadyExistsException;
import dev.depot.AsyncDepot;
import dev.depot.AsyncRecords;
import dev.depot.Capability;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.VersionConflictException;
import dev.depot.tck.KitModel.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous view ({@link AsyncDepot}): each call does what its blocking twin does, and its
 * future fails with the very exception the blocking call throws.
 */
abstract class AsyncTests extends FeatureTests {
    AsyncTests(DepotConformanceSuite suite) {
        super(suite);
    }

    private static <T> T done(CompletableFuture<T> f) throws Exception {
        return f.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
    }

    /** What the future failed with, as handed to a dependent stage. */
    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        return done(f.handle((value, error) -> error));
    }

    @Test
    void asyncCallsDoWhatTheBlockingOnesDo() throws Exception {
        AsyncRecords<String, Account> async = depot().async().records(KitModel.ACCOUNTS);

        assertThat(done(async.insert(new Account("a", 10)))).isEqualTo(1);
        assertThat(done(async.saveAll(List.of(new Account("b", 20), new Account("c", 30))))).containsExactly(1L, 1L);
        assertThat(done(async.update(new Account("a", 11), 1))).isEqualTo(2);
        assertThat(done(async.get("a"))).contains(new Account("a", 11));
        assertThat(done(async.getVersioned("b")).orElseThrow().version()).isEqualTo(1);
        assertThat(done(async.getAll(List.of("a", "c", "x")))).isEqualTo(Map.of("a", new Account("a", 11), "c", new Account("c", 30)));
        List<Account> rich = done(async.query(q -> q.where(Q.field("balance").ge(20)).list()));
        assertThat(rich).containsExactly(new Account("b", 20), new Account("c", 30));
        assertThat(done(async.count())).isEqualTo(3);
        assertThat(done(async.exists("b"))).isTrue();
        assertThat(done(async.delete("b", 1))).isTrue();
        assertThat(done(async.delete("b"))).isFalse();
        assertThat(done(async.save(new Account("d", 40)))).isEqualTo(1);
        assertThat(accounts().query().list()).extracting(Account::id).containsExactly("a", "c", "d");
        done(async.clear());
        assertThat(accounts().count()).isZero();
        assertThat(done(async.get("a"))).isEqualTo(Optional.empty());
    }

    @Test
    void aFailedCallFailsItsFutureWithTheBlockingCallsExceptionAndChangesNothing() throws Exception {
        AsyncRecords<String, Account> async = depot().async().records(KitModel.ACCOUNTS);
        done(async.insert(new Account("a", 10)));

        Throwable stale = failure(async.update(new Account("a", 99), 7));
        assertThat(stale).isInstanceOf(VersionConflictException.class);
        assertThat(((VersionConflictException) stale).key()).contains("a");
        assertThat(failure(async.insert(new Account("a", 5)))).isInstanceOf(AlreadyExistsException.class);
        assertThat(failure(async.insert(null))).isInstanceOf(NullPointerException.class);
        assertThat(failure(async.query(q -> q.where(Q.field("undeclared").eq(1)).list())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(accounts().get("a")).contains(new Account("a", 10));
    }

    @Test
    void asyncTransactionsRetryAndCountEveryIncrementOnce() throws Exception {
        assumeCapability(Capability.TRANSACTIONS);
        accounts().insert(new Account("counter", 0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            AsyncDepot async = depot().async(pool);
            List<CompletableFuture<Long>> increments = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                increments.add(async.transact(Retry.onConflict(1_000), tx -> {
                    Records<String, Account> acc = tx.records(KitModel.ACCOUNTS);
                    Account now = acc.get("counter").orElseThrow();
                    acc.update(new Account("counter", now.balance() + 1));
                    return now.balance() + 1;
                }));
            }
            List<Long> seen = new ArrayList<>();
            for (CompletableFuture<Long> f : increments) {
                seen.add(done(f));
            }
            // Each committed increment saw its own predecessor: the results are 1..40, each once.
            assertThat(seen).containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
            assertThat(accounts().get("counter")).contains(new Account("counter", 40));
            long count = done(async.call(d -> d.records(KitModel.ACCOUNTS).count()));
            assertThat(count).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
