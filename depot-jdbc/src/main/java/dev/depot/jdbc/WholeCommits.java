package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Where the sequencer's outbox read skips locked rows ({@link Dialect#outboxReadSkipsLocked}): how far
 * the commits it read may be numbered without splitting one. InnoDB makes a commit visible before it
 * releases its row locks, one lock at a time; a skip-locked read in that window returns some of the
 * commit's rows and skips the others (or skips them all while a later commit that read its data is
 * returned). Numbering what it returned would put another commit's events between that commit's, or
 * a key's later version before its earlier one.
 *
 * <p>So after the locking read comes a plain read of the outbox: a statement that starts after the
 * locking read sees every commit whose rows that read could see unlocked (it was visible before its
 * locks went), and more. A commit is <em>whole</em> when both reads hold exactly the same rows of it.
 * Numbering stops at the first commit (by first id) that is not whole: it and every later commit wait
 * for the next run, which finds them whole (their locks gone) or still in flight. Commits in flight
 * hold only ids above the ones a later writer of their keys takes, so skipping them whole, as before,
 * keeps each key's order.
 */
final class WholeCommits {
    private final String visibleSql;

    WholeCommits(String outbox) {
        this.visibleSql = "SELECT id, s FROM " + outbox;
    }

    /**
     * What a run may number: commits whose first id is below {@code cut} ({@link Long#MAX_VALUE}: all
     * it read); {@code highest} is the highest id either read saw.
     */
    record Bound(long cut, long highest) {}

    /**
     * The bound for the rows the locking read returned ({@code ids[i]} with stamp {@code stamps[i]}),
     * on the connection of that read, in the same transaction, right after it.
     */
    Bound cut(Connection c, long[] ids, long[] stamps) throws SQLException {
        long highest = -1;
        Map<Long, Long> unmatched = new HashMap<>(ids.length * 2);
        Map<Long, Long> firstId = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            unmatched.put(ids[i], stamps[i]);
            highest = Math.max(highest, ids[i]);
            firstId.merge(stamps[i], ids[i], Math::min);
        }
        Set<Long> split = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(visibleSql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                long stamp = rs.getLong(2);
                highest = Math.max(highest, id);
                firstId.merge(stamp, id, Math::min);
                if (unmatched.remove(id) == null) {
                    split.add(stamp); // committed, but its row was still locked for the locking read
                }
            }
        }
        split.addAll(unmatched.values()); // read unlocked, not yet visible to the plain read: not provably whole
        long cut = Long.MAX_VALUE;
        for (long stamp : split) {
            cut = Math.min(cut, firstId.get(stamp));
        }
        return new Bound(cut, highest);
    }
}
