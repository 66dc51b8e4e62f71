package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on PostgreSQL. The URL carries a password that trust authentication ignores, so the kit can check it never leaks. */
class PostgresConformanceTest extends DepotConformanceSuite {
    @Override
    protected DepotFixture fixture() {
        String url = TestDatabases.postgres();
        String secret = null;
        if (System.getenv("DEPOT_TEST_POSTGRES_URL") == null) {
            secret = "s3cret-depot-pw";
            url = url.replace("postgres@", "postgres:" + secret + "@");
        }
        return new JdbcFixture("postgresql", TestDatabases.fresh(url, TestDatabases.PREFIX), secret);
    }
}
