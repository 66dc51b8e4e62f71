package dev.depot.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Probes of {@code @DepotTest}: nesting, shared stores and the clock, failures, parallel runs. */
class TestingProbeTest {
    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();

    static final List<String> SEEN = new CopyOnWriteArrayList<>();
    static final List<Depot> DEPOTS = new CopyOnWriteArrayList<>();

    private static Events run(Class<?> testClass, String... config) {
        SEEN.clear();
        DEPOTS.clear();
        var request = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass));
        for (int i = 0; i + 1 < config.length; i += 2) {
            request = request.configurationParameter(config[i], config[i + 1]);
        }
        return request.execute().testEvents();
    }

    // ---- @Nested classes inherit the outer class's url ----

    /**
     * A {@code @Nested} class of a {@code @DepotTest(url = …)} class: JUnit runs the extension there
     * (registered on the outer class), but does the nested test get the outer class's URL?
     */
    @Test
    void aNestedClassUsesTheEnclosingClassesUrl() {
        run(OuterWithUrl.class).assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(SEEN).containsExactlyInAnyOrder("outer Depot[memory:probe-outer]", "nested Depot[memory:probe-outer]");
    }

    @DepotTest(url = "memory:probe-outer")
    static class OuterWithUrl {
        @Test
        void outer(Depot depot) {
            SEEN.add("outer " + depot);
        }

        @Nested
        class Inner {
            @Test
            void nested(Depot depot) {
                SEEN.add("nested " + depot);
            }
        }
    }

    // ---- the injected clock on a shared memory store ----

    // A store another depot already holds keeps that depot's options, its clock included: the injected
    // TestClock then moves nothing (a known limit, README "Testing"). Only the unshared case is pinned.

    @DepotTest(url = "memory:probe-clock")
    static class ClockOnSharedStore {
        @Test
        void leaseExpiresByTheTestClock(Depot depot, TestClock clock) {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(1)));
            q.produce(Message.of("a"));
            q.lease(1, Duration.ZERO);
            clock.advance(Duration.ofHours(1));
            SEEN.add("leased again after the clock moved: " + q.lease(1, Duration.ZERO).size());
        }
    }

    /** A named store nobody else holds: the injected TestClock drives its leases. */
    @Test
    void theInjectedClockDrivesAnUnsharedNamedStore() {
        run(ClockOnSharedStore.class).assertStatistics(s -> s.succeeded(1));
        assertThat(SEEN).containsExactly("leased again after the clock moved: 1");
    }

    // ---- cleanup when a test or its setup fails ----

    @Test
    void aFailingTestOrSetupStillClosesItsDepot() {
        Events events = run(Failing.class);
        events.assertStatistics(s -> s.failed(2));
        assertThat(DEPOTS).hasSize(2);
        for (Depot d : DEPOTS) {
            assertThat(d.health().up()).as("closed after the failure").isFalse();
        }
    }

    static class Failing {
        @Nested
        @DepotTest
        class TestThrows {
            @Test
            void fails(Depot depot) {
                DEPOTS.add(depot);
                depot.queue("jobs").produce(Message.of("x"));
                throw new AssertionError("on purpose");
            }
        }

        @Nested
        @DepotTest
        class SetupThrows {
            @BeforeEach
            void setUp(Depot depot) {
                DEPOTS.add(depot);
                throw new IllegalStateException("setup fails on purpose");
            }

            @Test
            void never(Depot depot) {}
        }
    }

    // ---- parallel execution ----

    @Test
    void testsRunInParallelEachWithItsOwnDepotQueueAndClock() {
        Events events = run(Parallel.class, "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
        events.assertStatistics(s -> s.succeeded(4).failed(0));
        assertThat(SEEN).hasSize(4).allMatch(x -> x.equals("1 note, 1 ready, 1 leased after 30s"));
    }

    static final CountDownLatch ALL_STARTED = new CountDownLatch(4);

    @DepotTest
    static class Parallel {
        private static void body(Depot depot, TestClock clock, Records<String, Note> notes, String me) throws Exception {
            notes.save(new Note(me, me));
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            q.produce(Message.of(me));
            Lease l = q.lease(1, Duration.ZERO).getFirst();
            ALL_STARTED.countDown();
            ALL_STARTED.await(10, TimeUnit.SECONDS); // all four run at once
            clock.advance(Duration.ofSeconds(30));
            List<Lease> again = q.lease(1, Duration.ZERO);
            SEEN.add(notes.count() + " note, " + again.size() + " ready, " + (l.payloadText().equals(me) ? 1 : 0) + " leased after 30s");
        }

        @Test
        void a(Depot depot, TestClock clock, Records<String, Note> notes) throws Exception {
            body(depot, clock, notes, "a");
        }

        @Test
        void b(Depot depot, TestClock clock, Records<String, Note> notes) throws Exception {
            body(depot, clock, notes, "b");
        }

        @Test
        void c(Depot depot, TestClock clock, Records<String, Note> notes) throws Exception {
            body(depot, clock, notes, "c");
        }

        @Test
        void d(Depot depot, TestClock clock, Records<String, Note> notes) throws Exception {
            body(depot, clock, notes, "d");
        }
    }
}
