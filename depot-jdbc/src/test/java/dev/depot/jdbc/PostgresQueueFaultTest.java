package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import dev.depot.spi.DepotUrl;
import dev.depot.testing.TestClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A consumer whose database connections are killed (pg_terminate_backend) keeps no lease beyond
 * its expiry: a lease is a row with an expiry by the depot clock, not a session or a lock, so the
 * item is redelivered once the lease ends, and the depot recovers by itself.
 */
class PostgresQueueFaultTest {

    @Test
    void killedConnectionsKeepNoLeaseBeyondItsExpiry() {
        String url = TestDatabases.fresh(TestDatabases.postgres(), "qfault_");
        TestClock clock = new TestClock();
        try (Depot depot = Depot.open(url, DepotOptions.defaults().clock(clock).poolSize(3))) {
            WorkQueue q = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofSeconds(30)));
            List<String> ids = q.produce(List.of(Message.of("a"), Message.of("b")));
            Lease held = q.lease("doomed", 1, Duration.ZERO).getFirst();

            assertThat(terminateDepotConnections(url)).isPositive();

            List<Lease> other = retryOnce(() -> q.lease("survivor", 2, Duration.ZERO));
            assertThat(other).extracting(Lease::id).as("the killed holder's lease still holds: %s", other).containsExactly(ids.get(1));
            q.complete(other);
            clock.advance(Duration.ofSeconds(30));
            List<Lease> again = q.lease("survivor", 2, Duration.ZERO);

            assertThat(again).extracting(Lease::id).containsExactly(held.id());
            assertThat(again.getFirst().attempt()).isEqualTo(2);
            assertThat(q.complete(List.of(held)).stale()).as("the dead holder's lease is stale").containsExactly(held);
            q.complete(again);
            assertThat(q.stats().pending()).isZero();
        } finally {
            TestDatabases.release(url, "qfault_");
        }
    }

    /** The first call after the kill may hit a dead pooled connection (and says so); the next one works. */
    private static <T> T retryOnce(Supplier<T> call) {
        try {
            return call.get();
        } catch (BackendUnavailableException e) {
            return call.get();
        }
    }

    private static int terminateDepotConnections(String depotUrl) {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(depotUrl), DepotOptions.defaults());
        try (Connection admin = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = '"
                        + s.applicationName() + "' AND pid <> pg_backend_pid()")) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
