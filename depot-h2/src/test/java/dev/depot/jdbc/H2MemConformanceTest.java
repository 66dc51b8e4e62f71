package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on an in-memory H2 database of its own. */
class H2MemConformanceTest extends DepotConformanceSuite {
    @Override
    protected DepotFixture fixture() {
        return new JdbcFixture("h2-mem", TestDatabases.h2Mem(), null);
    }
}
