package dev.depot.spi;

import dev.depot.Condition;
import java.util.Collections;
import java.util.List;

/**
 * A validated test of one index: the index it applies to (by position) and operands already coerced
 * to the index type. For {@code IN} the operands are distinct and sorted in index order.
 */
public record Predicate(int index, Condition.Operator operator, List<Object> values) implements Filter {
    public Predicate {
        values = List.copyOf(values);
    }

    @Override
    public boolean test(CollectionSpec spec, Object[] indexValues) {
        return test(spec.index(index).type(), indexValues[index]);
    }

    public Object value() {
        return values.get(0);
    }

    /** Whether a normalised index value (possibly null) satisfies this predicate. */
    public boolean test(IndexType type, Object v) {
        return switch (operator) {
            case IS_NULL -> v == null;
            case IS_NOT_NULL -> v != null;
            default -> v != null && testNonNull(type, v);
        };
    }

    private boolean testNonNull(IndexType type, Object v) {
        return switch (operator) {
            case EQ -> type.compare(v, value()) == 0;
            case IN -> Collections.binarySearch(values, v, type::compare) >= 0; // sorted: a row's test is log n, not n
            case LT -> type.compare(v, value()) < 0;
            case LE -> type.compare(v, value()) <= 0;
            case GT -> type.compare(v, value()) > 0;
            case GE -> type.compare(v, value()) >= 0;
            case BETWEEN -> type.compare(v, values.get(0)) >= 0 && type.compare(v, values.get(1)) <= 0;
            case STARTS_WITH -> ((String) v).startsWith((String) value());
            default -> throw new AssertionError(operator);
        };
    }
}
