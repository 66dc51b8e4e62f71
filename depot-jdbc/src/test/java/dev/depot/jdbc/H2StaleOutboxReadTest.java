package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.result.Row;
import org.h2.table.Column;
import org.h2.table.Table;
import org.h2.value.Value;
import org.h2.value.ValueBigint;
import org.h2.value.ValueNull;
import org.h2.value.ValueVarchar;
import org.junit.jupiter.api.Test;

/**
 * On H2 a sequencer run numbers every outbox row committed before its read, even one that H2's
 * result cache still leaves out. H2 2.4.240 serves a session's repeated query from the result it
 * cached while no commit has advanced the modification id of the query's tables since; a commit
 * advances it only after its rows are visible and its row locks released (the MVStore commit, then
 * the mark, in {@code SessionLocal.commit}). In that window a numbering writer, which had just taken
 * a key's row lock from the committing writer, read the outbox from such a cached result, missed the
 * earlier commit's event of the key and numbered its own first: a key's versions out of order in the
 * feed, seen by {@code FeedIntegrityTest} once in a few hundred thousand commits.
 *
 * <p>The window lasts microseconds; here it is held open. A row is committed into the outbox through
 * the table's index, through H2's internal API: committed and visible to any new statement, as after
 * the MVStore commit, but without the mark that follows, as in the window. The run's read must see it.
 */
class H2StaleOutboxReadTest {

    @Test
    void aRunReadsAnOutboxRowCommittedSinceItsPreviousReadWhileH2HasNotMarkedTheTableChanged() throws Exception {
        DepotOptions options = DepotOptions.defaults();
        JdbcSettings settings = JdbcSettings.parse(DepotUrl.parse("h2:mem:stale-outbox-" + UUID.randomUUID()), options);
        JdbcBackend backend = JdbcBackend.open(settings, options); // creates the tables; the database lives while it is open
        try (Connection writer = connect(settings); Connection run = connect(settings)) {
            // Opened first: a new session resets every session's command cache, which would hide the stale result.
            run.setAutoCommit(false);
            long last = counterLocked(run, settings.tablePrefix());
            assertThat(backend.feed.sequencer.moveCommitted(run, last).count()).as("nothing committed yet").isZero();

            commitUnmarked(writer, settings.tablePrefix() + "outbox", 1_000_000L);
            assertThat(count(run, "SELECT COUNT(*) FROM " + settings.tablePrefix() + "outbox"))
                    .as("the row is committed: a statement H2 has not cached sees it").isEqualTo(1);

            Sequencer.Moved moved = backend.feed.sequencer.moveCommitted(run, last);
            assertThat(moved.count()).as("the run's outbox read sees the committed row").isEqualTo(1);
            assertThat(moved.end()).isEqualTo(last + 1);
            run.rollback();
        } finally {
            backend.close();
        }
    }

    /**
     * Any repeated plain read, not only the outbox read, would be served from the stale result (a
     * record read right after its event showing the record as before it; FeedIntegrityTest saw
     * it): Depot turns H2's result reuse off, database-wide, when it opens, on its own URL and on
     * an application's DataSource.
     */
    @Test
    void aRepeatedPlainReadSeesARowCommittedInTheWindowOnDepotsUrlAndOnADataSource() throws Exception {
        DepotOptions options = DepotOptions.defaults();
        JdbcSettings settings = JdbcSettings.parse(DepotUrl.parse("h2:mem:stale-read-" + UUID.randomUUID()), options);
        JdbcBackend backend = JdbcBackend.open(settings, options);
        try (Connection writer = connect(settings); Connection reader = connect(settings)) {
            assertRepeatedReadSeesUnmarkedCommit(writer, reader, settings.tablePrefix() + "outbox");
        } finally {
            backend.close();
        }

        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:stale-ds-" + UUID.randomUUID()); // the application's URL: result reuse on
        try (Connection keep = ds.getConnection(); dev.depot.Depot depot = JdbcDepots.open(ds, options);
                Connection writer = ds.getConnection(); Connection reader = ds.getConnection()) {
            assertRepeatedReadSeesUnmarkedCommit(writer, reader, "depot_outbox");
        }
    }

    private static void assertRepeatedReadSeesUnmarkedCommit(Connection writer, Connection reader, String outbox) throws SQLException {
        try (PreparedStatement ps = reader.prepareStatement("SELECT COUNT(*) FROM " + outbox)) {
            assertThat(countOf(ps)).isZero();
            commitUnmarked(writer, outbox, 2_000_000L);
            assertThat(countOf(ps)).as("the same query again, after a commit H2 has not marked").isEqualTo(1);
        }
    }

    private static long countOf(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect(JdbcSettings s) throws SQLException {
        return DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
    }

    /** The counter under its lock, as a run starts. */
    private static long counterLocked(Connection c, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT val FROM " + prefix + "meta WHERE name = 'seq' FOR UPDATE");
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Commits one event row with id {@code id} into the outbox through its indexes: the MVStore commit
     * makes it visible, but the session never registered the table as updated, so H2 does not advance
     * the table's modification id, as in the window of a real commit.
     */
    private static void commitUnmarked(Connection c, String outbox, long id) throws SQLException {
        c.setAutoCommit(false);
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        Table table = session.getDatabase().getMainSchema().findTableOrView(session, outbox.toUpperCase(Locale.ROOT));
        assertThat(table).as(outbox).isNotNull();
        Row row = table.getTemplateRow();
        for (Column col : table.getColumns()) {
            Value v = switch (col.getName().toLowerCase(Locale.ROOT)) {
                case "id" -> ValueBigint.get(id);
                case "s" -> ValueBigint.get(7);
                case "coll" -> ValueVarchar.get("notes");
                case "rkey" -> ValueVarchar.get("a");
                case "op" -> ValueVarchar.get("UPDATE");
                case "ver" -> ValueBigint.get(2);
                case "t" -> ValueVarchar.get(Instant.now().truncatedTo(ChronoUnit.MICROS).toString()); // converted to the column's timestamp type
                case "commit_id", "origin" -> ValueNull.INSTANCE;
                default -> throw new AssertionError("unexpected outbox column " + col.getName());
            };
            row.setValue(col.getColumnId(), v.convertTo(col.getType(), session));
        }
        for (Index index : table.getIndexes()) { // as MVTable.addRow does, less its registerTableAsUpdated
            index.add(session, row);
        }
        c.commit();
    }
}
