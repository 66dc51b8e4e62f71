package dev.depot.tck;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.testing.TestClock;
import java.util.Optional;

/**
 * How the conformance kit reaches one backend. A backend module implements this (a few lines) and
 * returns it from {@link DepotConformanceSuite#fixture()}:
 *
 * <pre>{@code
 * class PostgresConformanceTest extends DepotConformanceSuite {
 *     protected DepotFixture fixture() {
 *         return new DepotFixture() {
 *             public Depot open(TestClock clock) {
 *                 return Depot.open(URL, DepotOptions.defaults().clock(clock));
 *             }
 *             public String name() { return "postgresql"; }
 *         };
 *     }
 * }
 * }</pre>
 *
 * <p>The kit opens one depot per suite instance and calls {@code depot.clear()} before every test,
 * so the fixture needs no per-test reset. A few lifecycle tests open (and close) a second depot; it
 * may share storage with the first.
 */
public interface DepotFixture {

    /**
     * Opens a depot on the backend whose clock is {@code clock}. The depot must use that clock for
     * every time it records (change-event times in particular) and otherwise the default options
     * (a different pool size is fine): the kit relies on the default change retention.
     */
    Depot open(TestClock clock);

    /** A short name for reports, such as {@code memory} or {@code postgresql}. */
    String name();

    /**
     * A password contained in the URL the fixture opens, if any. The kit checks that it never shows
     * up in {@code toString()}, health, stats or exception messages.
     */
    default Optional<String> credential() {
        return Optional.empty();
    }

    /**
     * How to hold a commit open inside the backend, if the backend promises that commits of different
     * keys proceed in parallel (one waiting inside its commit does not stop another from committing);
     * empty if it does not promise that (memory's striped commit locks, SQLite's single writer), and
     * the kit then skips the test that shows it.
     */
    default Optional<CommitHold> commitHold() {
        return Optional.empty();
    }

    /** Releases what the fixture holds (containers, temporary files); called once after the suite. */
    default void close() {}

    /** The fixture of the in-memory backend: a private {@code memory:} depot per call. */
    static DepotFixture memory() {
        return new DepotFixture() {
            @Override
            public Depot open(TestClock clock) {
                return Depot.open("memory:", DepotOptions.defaults().clock(clock));
            }

            @Override
            public String name() {
                return "memory";
            }
        };
    }
}
