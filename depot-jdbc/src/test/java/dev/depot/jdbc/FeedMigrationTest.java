package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.CommitOutcome;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trim floor on real databases: feed tables written by the previous version (no commit id
 * column, no floor row, events already trimmed) are brought up to date when a depot opens, and a
 * reader behind the retention resumes at the oldest retained event instead of waiting for ever for
 * the dropped ones.
 */
class FeedMigrationTest {
    record Item(String id, int n) {}

    /** Unique per run: concurrent runs on one server must not share (or drop) each other's tables. */
    private static final String PREFIX = "fm" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";
    private static final Schema<String, Item> ITEMS = Schema.of("mig_items", String.class, Item.class).key(Item::id).build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    private static List<Long> sequences(List<ChangeEvent> events) {
        return events.stream().map(ChangeEvent::sequence).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void tablesOfThePreviousVersionGetTheCommitIdColumnAndATrimFloor(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = TestDatabases.withPrefix(opener.url().replaceAll("[?&]tablePrefix=[^&]*", ""), PREFIX);
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        // Kept open while the depot works, so an in-memory database lives on.
        try (Connection admin = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
            try (Statement st = admin.createStatement()) {
                st.execute("CREATE TABLE " + PREFIX + "meta (name VARCHAR(64) NOT NULL PRIMARY KEY, val BIGINT NOT NULL)");
                st.execute("CREATE TABLE " + PREFIX + "changes (seq BIGINT NOT NULL PRIMARY KEY, coll VARCHAR(64) NOT NULL, "
                        + "rkey VARCHAR(255) NOT NULL, op SMALLINT NOT NULL, ver BIGINT NOT NULL, t_sec BIGINT NOT NULL, "
                        + "t_nano INTEGER NOT NULL)");
                st.execute("INSERT INTO " + PREFIX + "meta (name, val) VALUES ('seq', 7)");
                long now = java.time.Instant.now().getEpochSecond();
                for (int seq = 5; seq <= 7; seq++) { // 1 to 4 were dropped by retention
                    st.execute("INSERT INTO " + PREFIX + "changes (seq, coll, rkey, op, ver, t_sec, t_nano) VALUES (" + seq
                            + ", 'mig_items', 'k" + seq + "', 0, 1, " + now + ", 0)");
                }
            }
            try (Depot depot = Depot.open(url)) {
                assertThat(sequences(depot.changes().since(0))).containsExactly(5L, 6L, 7L);
                assertThat(sequences(depot.changes().since(5))).containsExactly(6L, 7L);
                String id = depot.transact(tx -> {
                    tx.records(ITEMS).save(new Item("a", 1));
                    return tx.id();
                });
                assertThat(depot.commitOutcome(id)).isEqualTo(new CommitOutcome(CommitOutcome.Status.COMMITTED, 8, 8));
                assertThat(sequences(depot.changes().since(7))).containsExactly(8L);
                // An id from before the trim (bound 0) can no longer be decided.
                assertThat(depot.commitOutcome("0-0123456789abcdef-1").status()).isEqualTo(CommitOutcome.Status.UNKNOWN);
            }
            try (Depot again = Depot.open(url)) { // opening a migrated feed changes nothing
                assertThat(sequences(again.changes().since(0))).containsExactly(5L, 6L, 7L, 8L);
            }
        } finally {
            TestDatabases.dropTables(url, PREFIX);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aReaderBehindTheCountRetentionResumesAtTheOldestRetainedEvent(String name, TestDatabases.UrlSource opener) {
        String url = opener.url();
        try (Depot depot = Depot.open(url, DepotOptions.defaults().changeRetention(Duration.ofDays(1), 5))) {
            Records<String, Item> items = depot.records(ITEMS);
            long from = depot.changes().lastSequence();
            for (int i = 0; i < 12; i++) {
                items.save(new Item("k" + i, i));
            }
            String id = depot.transact(tx -> {
                tx.records(ITEMS).save(new Item("t", 0));
                return tx.id();
            });
            long last = depot.changes().lastSequence();
            assertThat(sequences(depot.changes().since(from))).containsExactly(last - 4, last - 3, last - 2, last - 1, last);
            assertThat(depot.commitOutcome(id).status()).isEqualTo(CommitOutcome.Status.COMMITTED);
            for (int i = 0; i < 6; i++) {
                items.save(new Item("m" + i, i));
            }
            assertThat(depot.commitOutcome(id).status()).isEqualTo(CommitOutcome.Status.UNKNOWN);
        } finally {
            if (!url.startsWith("h2:mem") && !url.startsWith("sqlite")) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }
    /**
     * One auto-commit numbering of more events than retention keeps (a batch of 8, at most 5 kept):
     * where the numbering statement also commits, the rows it inserted itself are dropped right after.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aBatchLargerThanTheCountRetentionLeavesOnlyItsNewestEvents(String name, TestDatabases.UrlSource opener) {
        String url = opener.url();
        try (Depot depot = Depot.open(url, DepotOptions.defaults().changeRetention(Duration.ofDays(1), 5))) {
            Records<String, Item> items = depot.records(ITEMS);
            long from = depot.changes().lastSequence();
            for (int i = 0; i < 4; i++) { // single commits first, so later ones take the fast path warmed up
                items.save(new Item("k" + i, i));
            }
            List<Item> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(new Item("b" + i, i));
            }
            items.saveAll(batch);
            long last = depot.changes().lastSequence();
            assertThat(sequences(depot.changes().since(from))).containsExactly(last - 4, last - 3, last - 2, last - 1, last);
            items.save(new Item("after", 1));
            assertThat(sequences(depot.changes().since(from))).containsExactly(last - 3, last - 2, last - 1, last, last + 1);
        } finally {
            if (!url.startsWith("h2:mem") && !url.startsWith("sqlite")) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }
}
