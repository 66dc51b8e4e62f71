package dev.depot;

import dev.depot.Condition.Operator;
import dev.depot.spi.CodePoints;
import dev.depot.spi.Filter;
import dev.depot.spi.IndexType;
import dev.depot.spi.Predicate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a user's {@link Condition} into the {@link Filter} a backend runs: each index test checked
 * against the schema and its values coerced, every NOT pushed down to the tests and replaced by the
 * complementary ranges. Negating a comparison yields comparisons, which never match null, so the
 * result follows SQL's three-valued logic on every backend without any backend handling NOT.
 */
final class ConditionCompiler {
    /** Conditions nest at most this deep ({@code or}, {@code and}, {@code not} each add a level). */
    static final int MAX_DEPTH = 32;
    /**
     * A query's tests carry at most this many operands (and hold at most this many tests), counted
     * after NOT is pushed down (a negated {@code in} of n values becomes n + 1 ranges: 2n operands): below the
     * parameters a statement may bind on every SQL backend (SQLite 32,766, PostgreSQL 65,535), so a
     * query that runs in memory runs everywhere.
     */
    static final int MAX_OPERANDS = 30_000;

    private final Schema<?, ?> schema;

    ConditionCompiler(Schema<?, ?> schema) {
        this.schema = schema;
    }

    /** The top-level conjuncts of {@code condition}: an AND is split so backends see a flat list. */
    List<Filter> conjuncts(Condition condition) {
        java.util.Objects.requireNonNull(condition, "condition");
        checkDepth(condition, 1);
        Filter f = compile(condition, false);
        return f instanceof Filter.AllOf all ? all.filters() : List.of(f);
    }

    /**
     * Refuses a query whose tests, all where-conditions together, carry more than {@link
     * #MAX_OPERANDS} operands or number more than that; names the collection and the limit.
     */
    static void checkSize(String collection, List<Filter> filters) {
        long size = 0;
        for (Filter f : filters) {
            size += size(f);
        }
        if (size > MAX_OPERANDS) {
            throw new IllegalArgumentException(collection + ": a query's conditions hold at most " + MAX_OPERANDS
                    + " operands and tests (a negated in() of n values is n + 1 ranges, 2n operands); this one holds " + size
                    + " (split the query, or use fewer values)");
        }
    }

    private static long size(Filter f) {
        return switch (f) {
            case Predicate p -> Math.max(1, p.values().size());
            case Filter.AnyOf a -> a.filters().stream().mapToLong(ConditionCompiler::size).sum();
            case Filter.AllOf a -> a.filters().stream().mapToLong(ConditionCompiler::size).sum();
        };
    }

    /** Refuses nesting deeper than {@link #MAX_DEPTH}, looking no deeper than that (no stack overflow). */
    private void checkDepth(Condition c, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(schema.name() + ": conditions nest at most " + MAX_DEPTH
                    + " deep (each or, and, not adds a level)");
        }
        switch (c) {
            case Condition.Test t -> { }
            case Condition.Not n -> checkDepth(n.condition(), depth + 1);
            case Condition.AnyOf any -> any.conditions().forEach(x -> checkDepth(x, depth + 1));
            case Condition.AllOf all -> all.conditions().forEach(x -> checkDepth(x, depth + 1));
        }
    }

    private Filter compile(Condition c, boolean negated) {
        return switch (c) {
            case Condition.Test t -> negated ? negate(predicate(t)) : predicate(t);
            case Condition.Not n -> compile(n.condition(), !negated);
            case Condition.AnyOf any -> combine(any.conditions(), negated, !negated);
            case Condition.AllOf all -> combine(all.conditions(), negated, negated);
        };
    }

    /** De Morgan: a negated OR is an AND of negations, and the other way round. */
    private Filter combine(List<Condition> parts, boolean negated, boolean asAny) {
        List<Filter> out = new ArrayList<>(parts.size());
        for (Condition part : parts) {
            out.add(compile(part, negated));
        }
        return asAny ? withPointsMerged(any(out)) : all(out);
    }

    /**
     * An OR whose branches include several {@code eq}/{@code in} tests of one index, with those tests
     * as one {@code in} of their values (sorted, distinct): the same rows under three-valued logic
     * (NOT is gone by now), and a row is tested by one binary search instead of one comparison per
     * branch — an OR of 29,000 {@code eq} took 3.5 s to count 29,000 rows in memory.
     */
    private Filter withPointsMerged(Filter f) {
        if (!(f instanceof Filter.AnyOf any)) {
            return f;
        }
        Map<Integer, TreeSet<Object>> points = new HashMap<>();
        Map<Integer, Integer> tests = new HashMap<>();
        for (Filter part : any.filters()) {
            if (part instanceof Predicate p && (p.operator() == Operator.EQ || p.operator() == Operator.IN)) {
                IndexType type = schema.indexDefinitions().get(p.index()).type();
                points.computeIfAbsent(p.index(), i -> new TreeSet<>(type::compare)).addAll(p.values());
                tests.merge(p.index(), 1, Integer::sum);
            }
        }
        if (tests.values().stream().allMatch(n -> n == 1)) {
            return f;
        }
        List<Filter> out = new ArrayList<>(any.filters().size());
        for (Filter part : any.filters()) {
            if (part instanceof Predicate p && tests.getOrDefault(p.index(), 0) > 1
                    && (p.operator() == Operator.EQ || p.operator() == Operator.IN)) {
                TreeSet<Object> values = points.remove(p.index());
                if (values != null) { // the index's first point test stands for all of them
                    out.add(new Predicate(p.index(), Operator.IN, new ArrayList<>(values)));
                }
            } else {
                out.add(part);
            }
        }
        return out.size() == 1 ? out.get(0) : new Filter.AnyOf(out);
    }

    private static Filter any(List<Filter> parts) {
        List<Filter> flat = new ArrayList<>();
        for (Filter f : parts) {
            if (f instanceof Filter.AnyOf a) {
                flat.addAll(a.filters());
            } else {
                flat.add(f);
            }
        }
        return flat.size() == 1 ? flat.get(0) : new Filter.AnyOf(flat);
    }

    private static Filter all(List<Filter> parts) {
        List<Filter> flat = new ArrayList<>();
        for (Filter f : parts) {
            if (f instanceof Filter.AllOf a) {
                flat.addAll(a.filters());
            } else {
                flat.add(f);
            }
        }
        return flat.size() == 1 ? flat.get(0) : new Filter.AllOf(flat);
    }

    /** The complement of a test among non-null values (or, for the null tests, the other test). */
    private static Filter negate(Predicate p) {
        int i = p.index();
        List<Object> v = p.values();
        return switch (p.operator()) {
            case IS_NULL -> test(i, Operator.IS_NOT_NULL);
            case IS_NOT_NULL -> test(i, Operator.IS_NULL);
            case LT -> test(i, Operator.GE, v.get(0));
            case LE -> test(i, Operator.GT, v.get(0));
            case GT -> test(i, Operator.LE, v.get(0));
            case GE -> test(i, Operator.LT, v.get(0));
            case EQ -> any(List.of(test(i, Operator.LT, v.get(0)), test(i, Operator.GT, v.get(0))));
            case BETWEEN -> any(List.of(test(i, Operator.LT, v.get(0)), test(i, Operator.GT, v.get(1))));
            case IN -> {
                // The gaps between the sorted, distinct values.
                List<Filter> gaps = new ArrayList<>();
                gaps.add(test(i, Operator.LT, v.get(0)));
                for (int k = 1; k < v.size(); k++) {
                    gaps.add(all(List.of(test(i, Operator.GT, v.get(k - 1)), test(i, Operator.LT, v.get(k)))));
                }
                gaps.add(test(i, Operator.GT, v.get(v.size() - 1)));
                yield any(gaps);
            }
            case STARTS_WITH -> {
                String upper = CodePoints.prefixUpperBound((String) v.get(0));
                Filter below = test(i, Operator.LT, v.get(0));
                yield upper == null ? below : any(List.of(below, test(i, Operator.GE, upper)));
            }
        };
    }

    private static Predicate test(int index, Operator op, Object... values) {
        return new Predicate(index, op, List.of(values));
    }

    /** Checks the field and coerces the operands; an error names the collection and the index. */
    private Predicate predicate(Condition.Test c) {
        int index = schema.indexPosition(c.field());
        Schema.IndexDefinition<?> def = schema.indexDefinitions().get(index);
        IndexType type = def.type();
        if (c.operator() == Operator.STARTS_WITH && type != IndexType.STRING) {
            throw new IllegalArgumentException(schema.name() + ": startsWith needs a String index, "
                    + def.describe() + " is not one");
        }
        List<Object> values = new ArrayList<>(c.values().size());
        for (Object v : c.values()) {
            try {
                values.add(type.coerce(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(schema.name() + ": " + def.describe() + ": " + e.getMessage(), e);
            }
        }
        if (c.operator() == Operator.IN) {
            TreeSet<Object> distinct = new TreeSet<>(type::compare);
            distinct.addAll(values);
            values = new ArrayList<>(distinct);
        }
        return new Predicate(index, c.operator(), values);
    }
}
