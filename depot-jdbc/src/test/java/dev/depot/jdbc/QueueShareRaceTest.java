package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.WorkQueue;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Two consumers waiting on a SQL queue share what arrives, even when one of them computed its share
 * while it was still alone. Consumer A waits alone, so its next look may take everything; that
 * look's claim is held before it starts (a gate in front of the DataSource) while consumer B starts
 * waiting and ten items arrive. Before B was counted under the lock that spans share-and-claim, B
 * counted itself at once, the producer saw two waiters, and A's claim, released after the produce,
 * took all ten; now B is counted only once A's look has ended, and each gets a share.
 */
class QueueShareRaceTest {
    @Test
    void aConsumerWhoseShareWasComputedAloneDoesNotTakeWhatArrivesForTwo() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:share-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Gate gate = new Gate();
        ExecutorService a = Executors.newSingleThreadExecutor(r -> new Thread(r, Gate.HELD_THREAD));
        ExecutorService b = Executors.newSingleThreadExecutor(r -> new Thread(r, "consumer-b"));
        try (Depot depot = JdbcDepots.open(gate.around(h2), DepotOptions.defaults())) {
            WorkQueue q = depot.queue("jobs");
            Future<List<Lease>> first = a.submit(() -> q.lease(10, Duration.ofSeconds(5)));
            awaitWaiting(q, 1, Duration.ofSeconds(10));

            gate.arm(); // A's next look (every 100 ms) stops before its claim, its share already computed
            assertThat(gate.entered.await(10, TimeUnit.SECONDS)).as("A's claim reached the gate").isTrue();
            Future<List<Lease>> second = b.submit(() -> q.lease(10, Duration.ofSeconds(5)));

            if (awaitWaiting(q, 2, Duration.ofSeconds(1))) {
                q.produce(messages(10)); // B counted while A's claim is in flight: the old race
                gate.release();
            } else {
                gate.release(); // B joins once A's look ends, as it should
                assertThat(awaitWaiting(q, 2, Duration.ofSeconds(10))).as("both consumers waiting").isTrue();
                q.produce(messages(10));
            }

            List<Lease> got = new ArrayList<>(first.get(10, TimeUnit.SECONDS));
            List<Lease> otherShare = second.get(10, TimeUnit.SECONDS);
            assertThat(got).as("A's share").isNotEmpty();
            assertThat(otherShare).as("B's share").isNotEmpty();
            got.addAll(otherShare);
            Set<String> ids = new HashSet<>();
            got.forEach(l -> ids.add(l.id()));
            assertThat(ids).hasSize(10);
        } finally {
            gate.release();
            a.shutdownNow();
            b.shutdownNow();
        }
    }

    private static List<Message> messages(int n) {
        List<Message> ms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ms.add(Message.of("m" + i));
        }
        return ms;
    }

    /** Whether {@code n} consumers wait in lease within {@code within} (yielding between looks, as the kit's awaitWaiting). */
    private static boolean awaitWaiting(WorkQueue q, int n, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (q.stats().waitingConsumers() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    /**
     * Once armed, holds the next connection {@link #HELD_THREAD} asks for until released: a waiting
     * consumer alone asks for one only to claim, after computing its share and before its claim's
     * transaction takes any lock.
     */
    private static final class Gate {
        static final String HELD_THREAD = "consumer-a";
        final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean armed;

        void arm() {
            armed = true;
        }

        void release() {
            released.countDown();
        }

        void pass() throws InterruptedException {
            if (armed && Thread.currentThread().getName().equals(HELD_THREAD)) {
                armed = false;
                entered.countDown();
                released.await(20, TimeUnit.SECONDS);
            }
        }

        /** {@code ds}, whose getConnection passes this gate first. */
        DataSource around(DataSource ds) {
            InvocationHandler h = (proxy, m, args) -> {
                if (m.getName().equals("getConnection")) {
                    pass();
                }
                return call(m, ds, args);
            };
            return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, h);
        }
    }

    private static Object call(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
