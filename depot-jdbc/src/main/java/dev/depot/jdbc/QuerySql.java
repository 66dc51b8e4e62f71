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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** An OR or AND of more parts than this is written in nested halves (see {@code Builder#nested}). */
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
            boolean wide = plan.filters().size() + (plan.after() == null ? 0 : 1) > FLAT_PARTS;
            clauses.addAll(conjuncts(plan.filters(), wide));
            predicateParams = params.size();
            if (plan.after() != null) {
                List<String> branches = bound(plan.after());
                boundClause = branches.size() == 1 ? branches.get(0) : wide ? negatedAll(branches) : nested(branches, " OR ");
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
            return all.isEmpty() ? "" : " WHERE " + nested(all, " AND ");
        }

        /**
         * An OR as an OR of plain comparisons on the indexed columns, which the databases serve from
         * their indexes (PostgreSQL bitmap OR, MariaDB index merge, SQLite multi-index OR). Core has
         * removed every NOT, so null handling is the comparisons' own: null matches only IS NULL.
         */
        private String filter(Filter f) {
            return switch (f) {
                case Predicate p -> predicate(p);
                case Filter.AnyOf a -> {
                    List<Object> excluded = excludedValues(a.filters());
                    if (excluded != null) {
                        yield notIn(firstIndex(a), excluded);
                    }
                    String ranges = prefixRanges(a.filters());
                    yield ranges != null ? ranges : joined(a.filters(), " OR ");
                }
                case Filter.AllOf a -> conjunction(a.filters());
            };
        }

        /**
         * The values an OR leaves out, when it is the gaps around them ({@code x < a OR x > a}, or
         * {@code x < a OR (x > a AND x < b) OR x > b}: what core makes of {@code not(eq)} and
         * {@code not(in)}); else null. Written as {@code x <> a} or {@code x NOT IN (a, b)}, equal
         * under three-valued logic (a null is unknown in both, and operands are never null), such an
         * OR is one test instead of an OR the planner weighs: PostgreSQL took 1.5 s to plan an AND of
         * 1,500 of them and 7 ms for the same count written with {@code <>}.
         */
        private static List<Object> excludedValues(List<Filter> parts) {
            if (parts.size() < 2 || !(parts.get(0) instanceof Predicate first) || first.operator() != Condition.Operator.LT
                    || !(parts.get(parts.size() - 1) instanceof Predicate last) || last.operator() != Condition.Operator.GT) {
                return null;
            }
            int index = first.index();
            List<Object> values = new ArrayList<>(parts.size() - 1);
            values.add(first.value());
            for (Filter gap : parts.subList(1, parts.size() - 1)) {
                if (!(gap instanceof Filter.AllOf between) || between.filters().size() != 2
                        || !(between.filters().get(0) instanceof Predicate above) || above.operator() != Condition.Operator.GT
                        || !(between.filters().get(1) instanceof Predicate below) || below.operator() != Condition.Operator.LT
                        || above.index() != index || below.index() != index || !above.value().equals(values.get(values.size() - 1))) {
                    return null;
                }
                values.add(below.value());
            }
            return last.index() == index && last.value().equals(values.get(values.size() - 1)) ? values : null;
        }

        /**
         * Whether an OR is one the dialect writes as a {@link Dialect#inRanges join with ranges}:
         * more than {@value QuerySql#FLAT_PARTS} {@code startsWith} tests of one column.
         */
        private boolean joinsRanges(List<Filter> parts) {
            if (!table.dialect.joinsRanges() || parts.size() <= FLAT_PARTS || !(parts.get(0) instanceof Predicate first)) {
                return false;
            }
            for (Filter f : parts) {
                if (!(f instanceof Predicate p) || p.operator() != Condition.Operator.STARTS_WITH || p.index() != first.index()) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The OR of {@code startsWith} tests as the dialect's join with their ranges, or null (see
         * {@link #joinsRanges}); a prefix with no upper bound (only U+10FFFF) is {@code col >= prefix}
         * beside the join.
         */
        private String prefixRanges(List<Filter> parts) {
            if (!joinsRanges(parts)) {
                return null;
            }
            int index = ((Predicate) parts.get(0)).index();
            IndexType type = table.spec.index(index).type();
            String col = table.columns.get(index);
            List<String> lowers = new ArrayList<>(parts.size());
            List<String> upperBounds = new ArrayList<>(parts.size());
            List<String> unbounded = new ArrayList<>();
            for (Filter f : parts) {
                String prefix = (String) ((Predicate) f).value();
                String upper = CodePoints.prefixUpperBound(prefix);
                if (upper == null) {
                    unbounded.add(prefix);
                } else {
                    lowers.add(value(type, prefix));
                    upperBounds.add(upper);
                }
            }
            List<String> uppers = new ArrayList<>(upperBounds.size());
            for (String upper : upperBounds) {
                uppers.add(value(type, upper));
            }
            List<String> branches = new ArrayList<>();
            if (!lowers.isEmpty()) {
                branches.add(table.dialect.inRanges(table.name, col, lowers, uppers));
            }
            for (String prefix : unbounded) {
                branches.add(col + " >= " + value(type, prefix));
            }
            return nested(branches, " OR ");
        }

        private String notIn(int index, List<Object> excluded) {
            String col = table.columns.get(index);
            IndexType type = table.spec.index(index).type();
            if (excluded.size() == 1) {
                return col + " <> " + value(type, excluded.get(0));
            }
            List<String> marks = new ArrayList<>(excluded.size());
            for (Object v : excluded) {
                marks.add(value(type, v));
            }
            return col + " NOT IN (" + String.join(", ", marks) + ")";
        }

        /**
         * The top-level conditions, each rendered; in a wide AND (more than {@value QuerySql#FLAT_PARTS}
         * parts) an OR is written as the NOT of the AND of its negated parts. SQLite analyses every OR
         * whose branches test one indexed column as a candidate index lookup, and with about a thousand
         * of them under one AND (a negated OR of prefixes, {@code and} of many {@code not(eq)}) it
         * refuses the statement ("Expression tree is too large") however the AND is nested; a NOT it
         * leaves alone. Both forms are equal under SQL's three-valued logic (De Morgan holds there: a
         * null makes both unknown), and one OR among a thousand conjuncts selects too much to be worth
         * an index. PostgreSQL and H2 push the NOTs back down when they plan.
         */
        private List<String> conjuncts(List<Filter> parts, boolean wide) {
            // Values left out of one column by several conjuncts ("and" of many not(eq)) become one
            // NOT IN: MariaDB's range optimizer took 0.5 s over 1,500 "<>" and 33 ms over their NOT IN.
            List<List<Object>> excludedBy = new ArrayList<>(parts.size());
            Map<Integer, Set<Object>> excluded = new HashMap<>();
            for (Filter f : parts) {
                List<Object> values = f instanceof Filter.AnyOf any ? excludedValues(any.filters()) : null;
                excludedBy.add(values);
                if (values != null) {
                    excluded.computeIfAbsent(firstIndex(f), i -> new LinkedHashSet<>()).addAll(values);
                }
            }
            // Conjuncts that keep one string column outside a range (what core makes of not(startsWith))
            // become one join with the gaps between the ranges where the dialect joins ranges.
            List<String[]> outsideBy = new ArrayList<>(parts.size());
            Map<Integer, List<String[]>> outside = new HashMap<>();
            for (int i = 0; i < parts.size(); i++) {
                String[] range = excludedBy.get(i) == null && table.dialect.joinsRanges() ? outsideRange(parts.get(i)) : null;
                outsideBy.add(range);
                if (range != null) {
                    outside.computeIfAbsent(firstIndex(parts.get(i)), k -> new ArrayList<>()).add(range);
                }
            }
            outside.values().removeIf(ranges -> ranges.size() <= FLAT_PARTS);
            List<String> out = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                Filter f = parts.get(i);
                if (outsideBy.get(i) != null && outside.containsKey(firstIndex(f))) {
                    List<String[]> ranges = outside.put(firstIndex(f), List.of());
                    if (!ranges.isEmpty()) { // the first of the column's conjuncts says them all
                        out.add(outsideAll(firstIndex(f), ranges));
                    }
                } else if (excludedBy.get(i) != null) {
                    int index = firstIndex(f);
                    Set<Object> values = excluded.remove(index);
                    if (values != null) { // the first of the column's conjuncts says them all
                        out.add(notIn(index, new ArrayList<>(values)));
                    }
                } else {
                    boolean ranges = f instanceof Filter.AnyOf any && joinsRanges(any.filters());
                    out.add(wide && !ranges && f instanceof Filter.AnyOf any ? negatedAll(rendered(any.filters())) : filter(f));
                }
            }
            return out;
        }

        /**
         * {@code [a, b)} when {@code f} is {@code x < a OR x >= b} on a string column (true for a
         * non-null value outside that range: core's form of {@code not(startsWith)}), else null.
         */
        private String[] outsideRange(Filter f) {
            if (!(f instanceof Filter.AnyOf any) || any.filters().size() != 2
                    || !(any.filters().get(0) instanceof Predicate below) || below.operator() != Condition.Operator.LT
                    || !(any.filters().get(1) instanceof Predicate above) || above.operator() != Condition.Operator.GE
                    || below.index() != above.index() || table.spec.index(below.index()).type() != IndexType.STRING) {
                return null;
            }
            return new String[] {(String) below.value(), (String) above.value()};
        }

        /**
         * The AND of "outside {@code [a, b)}" for every range given, as the values in the gaps between
         * their union: a {@link Dialect#inRanges join} with the bounded gaps (the first from the empty
         * string, the least of all) OR the column at or past the last range's end. The same rows: a
         * null is in no gap and fails the last test, as it fails every conjunct.
         */
        private String outsideAll(int index, List<String[]> ranges) {
            IndexType type = table.spec.index(index).type();
            List<String[]> sorted = new ArrayList<>();
            for (String[] r : ranges) {
                if (type.compare(r[0], r[1]) < 0) { // an empty range excludes nothing
                    sorted.add(r);
                }
            }
            sorted.sort((x, y) -> type.compare(x[0], y[0]));
            List<String[]> gaps = new ArrayList<>();
            String from = "";
            for (String[] r : sorted) {
                if (type.compare(from, r[0]) < 0) {
                    gaps.add(new String[] {from, r[0]});
                }
                if (type.compare(from, r[1]) < 0) {
                    from = r[1];
                }
            }
            String col = table.columns.get(index);
            List<String> lowers = new ArrayList<>(gaps.size());
            for (String[] g : gaps) {
                lowers.add(value(type, g[0]));
            }
            List<String> uppers = new ArrayList<>(gaps.size());
            for (String[] g : gaps) {
                uppers.add(value(type, g[1]));
            }
            String past = col + " >= " + value(type, from);
            return gaps.isEmpty() ? past : "(" + table.dialect.inRanges(table.name, col, lowers, uppers) + " OR " + past + ")";
        }

        /** The index an OR of {@link #excludedValues} gaps, or of an {@link #outsideRange}, tests. */
        private static int firstIndex(Filter f) {
            return ((Predicate) ((Filter.AnyOf) f).filters().get(0)).index();
        }

        private String conjunction(List<Filter> parts) {
            return nested(conjuncts(parts, parts.size() > FLAT_PARTS), " AND ");
        }

        /** {@code NOT (NOT (a) AND NOT (b) …)}: the OR of the rendered branches, opaque to SQLite's OR analysis. */
        private static String negatedAll(List<String> branches) {
            List<String> negated = new ArrayList<>(branches.size());
            for (String b : branches) {
                negated.add("NOT (" + b + ")");
            }
            return "NOT " + nested(negated, " AND ");
        }

        private List<String> rendered(List<Filter> parts) {
            List<String> out = new ArrayList<>(parts.size());
            for (Filter f : parts) {
                out.add(filter(f));
            }
            return out;
        }

        /**
         * The parts joined by {@code op}, parenthesized. Past {@value QuerySql#FLAT_PARTS} parts they are
         * grouped in halves: SQLite parses {@code a OR b OR c …} into a tree as deep as the parts are
         * many and refuses one deeper than 1,000, so a wide OR (or a negated {@code in}) would run in
         * memory and fail there; halves keep it {@code log2} deep. The databases flatten nested ORs
         * and ANDs again when they plan.
         */
        private String joined(List<Filter> parts, String op) {
            return nested(rendered(parts), op);
        }

        /** Rendered parts joined by {@code op}, parenthesized, in nested halves past {@value QuerySql#FLAT_PARTS}. */
        private static String nested(List<String> parts, String op) {
            if (parts.size() > FLAT_PARTS) {
                int half = parts.size() / 2;
                return "(" + nested(parts.subList(0, half), op) + op + nested(parts.subList(half, parts.size()), op) + ")";
            }
            return "(" + String.join(op, parts) + ")";
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

        /** Rows strictly after the bound in the plan's order, as the branches of an OR. */
        private List<String> bound(QueryPlan.Bound after) {
            if (plan.orderIndex() == QueryPlan.KEY_ORDER) {
                return List.of("k > " + key(after.key()));
            }
            String col = table.columns.get(plan.orderIndex());
            IndexType type = table.spec.index(plan.orderIndex()).type();
            Object v = after.value();
            if (!plan.descending()) {
                return v == null
                        ? List.of("(" + col + " IS NULL AND k > " + key(after.key()) + ")", col + " IS NOT NULL")
                        : List.of(col + " > " + value(type, v), "(" + col + " = " + value(type, v) + " AND k > " + key(after.key()) + ")");
            }
            return v == null
                    ? List.of("(" + col + " IS NULL AND k > " + key(after.key()) + ")")
                    : List.of(col + " < " + value(type, v), "(" + col + " = " + value(type, v) + " AND k > " + key(after.key()) + ")",
                            col + " IS NULL");
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
