package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Schema;
import dev.depot.Subscription;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A process that died between its data commit and the numbering of its events leaves them in the
 * outbox: feed readers (of any process) number them, so they are never lost nor left unnumbered.
 * The dead process is played by rows inserted into the outbox with plain JDBC.
 */
class OutboxRecoveryTest {
    record Note(String id, String text) {}

    private static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();
    private static final String PREFIX = "ob" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void eventsLeftInTheOutboxAreNumberedByReadersInOrderOnce(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        try (Depot depot = Depot.open(url)) {
            depot.records(NOTES).save(new Note("a", "x"));
            long from = depot.changes().lastSequence();
            List<ChangeEvent> pushed = new CopyOnWriteArrayList<>();
            try (Subscription sub = depot.changes().subscribe(from, pushed::add)) {
                JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
                try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                        PreparedStatement ps = c.prepareStatement("INSERT INTO " + s.tablePrefix()
                                + "outbox (s, coll, rkey, op, ver, t, commit_id) VALUES (?, 'notes', ?, 'UPDATE', 2, ?, NULL)")) {
                    // Events of two commits (stamps 7 and 5) with interleaved ids, made visible at once (one
                    // transaction, so no reader numbers a part first): numbered in commit order, which is
                    // the order of each commit's first id (7 took id 1), each commit's events together.
                    c.setAutoCommit(false);
                    for (Object[] row : new Object[][] {{7L, "b1"}, {5L, "c1"}, {7L, "b2"}, {5L, "c2"}}) {
                        ps.setLong(1, (Long) row[0]);
                        ps.setString(2, (String) row[1]);
                        // recent: retention keeps it
                        s.dialect().bindEventTime(ps, 3, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
                        ps.executeUpdate();
                    }
                    c.commit();
                }
                long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // hang guard only
                List<ChangeEvent> read = List.of();
                while (read.size() < 4 && System.nanoTime() < guard) {
                    read = depot.changes().since(from);
                    Thread.sleep(5);
                }
                assertThat(read).extracting(ChangeEvent::key).containsExactly("b1", "b2", "c1", "c2");
                assertThat(read).extracting(ChangeEvent::sequence).containsExactly(from + 1, from + 2, from + 3, from + 4);
                assertThat(depot.changes().lastSequence()).isEqualTo(from + 4);
                while (pushed.size() < 4 && System.nanoTime() < guard) {
                    Thread.sleep(5);
                }
                assertThat(pushed).isEqualTo(read);
                depot.records(NOTES).save(new Note("d", "y"));
                assertThat(depot.changes().since(from + 4)).extracting(ChangeEvent::key).containsExactly("d");
            }
        } finally {
            if (url.contains("tablePrefix=" + PREFIX)) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }
}
