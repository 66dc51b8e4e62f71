package dev.depot.spi;

import dev.depot.Explanation.OrderSource;
import java.util.ArrayList;
import java.util.List;

/**
 * How a query reaches its rows through the declared indexes: Depot's one plan, which the memory
 * backend executes and every backend reports through {@code Query.explain()}. A row read is tested
 * against the plan's filters; the ranges bound what is read. The ranges of one index are the exact
 * values its conditions allow, so a backend may leave out of that test the top-level conditions on
 * {@code exactIndex} alone for rows it read through that index's entries in these ranges (value
 * confirmed) — see {@link #exactIndex}.
 *
 * <ul>
 *   <li>{@link OrderSource#INDEX}: walk {@code ranges} (sorted, disjoint, all on one index) in
 *       order; the rows come in the query's order. A key-ordered query walks one value of one index,
 *       whose entries are in key order.
 *   <li>{@link OrderSource#SORT}: read every row of {@code ranges} (possibly on several indexes: the
 *       union of an OR's ranges), drop duplicates, sort in the query's order.
 *   <li>{@link OrderSource#KEYS}: walk the keys in order; {@code ranges} is empty.
 * </ul>
 *
 * @param ranges the index ranges read
 * @param scans whether the plan reads every row of the collection (a walk of all keys, or of all
 *     of an index because nothing narrows it)
 * @param order where the result order comes from
 * @param exactIndex the index whose top-level conditions {@code ranges} hold exactly (they are the
 *     intersection of those conditions' values), or -1 when the ranges are an OR's union or a walk
 *     of keys
 */
public record AccessPath(List<IndexRange> ranges, boolean scans, OrderSource order, int exactIndex) {
    /** Rank of a range set too wide to be worth reading instead of walking the order. */
    private static final int UNUSABLE = 5;

    public AccessPath {
        ranges = List.copyOf(ranges);
    }

    /** A path whose ranges hold no condition exactly. */
    public AccessPath(List<IndexRange> ranges, boolean scans, OrderSource order) {
        this(ranges, scans, order, -1);
    }

    /**
     * The plan's top-level filters a row read through {@link #exactIndex}'s ranges must still be
     * tested against: all of them, unless more than {@value #TRUSTED_TESTS} test that index alone —
     * then those are left out. A handful of conditions cost little to test again, and that test is
     * a guard against any inexact range; a thousand {@code not(eq)} on one index cost a thousand
     * comparisons a row (memory took 5 s to count 26,666 of 40,000 rows under 14,000 of them).
     */
    public List<Filter> residual(List<Filter> filters) {
        if (exactIndex < 0) {
            return filters;
        }
        List<Filter> rest = new ArrayList<>(filters.size());
        for (Filter f : filters) {
            if (indexOf(f) != exactIndex) {
                rest.add(f);
            }
        }
        return filters.size() - rest.size() > TRUSTED_TESTS ? rest : filters;
    }

    /** Past this many conditions on the walked index, its ranges are trusted instead of re-testing each row. */
    static final int TRUSTED_TESTS = 16;

    /**
     * The plan for {@code plan}. Ordered by an index that a condition narrows: walk that index's
     * ranges. Otherwise the narrowest ranges any condition allows (for an OR across indexes, the
     * union of each branch's narrowest ranges), sorted; a single value of one index in key order
     * needs no sort. Nothing narrows: a walk of the order, which scans.
     */
    public static AccessPath of(CollectionSpec spec, QueryPlan plan) {
        int n = spec.indexes().size();
        List<List<List<IndexRange>>> tests = new ArrayList<>(n);
        boolean[] narrowed = new boolean[n];
        for (int i = 0; i < n; i++) {
            tests.add(new ArrayList<>());
        }
        List<Filter.AnyOf> mixed = new ArrayList<>();
        for (Filter f : plan.filters()) {
            int i = indexOf(f);
            if (i >= 0) {
                tests.get(i).add(exact(spec, f, i));
                narrowed[i] = true;
            } else if (f instanceof Filter.AnyOf any) {
                mixed.add(any);
            }
        }
        List<List<IndexRange>> perIndex = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            perIndex.add(sets(spec, i).intersectAll(tests.get(i)));
        }
        int order = plan.orderIndex();
        if (order != QueryPlan.KEY_ORDER && narrowed[order] && rank(perIndex.get(order)) < UNUSABLE) {
            return new AccessPath(perIndex.get(order), false, OrderSource.INDEX, order);
        }
        // The narrowest candidate: one index's ranges, or the union of an OR's branches.
        List<IndexRange> best = null;
        int bestRank = UNUSABLE;
        int bestExact = -1;
        for (int i = 0; i < n; i++) {
            int r = narrowed[i] ? rank(perIndex.get(i)) : UNUSABLE;
            if (r < bestRank) {
                best = perIndex.get(i);
                bestRank = r;
                bestExact = i;
            }
        }
        for (Filter.AnyOf any : mixed) {
            // Branches on one index merge into one sorted, disjoint set, so no row is read twice there.
            List<List<List<IndexRange>>> byIndex = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byIndex.add(new ArrayList<>());
            }
            int r = 0;
            for (Filter branch : any.filters()) {
                List<IndexRange> b = narrowest(spec, branch);
                r = Math.max(r, b == null ? UNUSABLE : rank(b));
                if (r >= bestRank) {
                    break; // this OR cannot beat the best plan so far
                }
                if (!b.isEmpty()) {
                    byIndex.get(b.get(0).index()).add(b);
                }
            }
            if (r < bestRank) {
                List<IndexRange> union = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    union.addAll(sets(spec, i).unionAll(byIndex.get(i)));
                }
                best = union;
                bestRank = r;
                bestExact = -1;
            }
        }
        if (best != null) {
            boolean inKeyOrder = order == QueryPlan.KEY_ORDER && best.size() == 1 && best.get(0).isPoint();
            return new AccessPath(best, false, inKeyOrder ? OrderSource.INDEX : OrderSource.SORT, bestExact);
        }
        return order == QueryPlan.KEY_ORDER
                ? new AccessPath(List.of(), true, OrderSource.KEYS)
                : new AccessPath(perIndex.get(order), true, OrderSource.INDEX, order);
    }

    private static RangeSets sets(CollectionSpec spec, int index) {
        return new RangeSets(spec.index(index).type(), index);
    }

    /** The one index a filter tests, or -1 if it tests several. */
    private static int indexOf(Filter f) {
        return switch (f) {
            case Predicate p -> p.index();
            case Filter.AnyOf a -> common(a.filters());
            case Filter.AllOf a -> common(a.filters());
        };
    }

    private static int common(List<Filter> filters) {
        int index = indexOf(filters.get(0));
        for (Filter f : filters) {
            if (indexOf(f) != index) {
                return -1;
            }
        }
        return index;
    }

    /** The exact ranges of a filter on one index ({@link #indexOf} is {@code index}). */
    private static List<IndexRange> exact(CollectionSpec spec, Filter f, int index) {
        RangeSets sets = sets(spec, index);
        return switch (f) {
            case Predicate p -> sets.of(p);
            case Filter.AnyOf a -> sets.unionAll(exactEach(spec, a.filters(), index));
            case Filter.AllOf a -> sets.intersectAll(exactEach(spec, a.filters(), index));
        };
    }

    private static List<List<IndexRange>> exactEach(CollectionSpec spec, List<Filter> filters, int index) {
        List<List<IndexRange>> out = new ArrayList<>(filters.size());
        for (Filter x : filters) {
            out.add(exact(spec, x, index));
        }
        return out;
    }

    /** The narrowest ranges that hold every row matching one OR branch, or null if none narrow it. */
    private static List<IndexRange> narrowest(CollectionSpec spec, Filter branch) {
        int i = indexOf(branch);
        if (i >= 0) {
            List<IndexRange> r = exact(spec, branch, i);
            return rank(r) < UNUSABLE ? r : null;
        }
        if (!(branch instanceof Filter.AllOf all)) {
            return null; // an OR inside an OR was flattened; a mixed OR cannot narrow alone
        }
        List<IndexRange> best = null;
        int bestRank = UNUSABLE;
        for (Filter f : all.filters()) {
            List<IndexRange> r = narrowest(spec, f);
            if (r != null && (best == null || rank(r) < bestRank)) {
                best = r;
                bestRank = rank(r);
            }
        }
        return best;
    }

    /**
     * How narrow a range set is, lower is narrower: nothing, single values, bounded ranges,
     * half-open ranges, ranges holding nulls; all non-null values (or everything) is {@link #UNUSABLE}.
     */
    private static int rank(List<IndexRange> ranges) {
        int worst = 0;
        for (IndexRange r : ranges) {
            int k;
            if (r.isPoint()) {
                k = 1;
            } else if (r.low() == null && (r.lowInclusive() || r.unboundedAbove())) {
                k = r.unboundedAbove() ? UNUSABLE : 4;
            } else if (r.low() != null && !r.unboundedAbove()) {
                k = 2;
            } else {
                k = 3;
            }
            worst = Math.max(worst, k);
        }
        return worst;
    }
}
