package dev.depot.jdbc;

import dev.depot.Condition;
import dev.depot.spi.CodePoints;
import dev.depot.spi.Filter;
import dev.depot.spi.IndexType;
import dev.depot.spi.Predicate;
import dev.depot.spi.QueryPlan;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Translates a {@link QueryPlan} into SQL that returns exactly the order the plan demands: NULLs
 * first ascending and last descending (written out where a database's default differs), ties by key
 * ascending in both directions, keyset bounds as plain comparisons (no row values, NULL handled
 * explicitly), and {@code startsWith} as a range on the code point order, never LIKE. Statement
 * texts are cached per plan shape; only the parameters change between calls.
 */
final class QuerySql {
    /** An OR or AND of more parts than this is written in nested halves (see {@code Builder#joined}). */
    static final int FLAT_PARTS = 64;
    private final Table table;
    private static final AtomicLong FRESH = new AtomicLong();
    private final ConcurrentHashMap<String, String> texts = new ConcurrentHashMap<>();

    QuerySql(Table table) {
        this.table = table;
    }

    /** A statement text with its parameters, ready to bind. */
    record Sql(String text, List<Object> params, List<IndexType> types) {
        /** Binds in order; a null type marks a key, {@link #NUMBER} a LIMIT/OFFSET count. */
        void bind(Table t, PreparedStatement ps) throws SQLException {
            for (int i = 0; i < params.size(); i++) {
                IndexType type = types.get(i);
                Object v = params.get(i);
                if (v instanceof Counted n) {
                    ps.setLong(i + 1, n.value());
                } else if (type == null) {
                    t.dialect.bindKey(ps, i + 1, t.spec.keyType(), v);
                } else {
                    t.dialect.bindValue(ps, i + 1, type, v);
                }
            }
        }
    }

    /** A LIMIT or OFFSET value. */
    record Counted(long value) {}

    /**
     * The rows of the plan with {@code offset} and {@code limit} applied in SQL. With {@code
     * withOrderValue} the order index value is selected after the document's columns (for merging own writes).
     */
    Sql select(QueryPlan plan, long offset, long limit, boolean withOrderValue) {
        Builder b = new Builder(plan);
        String shape = b.shape() + "|" + withOrderValue;
        String text = texts.computeIfAbsent(shape, s -> {
            String orderCol = plan.orderIndex() == QueryPlan.KEY_ORDER ? null : table.columns.get(plan.orderIndex());
            StringBuilder sql = new StringBuilder(orderCol == null ? "" : table.dialect.sortedSelectPrefix()).append("SELECT k, ver, ").append(table.docs.columns());
            if (withOrderValue && orderCol != null) {
                sql.append(", ").append(orderCol);
            }
            sql.append(" FROM ").append(table.name).append(b.where(true));
            sql.append(" ORDER BY ");
            if (orderCol == null) {
                sql.append("k");
            } else {
                Dialect d = table.dialect;
                sql.append(plan.descending() ? d.descending(orderCol) : d.ascending(orderCol)).append(", k");
            }
            return sql.append(" LIMIT ? OFFSET ?").toString();
        });
        b.params.add(new Counted(limit));
        b.types.add(null);
        b.params.add(new Counted(offset));
        b.types.add(null);
        return new Sql(fresh(text, b), b.params, b.types);
    }

    /** Count of rows matching the predicates. */
    Sql count(QueryPlan plan) {
        Builder b = new Builder(plan);
        String text = texts.computeIfAbsent("count|" + b.predicateShape(),
                s -> "SELECT COUNT(*) FROM " + table.name + b.where(false));
        // where(false) adds no bound parameters, but the builder collected them; keep only predicates.
        return new Sql(fresh(text, b), b.params.subList(0, b.predicateParams), b.types.subList(0, b.predicateParams));
    }

    /** The text, made one the database has not cached when its cached plans of IN-lists are wrong (H2, see H2Dialect). */
    private String fresh(String text, Builder b) {
        return table.dialect.reparsesInLists() && b.mayUseInList() ? text + " /* " + FRESH.incrementAndGet() + " */" : text;
    }

    /** Collects parameters in order and describes the statement's shape for the cache. */
    private final class Builder {
        final QueryPlan plan;
        final List<Object> params = new ArrayList<>();
        final List<IndexType> types = new ArrayList<>();
        final List<String> clauses = new ArrayList<>();
        int predicateParams;
        String boundClause;

        Builder(QueryPlan plan) {
            this.plan = plan;
            for (Filter f : plan.filters()) {
                clauses.add(filter(f));
            }
            predicateParams = params.size();
            if (plan.after() != null) {
                boundClause = bound(plan.after());
            }
        }

        /** Whether a condition is an IN or an OR, which a database may run as an IN-list lookup. */
        boolean mayUseInList() {
            for (Filter f : plan.filters()) {
                if (!(f instanceof Predicate p) || p.operator() == Condition.Operator.IN) {
                    return true;
                }
            }
            return false;
        }

        String predicateShape() {
            return String.join(" AND ", clauses);
        }

        String shape() {
            return predicateShape() + "|" + boundClause + "|" + plan.orderIndex() + "|" + plan.descending();
        }

        String where(boolean withBound) {
            List<String> all = new ArrayList<>(clauses);
            if (withBound && boundClause != null) {
                all.add(boundClause);
            }
            return all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all);
        }

        /**
         * An OR as an OR of plain comparisons on the indexed columns, which the databases serve from
         * their indexes (PostgreSQL bitmap OR, MariaDB index merge, SQLite multi-index OR). Core has
         * removed every NOT, so null handling is the comparisons' own: null matches only IS NULL.
         */
        private String filter(Filter f) {
            return switch (f) {
                case Predicate p -> predicate(p);
                case Filter.AnyOf a -> joined(a.filters(), " OR ");
                case Filter.AllOf a -> joined(a.filters(), " AND ");
            };
        }

        /**
         * The parts joined by {@code op}, parenthesized. Past {@value QuerySql#FLAT_PARTS} parts they are
         * grouped in halves: SQLite parses {@code a OR b OR c …} into a tree as deep as the parts are
         * many and refuses one deeper than 1,000, so a wide OR (or a negated {@code in}) would run in
         * memory and fail there; halves keep it {@code log2} deep. The databases flatten nested ORs
         * and ANDs again when they plan.
         */
        private String joined(List<Filter> parts, String op) {
            if (parts.size() > FLAT_PARTS) {
                int half = parts.size() / 2;
                return "(" + joined(parts.subList(0, half), op) + op + joined(parts.subList(half, parts.size()), op) + ")";
            }
            StringBuilder s = new StringBuilder("(");
            for (int i = 0; i < parts.size(); i++) {
                s.append(i == 0 ? "" : op).append(filter(parts.get(i)));
            }
            return s.append(")").toString();
        }

        private String predicate(Predicate p) {
            String col = table.columns.get(p.index());
            IndexType type = table.spec.index(p.index()).type();
            return switch (p.operator()) {
                case IS_NULL -> col + " IS NULL";
                case IS_NOT_NULL -> col + " IS NOT NULL";
                case EQ -> col + " = " + value(type, p.value());
                case LT -> col + " < " + value(type, p.value());
                case LE -> col + " <= " + value(type, p.value());
                case GT -> col + " > " + value(type, p.value());
                case GE -> col + " >= " + value(type, p.value());
                case BETWEEN -> "(" + col + " >= " + value(type, p.values().get(0)) + " AND " + col + " <= " + value(type, p.values().get(1)) + ")";
                case IN -> {
                    StringBuilder s = new StringBuilder(col).append(" IN (");
                    for (int i = 0; i < p.values().size(); i++) {
                        s.append(i == 0 ? "" : ", ").append(value(type, p.values().get(i)));
                    }
                    yield s.append(")").toString();
                }
                case STARTS_WITH -> {
                    String prefix = (String) p.value();
                    String upper = CodePoints.prefixUpperBound(prefix);
                    String lower = col + " >= " + value(type, prefix);
                    yield upper == null ? lower : "(" + lower + " AND " + col + " < " + value(type, upper) + ")";
                }
            };
        }

        /** Rows strictly after the bound in the plan's order. */
        private String bound(QueryPlan.Bound after) {
            if (plan.orderIndex() == QueryPlan.KEY_ORDER) {
                return "k > " + key(after.key());
            }
            String col = table.columns.get(plan.orderIndex());
            IndexType type = table.spec.index(plan.orderIndex()).type();
            Object v = after.value();
            if (!plan.descending()) {
                return v == null
                        ? "((" + col + " IS NULL AND k > " + key(after.key()) + ") OR " + col + " IS NOT NULL)"
                        : "(" + col + " > " + value(type, v) + " OR (" + col + " = " + value(type, v) + " AND k > " + key(after.key()) + "))";
            }
            return v == null
                    ? "(" + col + " IS NULL AND k > " + key(after.key()) + ")"
                    : "(" + col + " < " + value(type, v) + " OR (" + col + " = " + value(type, v) + " AND k > " + key(after.key())
                            + ") OR " + col + " IS NULL)";
        }

        private String value(IndexType type, Object v) {
            params.add(v);
            types.add(type);
            return "?";
        }

        private String key(Object k) {
            params.add(k);
            types.add(null);
            return "?";
        }
    }
}
