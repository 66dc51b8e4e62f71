package dev.depot.spi;

import java.util.ArrayList;
import java.util.Comparator;
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
            case IN -> v.stream().map(this::point).toList();
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

    List<IndexRange> union(List<IndexRange> a, List<IndexRange> b) {
        List<IndexRange> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(Comparator.comparing((IndexRange r) -> r, this::compareLows));
        List<IndexRange> out = new ArrayList<>();
        for (IndexRange r : all) {
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

    List<IndexRange> intersect(List<IndexRange> a, List<IndexRange> b) {
        List<IndexRange> out = new ArrayList<>();
        for (IndexRange x : a) {
            for (IndexRange y : b) {
                IndexRange low = compareLows(x, y) >= 0 ? x : y;
                IndexRange high = compareHighs(x, y) <= 0 ? x : y;
                IndexRange r = new IndexRange(index, low.low(), low.lowInclusive(), high.high(), high.highInclusive());
                if (!isEmpty(r)) {
                    out.add(r);
                }
            }
        }
        return union(out, List.of()); // sorts
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
