package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on an H2 file database in a temporary directory. */
class H2FileConformanceTest extends DepotConformanceSuite {
    @Override
    protected DepotFixture fixture() {
        return new JdbcFixture("h2-file", TestDatabases.h2File(), null);
    }
}
