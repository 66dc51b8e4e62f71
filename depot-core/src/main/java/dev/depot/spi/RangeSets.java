package dev.depot.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Sets of {@link IndexRange}s on one index, kept sorted and disjoint: the exact value sets that
 * tests, their ORs and their ANDs on that index allow. Values compare with nulls lowest.
 */
final class RangeSets {
    private final IndexType type;
    private final int index;

    RangeSets(IndexType type, int index) {
        this.type = type;
        this.index = index;
    }

    List<IndexRange> all() {
        return List.of(IndexRange.all(index));
    }

    /** The values a test allows. */
    List<IndexRange> of(Predicate p) {
        List<Object> v = p.values();
        return switch (p.operator()) {
            case EQ -> List.of(point(v.get(0)));
            case IN -> v.stream().map(this::point).toList(); // sorted, distinct: Predicate's contract
            case LT -> nonEmpty(new IndexRange(index, null, false, v.get(0), false));
            case LE -> nonEmpty(new IndexRange(index, null, false, v.get(0), true));
            case GT -> List.of(new IndexRange(index, v.get(0), false, null, false));
            case GE -> List.of(new IndexRange(index, v.get(0), true, null, false));
            case BETWEEN -> nonEmpty(new IndexRange(index, v.get(0), true, v.get(1), true));
            case STARTS_WITH -> {
                String upper = CodePoints.prefixUpperBound((String) v.get(0));
                yield nonEmpty(new IndexRange(index, v.get(0), true, upper, false));
            }
            case IS_NULL -> List.of(new IndexRange(index, null, true, null, true));
            case IS_NOT_NULL -> List.of(new IndexRange(index, null, false, null, false));
        };
    }

    private IndexRange point(Object v) {
        return new IndexRange(index, v, true, v, true);
    }

    private List<IndexRange> nonEmpty(IndexRange r) {
        return isEmpty(r) ? List.of() : List.of(r);
    }

    /** The values either set allows: a merge of the two sorted lists, touching ranges joined. */
    List<IndexRange> union(List<IndexRange> a, List<IndexRange> b) {
        List<IndexRange> out = new ArrayList<>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            IndexRange r = j == b.size() || (i < a.size() && compareLows(a.get(i), b.get(j)) <= 0) ? a.get(i++) : b.get(j++);
            IndexRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && joins(last, r)) {
                out.set(out.size() - 1, compareHighs(last, r) >= 0 ? last
                        : new IndexRange(index, last.low(), last.lowInclusive(), r.high(), r.highInclusive()));
            } else {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The values both sets allow: one sweep over the two sorted lists, each pair that overlaps
     * kept, touching results joined. Linear, so an AND of thousands of negated values (each step's set
     * one range longer) stays fast: a pairwise product and a sort made such a query take seconds.
     */
    List<IndexRange> intersect(List<IndexRange> a, List<IndexRange> b) {
        List<IndexRange> overlaps = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            IndexRange x = a.get(i);
            IndexRange y = b.get(j);
            IndexRange low = compareLows(x, y) >= 0 ? x : y;
            IndexRange high = compareHighs(x, y) <= 0 ? x : y;
            IndexRange r = new IndexRange(index, low.low(), low.lowInclusive(), high.high(), high.highInclusive());
            if (!isEmpty(r)) {
                overlaps.add(r);
            }
            if (high == x) {
                i++;
            } else {
                j++;
            }
        }
        return union(overlaps, List.of());
    }

    /** The union of many sets, merged in halves: linear in their total size times the log of their count. */
    List<IndexRange> unionAll(List<List<IndexRange>> sets) {
        return sets.isEmpty() ? List.of() : fold(sets, 0, sets.size(), true);
    }

    /** The intersection of many sets, in halves; of none, every value. */
    List<IndexRange> intersectAll(List<List<IndexRange>> sets) {
        return sets.isEmpty() ? all() : fold(sets, 0, sets.size(), false);
    }

    private List<IndexRange> fold(List<List<IndexRange>> sets, int from, int to, boolean union) {
        if (to - from == 1) {
            return sets.get(from);
        }
        int mid = (from + to) >>> 1;
        List<IndexRange> left = fold(sets, from, mid, union);
        List<IndexRange> right = fold(sets, mid, to, union);
        return union ? union(left, right) : intersect(left, right);
    }

    /** Whether {@code r}, starting at or after {@code last}'s start, overlaps or touches it. */
    private boolean joins(IndexRange last, IndexRange r) {
        if (last.unboundedAbove()) {
            return true;
        }
        int c = type.compareNullsFirst(r.low(), last.high());
        return c < 0 || (c == 0 && (r.lowInclusive() || last.highInclusive()));
    }

    private boolean isEmpty(IndexRange r) {
        if (r.unboundedAbove()) {
            return false;
        }
        int c = type.compareNullsFirst(r.low(), r.high());
        return c > 0 || (c == 0 && !(r.lowInclusive() && r.highInclusive()));
    }

    private int compareLows(IndexRange a, IndexRange b) {
        int c = type.compareNullsFirst(a.low(), b.low());
        return c != 0 ? c : Boolean.compare(b.lowInclusive(), a.lowInclusive()); // inclusive starts first
    }

    private int compareHighs(IndexRange a, IndexRange b) {
        if (a.unboundedAbove() || b.unboundedAbove()) {
            return Boolean.compare(a.unboundedAbove(), b.unboundedAbove());
        }
        int c = type.compareNullsFirst(a.high(), b.high());
        return c != 0 ? c : Boolean.compare(a.highInclusive(), b.highInclusive()); // inclusive ends last
    }
}
