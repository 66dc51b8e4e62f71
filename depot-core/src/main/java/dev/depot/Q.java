package dev.depot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Builds query conditions: {@code Q.field("score").between(50, 100)}, or with a typed handle {@code
 * Q.where(SCORE).between(50L, 100L)}; combines them with {@link #or}, {@link #and} and {@link #not}.
 *
 * <p>Null operands are rejected here, before any query runs; test for null with {@link
 * Field#isNull()}.
 */
public final class Q {
    private Q() {}

    /** Starts a condition on the declared index {@code name}. */
    public static Field<Object> field(String name) {
        return new Field<>(name);
    }

    /** Starts a condition on a typed index handle: operands must be of the index's Java type. */
    public static <T> Field<T> where(Index<T> index) {
        return new Field<>(Objects.requireNonNull(index, "index").name());
    }

    /** At least one of {@code conditions} holds; needs two or more. */
    public static Condition or(Condition... conditions) {
        return new Condition.AnyOf(combined("or", conditions));
    }

    /** All of {@code conditions} hold; needs two or more. Useful inside {@link #or}. */
    public static Condition and(Condition... conditions) {
        return new Condition.AllOf(combined("and", conditions));
    }

    /**
     * {@code condition} does not hold. Three-valued, as in SQL: a record whose tested index value is
     * null matches neither a comparison nor its negation; {@code not(isNull())} matches every
     * non-null value.
     */
    public static Condition not(Condition condition) {
        return new Condition.Not(Objects.requireNonNull(condition, "not() needs a condition"));
    }

    private static List<Condition> combined(String call, Condition... conditions) {
        Objects.requireNonNull(conditions, call + "() conditions");
        if (conditions.length < 2) {
            throw new IllegalArgumentException(call + "() needs at least two conditions, got " + conditions.length);
        }
        for (int i = 0; i < conditions.length; i++) {
            if (conditions[i] == null) {
                throw new IllegalArgumentException(call + "(): condition " + (i + 1) + " is null");
            }
        }
        return List.of(conditions);
    }

    /**
     * A field awaiting its operator.
     *
     * @param <T> the type of the operands: the index's Java type from {@link #where(Index)}, any
     *     object (coerced when added to a query) from {@link #field(String)}
     */
    public static final class Field<T> {
        private final String name;

        private Field(String name) {
            this.name = Objects.requireNonNull(name, "field name");
        }

        public Condition eq(T value) {
            return of(Condition.Operator.EQ, value);
        }

        @SafeVarargs
        public final Condition in(T... values) {
            Objects.requireNonNull(values, "values");
            List<T> list = new ArrayList<>(values.length);
            for (T v : values) {
                list.add(v); // element by element: the array itself never escapes (heap pollution)
            }
            return in(list);
        }

        public Condition in(Collection<? extends T> values) {
            Objects.requireNonNull(values, "values");
            for (Object v : values) {
                notNull(Condition.Operator.IN, v);
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("in() on field '" + name + "' needs at least one value");
            }
            return new Condition.Test(name, Condition.Operator.IN, List.<Object>copyOf(values));
        }

        public Condition lt(T value) {
            return of(Condition.Operator.LT, value);
        }

        public Condition le(T value) {
            return of(Condition.Operator.LE, value);
        }

        public Condition gt(T value) {
            return of(Condition.Operator.GT, value);
        }

        public Condition ge(T value) {
            return of(Condition.Operator.GE, value);
        }

        /** Inclusive at both ends: {@code low <= field <= high}. */
        public Condition between(T low, T high) {
            if (low == null || high == null) {
                throw new IllegalArgumentException("between() on field '" + name + "' needs both bounds, the "
                        + (low == null ? "low" : "high") + " bound is null (for an open range use "
                        + (low == null ? "le()" : "ge()") + ")");
            }
            return new Condition.Test(name, Condition.Operator.BETWEEN, List.<Object>of(low, high));
        }

        /** String prefix match, by code points; the index must be a String index. */
        public Condition startsWith(String prefix) {
            return of(Condition.Operator.STARTS_WITH, prefix);
        }

        public Condition isNull() {
            return new Condition.Test(name, Condition.Operator.IS_NULL, List.of());
        }

        public Condition isNotNull() {
            return new Condition.Test(name, Condition.Operator.IS_NOT_NULL, List.of());
        }

        private Condition of(Condition.Operator op, Object value) {
            notNull(op, value);
            return new Condition.Test(name, op, List.<Object>of(value));
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
