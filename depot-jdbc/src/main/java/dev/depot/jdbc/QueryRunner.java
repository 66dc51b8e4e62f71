package dev.depot.jdbc;

import dev.depot.spi.IndexType;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs queries and counts. Without own writes the database does all the work. With them, the
 * database returns enough rows (offset + limit + number of written keys) from the snapshot; rows of
 * written keys are replaced by their written state, and the merge is sorted in Java with the same
 * order the SQL uses: so a transaction sees its own writes in queries and counts. Without a
 * connection ({@code c} null: the table is newer than the transaction's snapshot, {@link
 * View#unseen}) the database holds nothing for the query and only the own writes answer.
 */
final class QueryRunner {
    private QueryRunner() {}

    /** A row with the value it is ordered by. */
    private record Row(Object key, long version, byte[] document, Object orderValue) implements StoredRecord {}

    static List<StoredRecord> query(Connection c, Table t, QueryPlan plan, TableOverlay own) throws SQLException {
        if (own == null) {
            if (c == null) {
                return new ArrayList<>();
            }
            QuerySql.Sql sql = t.queries.select(plan, plan.offset(), plan.limit(), false);
            List<StoredRecord> out = new ArrayList<>();
            run(c, t, sql, rs -> out.add(StoredRecord.of(Reads.key(rs, t), rs.getLong(2), t.docs.read(rs, 3))));
            return out;
        }
        long fetch = saturatedAdd(saturatedAdd(plan.offset(), plan.limit()), own.size());
        QuerySql.Sql sql = t.queries.select(plan, 0, fetch, true);
        List<Row> merged = new ArrayList<>();
        boolean keyOrder = plan.orderIndex() == QueryPlan.KEY_ORDER;
        IndexType orderType = keyOrder ? null : t.spec.index(plan.orderIndex()).type();
        run(c, t, sql, rs -> {
            Object key = Reads.key(rs, t);
            if (own.pending(key) == null) {
                Object ov = keyOrder ? null : t.dialect.readValue(rs, 3 + t.docs.width(), orderType);
                merged.add(new Row(key, rs.getLong(2), t.docs.read(rs, 3), ov));
            }
        });
        Comparator<Row> order = order(t, plan);
        Row bound = plan.after() == null ? null : new Row(plan.after().key(), 0, null, plan.after().value());
        for (Pending p : own.pendings()) {
            if (p.present() && plan.matches(t.spec, p.values())) {
                Row r = new Row(p.key(), p.version(), p.document(), keyOrder ? null : p.values()[plan.orderIndex()]);
                if (bound == null || order.compare(r, bound) > 0) {
                    merged.add(r);
                }
            }
        }
        merged.sort(order);
        int from = (int) Math.min(plan.offset(), merged.size());
        int to = (int) Math.min(merged.size(), saturatedAdd(from, plan.limit()));
        return new ArrayList<>(merged.subList(from, to));
    }

    static long count(Connection c, Table t, QueryPlan plan, TableOverlay own) throws SQLException {
        QuerySql.Sql sql = t.queries.count(plan);
        long[] n = new long[1];
        run(c, t, sql, rs -> n[0] = rs.getLong(1));
        if (own == null) {
            return n[0];
        }
        long count = n[0];
        for (Pending p : own.pendings()) {
            if (p.base().exists() && plan.matches(t.spec, p.base().values())) {
                count--;
            }
            if (p.present() && plan.matches(t.spec, p.values())) {
                count++;
            }
        }
        return count;
    }

    private static Comparator<Row> order(Table t, QueryPlan plan) {
        return plan.order(t.spec, Row::key, Row::orderValue);
    }

    private static void run(Connection c, Table t, QuerySql.Sql sql, RowConsumer each) throws SQLException {
        if (c == null) {
            return; // no rows: see the class comment
        }
        try (PreparedStatement ps = c.prepareStatement(sql.text())) {
            sql.bind(t, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(rs);
                }
            }
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
