package dev.depot.jdbc;

import dev.depot.BatchResult;
import dev.depot.Lease;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A queue's two hot calls on PostgreSQL without a transaction of their own, when the general path's
 * work would be empty: a claim is one statement, {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE
 * SKIP LOCKED) RETURNING} guarded by the due-work seek in the same statement (1 round trip instead
 * of 4; when something is due it claims nothing and says so, and the general path runs), whose
 * leases end after the lease timeout in force, read by the statement itself, and completing
 * leases of a queue without a dead-letter queue is one batch of {@code DELETE}s that each check the
 * token and the expiry (1 instead of 3). The results are those of the general path: PostgreSQL
 * re-checks a locked row's conditions against its newest version, so a claim never takes a row
 * another call changed, and a delete matches only a lease that is current at the call's now.
 * PostgreSQL runs each part of a batch that pgjdbc sends in auto-commit (about 250 statements; a
 * batch of 1,000 measured 4) as one implicit transaction: deletes go in id order, as the general
 * path locks, so completes never deadlock each other. Each delete stands alone, so the parts change
 * no result; a connection lost mid-batch may leave a prefix completed, which a repeated complete
 * reports as stale (the call itself failed as unavailable: its outcome was unknown).
 */
final class AutoCommitQueueCalls {
    private final SqlQueue queue;
    private final SqlQueueStore store;
    /** Package-private, as {@link #completeSql}. */
    final String claimSql;
    /** Package-private for {@code QueueSettlePlanTest}, which checks PostgreSQL's plans of both. */
    final String completeSql;

    AutoCommitQueueCalls(SqlQueue queue, SqlQueueStore store) {
        this.queue = queue;
        this.store = store;
        String t = store.items;
        // One row at least: the claimed rows, or one row of nulls; then a column that says whether
        // something was due, in which case nothing was claimed (NOT EXISTS: a one-time filter), and
        // the queue's options in force (a plain read: the lease timeout of the leases granted here).
        this.claimSql = "WITH opts AS (SELECT " + SqlQueueStore.OPTION_COLUMNS + " FROM " + store.prefix + "queues WHERE name = ?),"
                + " due AS (SELECT 1 FROM " + t + " WHERE queue = ? AND due_at <= ? LIMIT 1),"
                + " claimed AS (UPDATE " + t + " SET state = 2, attempts = attempts + 1, token = CAST(? AS VARCHAR) || CAST(id AS VARCHAR),"
                + " leased_at = ?, holder = ?, due_at = ? + (SELECT lease_micros FROM opts), ver = ver + 1"
                + " WHERE NOT EXISTS (SELECT 1 FROM due) AND id IN (SELECT id FROM " + t
                + " WHERE queue = ? AND state = 0 AND ready_at <= ? ORDER BY ready_at, rseq LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " RETURNING " + QueueTables.ITEM_COLUMNS + ", payload)"
                + " SELECT claimed.*, EXISTS (SELECT 1 FROM due) AS due_found, opts.* FROM (VALUES (1)) AS one LEFT JOIN claimed ON true"
                + " LEFT JOIN opts ON true";
        // No queue condition: with one, PostgreSQL's generic plan may scan (queue, due_at) over every
        // leased row instead of the primary key (measured: 5 ms a delete at 3,000 leased). A token is
        // set only while its row is leased in the queue that leased it, which core checked is this one.
        this.completeSql = "DELETE FROM " + t + " WHERE id = ? AND token = ? AND state = 2 AND due_at > ?";
    }

    /** Whether this database runs them (PostgreSQL: UPDATE … RETURNING, exact batch counts). */
    static boolean supported(Dialect d) {
        return d instanceof PostgresDialect;
    }

    /** Where {@link #claimSql}'s options begin: after the item columns, the payload and {@code due_found}. */
    private static final int CLAIM_OPTIONS = 23;

    /** Leases up to {@code max} items in FIFO order; null when something is due (the general path processes it first). */
    List<Lease> claim(String holder, int max) {
        return store.autoCommit("leasing from queue " + queue.name, c -> {
            long now = store.now();
            List<QueueRow> rows = new ArrayList<>(Math.min(max, 64));
            try (PreparedStatement ps = c.prepareStatement(claimSql)) {
                ps.setString(1, queue.name);
                ps.setString(2, queue.name);
                ps.setLong(3, now);
                ps.setString(4, store.token() + ".");
                ps.setLong(5, now);
                ps.setString(6, holder);
                ps.setLong(7, now);
                ps.setString(8, queue.name);
                ps.setLong(9, now);
                ps.setInt(10, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rows.isEmpty()) {
                            // Not declared (dropped): nothing to claim, and the defaults, as everywhere.
                            queue.seen = rs.getObject(CLAIM_OPTIONS) == null ? dev.depot.QueueOptions.defaults()
                                    : SqlQueueStore.options(rs, CLAIM_OPTIONS);
                        }
                        if (rs.getObject(1) == null) {
                            return rs.getBoolean("due_found") ? null : List.of();
                        }
                        rows.add(QueueRow.read(rs, true));
                    }
                }
            }
            rows.sort(Comparator.comparingLong((QueueRow r) -> r.readyAt).thenComparingLong(r -> r.rseq)); // RETURNING keeps no order
            List<Lease> out = new ArrayList<>(rows.size());
            for (QueueRow r : rows) {
                out.add(r.lease());
            }
            return out;
        });
    }

    /** Completes each current lease (of a queue without a dead-letter queue: no due work shows in the result). */
    BatchResult complete(List<Lease> leases) {
        return store.autoCommit("completing items of queue " + queue.name, c -> {
            long now = store.now();
            long[] ids = new long[leases.size()];
            List<Integer> byId = new ArrayList<>(leases.size()); // indexes into leases, in id order
            for (int i = 0; i < leases.size(); i++) {
                Long id = SqlQueue.parseId(leases.get(i).id());
                if (id != null) {
                    ids[i] = id;
                    byId.add(i);
                }
            }
            byId.sort(Comparator.comparingLong(i -> ids[i]));
            boolean[] done = new boolean[leases.size()];
            if (!byId.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(completeSql)) {
                    for (int i : byId) {
                        Lease l = leases.get(i);
                        ps.setLong(1, ids[i]);
                        ps.setString(2, l.token());
                        ps.setLong(3, now);
                        ps.addBatch();
                    }
                    int[] counts = ps.executeBatch();
                    for (int k = 0; k < counts.length; k++) {
                        done[byId.get(k)] = counts[k] == 1;
                    }
                }
            }
            List<Lease> applied = new ArrayList<>(leases.size());
            List<Lease> stale = new ArrayList<>(0);
            for (int i = 0; i < leases.size(); i++) {
                (done[i] ? applied : stale).add(leases.get(i));
            }
            return new BatchResult(applied, stale);
        });
    }
}
