package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.BatchResult;
import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Producers and consumers of one queue, most of them in a process whose connections a {@link
 * FaultProxy} cuts at random (mid-claim, mid-batch, mid-commit), takes away and stalls, one
 * consumer in a second process. Afterwards, with the faults over, a clean consumer drains the
 * queue. Then: every acknowledged produce's item was completed, by exactly one acknowledged
 * complete unless a complete of it ended unknown (then at most one); no item was completed that
 * nobody produced; and an item was handed out again only after its previous lease had expired.
 * A call that failed with {@link BackendUnavailableException} may have happened or not, never
 * half. Faults are paced by the calls through them ({@link ChaosPace}): 600 per server by
 * default, 5,000 with {@code -Ddepot.deep=true}, or {@code -Ddepot.chaos.calls=N}.
 */
class QueueChaosTest {
    /** Short, so items whose lease the faults lost come back within the test; many attempts, so none die of it. */
    private static final QueueOptions OPTIONS = QueueOptions.leaseTimeout(Duration.ofSeconds(1)).maxAttempts(10_000);

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, 5432),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, 3306));
    }

    /** What the callers were told, per payload (payloads are unique, ids are the backend's). */
    static final class Ledger {
        final Set<String> produced = ConcurrentHashMap.newKeySet();
        final Set<String> maybeProduced = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> completed = new ConcurrentHashMap<>();
        final Set<String> maybeCompleted = ConcurrentHashMap.newKeySet();
        final List<Lease> received = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void noItemIsLostOrCompletedTwiceWhileConnectionsAreCut(String name, Supplier<String> server, int port) throws Exception {
        String prefix = "qc" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";
        String base = TestDatabases.fresh(server.get(), prefix);
        Ledger ledger = new Ledger();
        try (FaultProxy proxy = new FaultProxy(port);
                Depot chaotic = Depot.open(proxy.route(base, port) + FeedChaosTest.BOUNDS);
                Depot direct = Depot.open(base)) {
            WorkQueue faulty = chaotic.queue("chaos_jobs", OPTIONS);
            WorkQueue clean = direct.queue("chaos_jobs", OPTIONS);
            ChaosPace pace = new ChaosPace();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int id = p;
                threads.add(Thread.ofPlatform().name("chaos-producer-" + p).start(() -> produce(id, faulty, ledger, pace)));
            }
            for (int c = 0; c < 3; c++) {
                boolean faults = c != 2; // the third consumer is another process, out of the faults' way
                WorkQueue q = faults ? faulty : clean;
                threads.add(Thread.ofPlatform().name("chaos-consumer-" + c).start(() -> consume(q, faults, ledger, pace)));
            }
            FeedChaosTest.runFaults(proxy, pace, threads, ledger.failures);
            FeedChaosTest.assertNoFailures(ledger.failures);
            drain(clean, ledger);
            LoggerFactory.getLogger(QueueChaosTest.class).info(
                    "{}: {} produced ({} more unknown), {} completed ({} completes unknown), {} leases, {} calls through the faults",
                    name, ledger.produced.size(), ledger.maybeProduced.size(), ledger.completed.size(),
                    ledger.maybeCompleted.size(), ledger.received.size(), pace.calls());
            check(ledger);
        } finally {
            TestDatabases.release(base, prefix);
        }
    }

    private static void produce(int id, WorkQueue q, Ledger ledger, ChaosPace pace) {
        SplittableRandom random = new SplittableRandom();
        try {
            for (int n = 0; pace.running(); n++) {
                List<String> payloads = new ArrayList<>();
                int size = 1 + random.nextInt(5);
                for (int i = 0; i < size; i++) {
                    payloads.add("p" + id + "-" + n + "-" + i);
                }
                try {
                    q.produce(payloads.stream().map(Message::of).toList());
                    ledger.produced.addAll(payloads);
                } catch (BackendUnavailableException e) {
                    ledger.maybeProduced.addAll(payloads);
                } finally {
                    pace.called();
                }
            }
        } catch (Throwable t) {
            ledger.failures.add(t);
        }
    }

    /** Lease-and-complete rounds until the run ends; a round through the faults counts as a call. */
    private static void consume(WorkQueue q, boolean throughFaults, Ledger ledger, ChaosPace pace) {
        try {
            while (pace.running()) {
                take(q, ledger, Duration.ofMillis(100));
                if (throughFaults) {
                    pace.called();
                }
            }
        } catch (Throwable t) {
            ledger.failures.add(t);
        }
    }

    /** One lease and complete round; returns how many items it leased. */
    private static int take(WorkQueue q, Ledger ledger, Duration wait) {
        List<Lease> got;
        try {
            got = q.lease(10, wait);
        } catch (BackendUnavailableException e) {
            return 0; // whatever it leased comes back when the lease expires
        }
        ledger.received.addAll(got);
        if (got.isEmpty()) {
            return 0;
        }
        try {
            BatchResult r = q.complete(got);
            for (Lease l : r.applied()) {
                ledger.completed.merge(l.payloadText(), 1, Integer::sum);
            }
        } catch (BackendUnavailableException e) {
            got.forEach(l -> ledger.maybeCompleted.add(l.payloadText()));
        }
        return got.size();
    }

    /** Takes everything left, waiting out leases the faults lost, until nothing is ready, leased or scheduled. */
    private static void drain(WorkQueue q, Ledger ledger) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (take(q, ledger, Duration.ofMillis(500)) == 0) {
                QueueStats s = q.stats();
                if (s.ready() + s.leased() + s.scheduled() == 0) {
                    assertThat(s.dead()).as("no item died").isZero();
                    return;
                }
            }
        }
        throw new AssertionError("the queue did not drain within 60 s: " + q.stats());
    }

    private static void check(Ledger ledger) {
        Map<String, Integer> completed = new HashMap<>(ledger.completed);
        for (String p : ledger.produced) {
            int n = completed.getOrDefault(p, 0);
            if (ledger.maybeCompleted.contains(p)) {
                assertThat(n).as("%s (a complete of it ended unknown): acknowledged completes", p).isBetween(0, 1);
            } else {
                assertThat(n).as("%s: acknowledged completes", p).isEqualTo(1);
            }
        }
        for (Map.Entry<String, Integer> e : completed.entrySet()) {
            assertThat(e.getValue()).as("%s: acknowledged completes", e.getKey()).isEqualTo(1);
            assertThat(ledger.produced.contains(e.getKey()) || ledger.maybeProduced.contains(e.getKey()))
                    .as("%s was produced", e.getKey()).isTrue();
        }
        Map<String, List<Lease>> byId = new HashMap<>();
        for (Lease l : ledger.received) {
            byId.computeIfAbsent(l.id(), k -> new ArrayList<>()).add(l);
        }
        for (List<Lease> leases : byId.values()) {
            leases.sort(Comparator.comparing(Lease::leasedAt));
            for (int i = 1; i < leases.size(); i++) {
                Lease before = leases.get(i - 1);
                Lease after = leases.get(i);
                assertThat(after.leasedAt()).as("item %s leased again only after its lease of %s expired at %s",
                        after.id(), before.leasedAt(), before.expiresAt()).isAfterOrEqualTo(before.expiresAt());
                assertThat(after.attempt()).as("item %s: attempts counted at lease", after.id()).isGreaterThan(before.attempt());
            }
        }
    }
}
