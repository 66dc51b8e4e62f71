package dev.depot;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Builds query conditions: {@code Q.field("score").between(50, 100)}.
 *
 * <p>Null operands are rejected here, before any query runs; test for null with {@link
 * Field#isNull()}.
 */
public final class Q {
    private Q() {}

    /** Starts a condition on the declared index {@code name}. */
    public static Field field(String name) {
        return new Field(name);
    }

    /** A field awaiting its operator. */
    public static final class Field {
        private final String name;

        private Field(String name) {
            this.name = Objects.requireNonNull(name, "field name");
        }

        public Condition eq(Object value) {
            return of(Condition.Operator.EQ, value);
        }

        public Condition in(Object... values) {
            return in(Arrays.asList(values));
        }

        public Condition in(Collection<?> values) {
            Objects.requireNonNull(values, "values");
            for (Object v : values) {
                notNull(Condition.Operator.IN, v);
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("in() on field '" + name + "' needs at least one value");
            }
            return new Condition(name, Condition.Operator.IN, List.copyOf(values));
        }

        public Condition lt(Object value) {
            return of(Condition.Operator.LT, value);
        }

        public Condition le(Object value) {
            return of(Condition.Operator.LE, value);
        }

        public Condition gt(Object value) {
            return of(Condition.Operator.GT, value);
        }

        public Condition ge(Object value) {
            return of(Condition.Operator.GE, value);
        }

        /** Inclusive at both ends: {@code low <= field <= high}. */
        public Condition between(Object low, Object high) {
            if (low == null || high == null) {
                throw new IllegalArgumentException("between() on field '" + name + "' needs both bounds, the "
                        + (low == null ? "low" : "high") + " bound is null (for an open range use "
                        + (low == null ? "le()" : "ge()") + ")");
            }
            return new Condition(name, Condition.Operator.BETWEEN, List.of(low, high));
        }

        /** String prefix match, by code points; the index must be a String index. */
        public Condition startsWith(String prefix) {
            return of(Condition.Operator.STARTS_WITH, prefix);
        }

        public Condition isNull() {
            return new Condition(name, Condition.Operator.IS_NULL, List.of());
        }

        public Condition isNotNull() {
            return new Condition(name, Condition.Operator.IS_NOT_NULL, List.of());
        }

        private Condition of(Condition.Operator op, Object value) {
            notNull(op, value);
            return new Condition(name, op, List.of(value));
        }

        private void notNull(Condition.Operator op, Object value) {
            if (value == null) {
                String call = switch (op) {
                    case STARTS_WITH -> "startsWith";
                    default -> op.name().toLowerCase(java.util.Locale.ROOT);
                };
                // Only equality has a null-testing counterpart; a null bound or prefix is simply an error.
                String hint = op == Condition.Operator.EQ || op == Condition.Operator.IN
                        ? ": use isNull() or isNotNull()"
                        : ": a " + (op == Condition.Operator.STARTS_WITH ? "prefix" : "bound") + " must not be null";
                throw new IllegalArgumentException(call + "(null) on field '" + name + "'" + hint);
            }
        }
    }
}
