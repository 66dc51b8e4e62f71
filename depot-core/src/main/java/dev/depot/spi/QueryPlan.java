package dev.depot.spi;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A validated query, ready for a backend. All rules (declared fields, coercion, cursor decoding)
 * were applied by core; the backend returns matching records in exactly this order:
 *
 * <ol>
 *   <li>by the order index value ({@code orderIndex >= 0}), nulls first ascending and last
 *       descending, then by key ascending (also when descending);
 *   <li>or, when {@code orderIndex == KEY_ORDER}, by key ascending.
 * </ol>
 *
 * @param filters conditions that must all hold
 * @param orderIndex position of the order index, or {@link #KEY_ORDER}
 * @param descending direction of the order index (ignored for key order)
 * @param after keyset bound: return only records strictly after it in this order; may be null
 * @param offset matches to skip after the bound
 * @param limit most records to return; {@link #NO_LIMIT} for all
 */
public record QueryPlan(
        List<Filter> filters, int orderIndex, boolean descending, Bound after, long offset, int limit) {

    public static final int KEY_ORDER = -1;
    public static final int NO_LIMIT = Integer.MAX_VALUE;

    public QueryPlan {
        filters = List.copyOf(filters);
    }

    /** A keyset position: the order value (null for key order or a null value) and the key. */
    public record Bound(Object value, Object key) {}

    /** Whether a record's index values (by position) satisfy every predicate. */
    public boolean matches(CollectionSpec spec, Object[] indexValues) {
        return allHold(filters, spec, indexValues);
    }

    /** Whether a record's index values satisfy every one of {@code filters} (none: true). */
    public static boolean allHold(List<Filter> filters, CollectionSpec spec, Object[] indexValues) {
        for (Filter f : filters) {
            if (!f.test(spec, indexValues)) {
                return false;
            }
        }
        return true;
    }

    /**
     * This plan's order over rows of any shape: by order value (nulls first ascending, last
     * descending), then key ascending; by key alone for key order. For backends that must order rows
     * themselves, such as a transaction's own writes merged into a result.
     */
    public <T> Comparator<T> order(CollectionSpec spec, Function<T, Object> key,
            Function<T, Object> orderValue) {
        KeyType keys = spec.keyType();
        Comparator<T> byKey = (a, b) -> keys.compare(key.apply(a), key.apply(b));
        if (orderIndex == KEY_ORDER) {
            return byKey;
        }
        IndexType type = spec.index(orderIndex).type();
        Comparator<T> byValue = (a, b) -> type.compareNullsFirst(orderValue.apply(a), orderValue.apply(b));
        return (descending ? byValue.reversed() : byValue).thenComparing(byKey);
    }

    public QueryPlan withLimit(int newLimit) {
        return new QueryPlan(filters, orderIndex, descending, after, offset, newLimit);
    }
}
