package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MariaDB's sequencer reads the outbox with {@code FOR UPDATE SKIP LOCKED}, and InnoDB makes a commit
 * visible before it releases the commit's row locks, one at a time: a run in that window once read
 * part of a commit (FeedChaosTest, FeedIntegrityTest: another commit's event numbered between one
 * transaction's two). Here a second connection plays the window: it holds some of a committed
 * transaction's outbox rows with {@code FOR UPDATE}, while a later commit rewrote one of its keys.
 * While the rows are held the feed numbers neither commit (not part of the first, and not the second
 * before it); once they are free it numbers the first whole, then the second.
 */
class MariaDbSplitCommitTest {
    record Item(String id, int n) {}

    private static final Schema<String, Item> ITEMS = Schema.of("split_items", String.class, Item.class).key(Item::id).build();
    private static final String PREFIX = "sc" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";

    @ParameterizedTest(name = "held: {0}")
    @ValueSource(strings = {"a1", "a2", "a1,a2"})
    void aCommitIsNumberedWholeAndALaterWriterOfItsKeysWaitsForIt(String held) throws Exception {
        String url = TestDatabases.fresh(TestDatabases.mariadb(), PREFIX);
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        Sequencer.held = true; // no background runs: the feed reads below do the numbering
        try (Depot depot = Depot.open(url)) {
            Records<String, Item> items = depot.records(ITEMS);
            long from = depot.changes().lastSequence();
            depot.transact(tx -> {
                tx.records(ITEMS).save(new Item("a1", 1));
                tx.records(ITEMS).save(new Item("a2", 1));
                return null;
            });
            items.save(new Item("a1", 2)); // read the first commit's a1 and rewrote it
            try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
                List<Long> ids = outboxIds(c, s.tablePrefix(), List.of(held.split(",")));
                // Held by primary key, read committed: exactly those rows, no others and no gaps.
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + s.tablePrefix() + "outbox WHERE id IN ("
                        + String.join(", ", ids.stream().map(k -> "?").toList()) + ") FOR UPDATE")) {
                    for (int i = 0; i < ids.size(); i++) {
                        ps.setLong(i + 1, ids.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        int n = 0;
                        while (rs.next()) {
                            n++;
                        }
                        assertThat(n).as("outbox rows held").isEqualTo(ids.size());
                    }
                }
                assertThat(depot.changes().since(from)).as("the feed while %s of the first commit is held", held).isEmpty();
                c.rollback();
            }
            List<ChangeEvent> feed = depot.changes().since(from);
            assertThat(feed).extracting(e -> e.key() + "@" + e.version()).containsExactly("a1@1", "a2@1", "a1@2");
            assertThat(feed).extracting(ChangeEvent::sequence).containsExactly(from + 1, from + 2, from + 3);
        } finally {
            Sequencer.held = false;
            TestDatabases.release(url, PREFIX);
        }
    }

    /** The outbox ids of the first commit's events of {@code keys} (version 1). */
    private static List<Long> outboxIds(Connection c, String prefix, List<String> keys) throws Exception {
        List<Long> ids = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, rkey FROM " + prefix + "outbox WHERE ver = 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (keys.contains(rs.getString(2))) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        assertThat(ids).as("outbox rows of %s", keys).hasSize(keys.size());
        return ids;
    }
}
