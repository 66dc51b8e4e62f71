package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import dev.depot.testing.TestClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's sequencer script decides before it runs whether a time-driven trim is due (if not,
 * COMMIT goes in the same round trip). A background run that decided on the clock of its start may
 * number events committed after the clock moved past the retention, and trim nothing; the feed read
 * that follows, which numbers first, found nothing to number and did not trim either, so it showed
 * events older than the retention (the kit's {@code eventsOlderThanTheRetentionAreDropped} failed now
 * and then under load). A run that finds a trim due now trims even when it numbers nothing.
 */
class FeedTimeTrimTest {
    private static final String PREFIX = "timetrim_";
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    record Item(String id, long n) {}

    private static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class).key(Item::id).build();

    @Test
    void aReadTrimsWhatARunDecidedOnAnEarlierClockLeft() throws Exception {
        String url = TestDatabases.fresh(TestDatabases.postgres(), PREFIX);
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        TestClock clock = new TestClock(START);
        try (Depot depot = Depot.open(url, DepotOptions.defaults().clock(clock).changeRetention(Duration.ofDays(7), 1_000_000));
                Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                Statement st = c.createStatement()) {
            Records<String, Item> items = depot.records(ITEMS);
            long from = depot.changes().lastSequence();
            items.insert(new Item("old0", 0));
            items.insert(new Item("old1", 1));
            assertThat(depot.changes().since(from)).hasSize(2); // numbered; the oldest retained event is known

            items.insert(new Item("late", 2)); // numbered by the background run, deciding on this clock
            awaitEmptyOutbox(st);
            clock.advance(Duration.ofDays(8));

            assertThat(depot.changes().since(from)).as("every event is older than the retention").isEmpty();
            assertThat(depot.stats().changeEvents()).isZero();
        } finally {
            TestDatabases.release(url, PREFIX);
        }
    }

    private static void awaitEmptyOutbox(Statement st) throws Exception {
        OutageProbeTest.awaitTrue(() -> count(st, "SELECT COUNT(*) FROM " + PREFIX + "outbox") == 0,
                "the background run numbers the outbox");
    }

    private static long count(Statement st, String sql) {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError("counting the outbox", e);
        }
    }
}
