package dev.depot.tck;

import dev.depot.Depot;
import dev.depot.testing.TestClock;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The records conformance kit: every rule of the records, transactions and change-feed contract as a
 * test, grouped by feature. A backend module runs all of it by extending this class and supplying
 * its {@link DepotFixture}:
 *
 * <pre>{@code
 * class H2ConformanceTest extends DepotConformanceSuite {
 *     protected DepotFixture fixture() { return new H2Fixture(); }
 * }
 * }</pre>
 *
 * <p>One depot is opened per suite instance and {@code depot.clear()} runs before every test, with
 * the clock put back at {@link #START}. A test is skipped only (through JUnit assumptions) when the
 * backend's {@code capabilities()} declares it lacks the capability the test needs; the lifecycle
 * group checks that such a declaration matches behaviour. Subclasses may add their own tests and
 * reach the shared depot through {@link #depot()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DepotConformanceSuite {
    /** Where the clock stands at the start of every test. Whole seconds, so every backend keeps it exactly. */
    public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private DepotFixture fixture;
    private TestClock clock;
    private Depot depot;

    /** The backend under test. Called once per suite instance. */
    protected abstract DepotFixture fixture();

    @BeforeAll
    final void openDepot() {
        fixture = fixture();
        clock = new TestClock(START);
        depot = fixture.open(clock);
    }

    @BeforeEach
    final void resetDepot() {
        clock.set(START);
        depot.clear();
    }

    @AfterAll
    final void closeDepot() {
        try {
            if (depot != null) {
                depot.close();
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    /** The depot shared by the suite's tests; emptied before each test. */
    protected final Depot depot() {
        return depot;
    }

    /** The clock the depot was opened with. */
    protected final TestClock clock() {
        return clock;
    }

    /** The fixture the depot came from. */
    protected final DepotFixture fixtureInUse() {
        return fixture;
    }

    @Nested
    class Crud extends CrudTests {
        Crud() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class ValueIsolation extends ValueIsolationTests {
        ValueIsolation() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Versions extends VersionTests {
        Versions() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class QueriesAndOrdering extends QueryTests {
        QueriesAndOrdering() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class OrAndNot extends OrNotTests {
        OrAndNot() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class ExceptionDetails extends ExceptionDetailTests {
        ExceptionDetails() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Paging extends PagingTests {
        Paging() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class UniqueIndexes extends UniqueIndexTests {
        UniqueIndexes() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Schemas extends SchemaTests {
        Schemas() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Transactions extends TransactionTests {
        Transactions() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class ChangeFeed extends ChangeFeedTests {
        ChangeFeed() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Concurrency extends ConcurrencyTests {
        Concurrency() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class ParallelCommits extends ParallelCommitTests {
        ParallelCommits() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class BadInput extends BadInputTests {
        BadInput() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class HostileInput extends HostileInputTests {
        HostileInput() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class EdgeCases extends EdgeCaseTests {
        EdgeCases() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Names extends NameTests {
        Names() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Async extends AsyncTests {
        Async() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Migrations extends MigrationTests {
        Migrations() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Queues extends QueueTests {
        Queues() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Lifecycle extends LifecycleTests {
        Lifecycle() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class Blobs extends BlobTests {
        Blobs() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class BlobPaths extends BlobPathTests {
        BlobPaths() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class BlobListing extends BlobListTests {
        BlobListing() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class BlobConcurrency extends BlobConcurrencyTests {
        BlobConcurrency() {
            super(DepotConformanceSuite.this);
        }
    }

    @Nested
    class BlobSync extends BlobSyncTests {
        BlobSync() {
            super(DepotConformanceSuite.this);
        }
    }
}
