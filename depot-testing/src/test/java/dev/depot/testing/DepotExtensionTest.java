package dev.depot.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs small test classes through the JUnit engine and checks what the extension gave them. */
class DepotExtensionTest {
    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();

    /** What the sample tests saw, inspected after the engine ran them. */
    static final List<Depot> SEEN = new ArrayList<>();
    static final List<Long> COUNTS = new ArrayList<>();
    static final List<Instant> TIMES = new ArrayList<>();

    private static Events run(Class<?> testClass) {
        SEEN.clear();
        COUNTS.clear();
        TIMES.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    @Test
    void eachTestGetsAFreshDepotThatIsClosedAfterIt() {
        Events events = run(TwoTests.class);
        events.assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(COUNTS).containsExactly(0L, 0L); // the second test does not see the first's note
        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        for (Depot d : SEEN) {
            assertThat(d.health().up()).isFalse();
            assertThatThrownBy(() -> d.records(NOTES)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void beforeEachAndTheTestShareOneDepot() {
        run(SharedWithBeforeEach.class).assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(COUNTS).containsExactly(1L);
    }

    @Test
    void theInjectedClockIsTheDepotsClock() {
        run(ClockControl.class).assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(TIMES).hasSize(2);
        assertThat(Duration.between(TIMES.get(0), TIMES.get(1))).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void theUrlAttributeChoosesTheBackend() {
        try (Depot other = Depot.open("memory:extension-shared")) {
            other.records(NOTES).insert(new Note("outside", "seen by the test"));
            run(NamedStore.class).assertStatistics(s -> s.succeeded(1).failed(0));
        }
        assertThat(COUNTS).containsExactly(0L); // a shared backend is cleared before the test
    }

    @Test
    void theUrlComesFromTheSystemPropertyWhenTheAnnotationSetsNone() {
        try (Depot other = Depot.open("memory:from-property")) {
            other.records(NOTES).insert(new Note("outside", "left by another depot"));
            System.setProperty(TestUrl.PROPERTY, "memory:from-property");
            try {
                run(UrlFromEnvironment.class).assertStatistics(s -> s.succeeded(1).failed(0));
            } finally {
                System.clearProperty(TestUrl.PROPERTY);
            }
            // The test ran on the shared store (cleared first, then wrote one note), not a private one.
            assertThat(COUNTS).containsExactly(0L);
            assertThat(other.records(NOTES).count()).isEqualTo(1);
            assertThat(other.records(NOTES).get("written")).isPresent();
        }
    }

    @Test
    void theAnnotationsUrlWinsOverTheProperty() {
        System.setProperty(TestUrl.PROPERTY, "nosuchscheme:x");
        try {
            run(NamedStore.class).assertStatistics(s -> s.succeeded(1).failed(0));
        } finally {
            System.clearProperty(TestUrl.PROPERTY);
        }
        assertThat(TestUrl.resolve(java.util.Optional.of("memory:a"))).isEqualTo("memory:a");
        assertThat(TestUrl.resolve(java.util.Optional.of(""))).isEqualTo("memory:");
    }

    @Test
    void recordsAreInjectedFromTheMatchingStaticSchema() {
        run(RecordsInjection.class).assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(COUNTS).containsExactly(1L, 1L);
    }

    @Test
    void aSchemaDeclaredInAnAbstractBaseTestServesItsSubclass() {
        BaseWithSchema.SEEN.clear();
        run(InheritedSchema.class).assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(BaseWithSchema.SEEN).containsExactly("via the base class's schema");
    }

    @Test
    void recordsWithoutAMatchingSchemaFailNamingTheShape() {
        Events events = run(RecordsWithoutSchema.class);
        events.assertStatistics(s -> s.failed(1));
        assertThat(events.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage())
                .contains("Schema<java.lang.Integer, java.lang.String>");
    }

    @Test
    void aDepotCannotBeInjectedIntoAConstructor() {
        run(ConstructorInjection.class).assertStatistics(s -> s.failed(1));
    }

    // ---- sample test classes, run only through the engine above ----

    @DepotTest
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class TwoTests {
        @Test
        @Order(1)
        void first(Depot depot) {
            COUNTS.add(depot.records(NOTES).count());
            depot.records(NOTES).insert(new Note("a", "hello"));
            SEEN.add(depot);
        }

        @Test
        @Order(2)
        void second(Depot depot) {
            COUNTS.add(depot.records(NOTES).count());
            SEEN.add(depot);
        }
    }

    @DepotTest
    static class SharedWithBeforeEach {
        @BeforeEach
        void seed(Depot depot) {
            depot.records(NOTES).insert(new Note("seed", "from setup"));
        }

        @Test
        void seesTheSeed(Depot depot) {
            COUNTS.add(depot.records(NOTES).count());
        }
    }

    @DepotTest
    static class ClockControl {
        @Test
        void eventsCarryTheTestClock(Depot depot, TestClock clock) {
            depot.records(NOTES).insert(new Note("a", "one"));
            clock.advance(Duration.ofHours(2));
            depot.records(NOTES).insert(new Note("b", "two"));
            depot.changes().since(0).stream().map(ChangeEvent::time).forEach(TIMES::add);
        }
    }

    @DepotTest(url = "memory:extension-shared")
    static class NamedStore {
        @Test
        void startsEmpty(Depot depot) {
            COUNTS.add(depot.records(NOTES).count());
        }
    }

    @DepotTest
    static class UrlFromEnvironment {
        @Test
        void writes(Depot depot) {
            COUNTS.add(depot.records(NOTES).count());
            depot.records(NOTES).insert(new Note("written", "by the test"));
        }
    }

    @DepotTest(url = "memory:")
    static class RecordsInjection {
        @Test
        void injected(Records<String, Note> notes, Depot depot) {
            notes.insert(new Note("a", "via injected records"));
            COUNTS.add(notes.count());
            COUNTS.add(depot.records(NOTES).count());
        }
    }

    abstract static class BaseWithSchema {
        record Memo(String id, String text) {}

        static final Schema<String, Memo> MEMOS = Schema.of("memos", String.class, Memo.class).key(Memo::id).build();
        static final List<String> SEEN = new ArrayList<>();

        @Test
        void injected(Records<String, Memo> memos) {
            memos.insert(new Memo("b", "via the base class's schema"));
            SEEN.add(memos.get("b").orElseThrow().text());
        }
    }

    @DepotTest(url = "memory:")
    static class InheritedSchema extends BaseWithSchema {}

    @DepotTest
    static class RecordsWithoutSchema {
        @Test
        void injected(Records<Integer, String> nothing) {}
    }

    @DepotTest
    static class ConstructorInjection {
        ConstructorInjection(Depot depot) {}

        @Test
        void never() {}
    }
}
