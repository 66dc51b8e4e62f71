package dev.depot;

import java.util.List;
import java.util.Objects;

/**
 * A condition on declared indexes, built with {@link Q}: a test of one index ({@link Test}), or
 * conditions combined with {@link Q#or}, {@link Q#and} and {@link Q#not}. Conditions given to one
 * query combine with AND. Values are coerced to the index's type when the condition is added to a
 * query; a value that cannot be coerced, or a field that is not a declared index, is an {@link
 * IllegalArgumentException} at that call.
 *
 * <p>Absent and null index values follow SQL's three-valued logic on every backend: a comparison
 * ({@code eq}, {@code lt}, {@code in}, {@code between}, {@code startsWith}...) never matches a null
 * value, and neither does its negation; only {@code isNull()} matches null, and {@code
 * not(isNull())} is {@code isNotNull()}.
 */
public sealed interface Condition permits Condition.Test, Condition.AnyOf, Condition.AllOf, Condition.Not {

    /** The operators every backend supports with identical results. */
    enum Operator {
        EQ,
        IN,
        LT,
        LE,
        GT,
        GE,
        /** Inclusive at both ends. */
        BETWEEN,
        /** String prefix, compared by code points. */
        STARTS_WITH,
        IS_NULL,
        IS_NOT_NULL
    }

    /**
     * A test of one declared index.
     *
     * @param field the index name
     * @param operator what to test
     * @param values the operands: one for comparisons, two for {@code BETWEEN}, any number for
     *     {@code IN}, none for the null tests
     */
    record Test(String field, Operator operator, List<Object> values) implements Condition {
        public Test {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(operator, "operator");
            values = List.copyOf(values); // rejects null elements: eq(null) is an error, use isNull()
        }
    }

    /**
     * At least one of the conditions holds ({@link Q#or}).
     *
     * @param conditions two or more conditions
     */
    record AnyOf(List<Condition> conditions) implements Condition {
        public AnyOf {
            conditions = List.copyOf(conditions);
        }
    }

    /**
     * All of the conditions hold ({@link Q#and}); useful inside an {@link AnyOf}.
     *
     * @param conditions two or more conditions
     */
    record AllOf(List<Condition> conditions) implements Condition {
        public AllOf {
            conditions = List.copyOf(conditions);
        }
    }

    /**
     * The condition does not hold, under SQL's three-valued logic: a record whose tested index value
     * is null matches neither a comparison nor its negation ({@link Q#not}).
     *
     * @param condition the negated condition
     */
    record Not(Condition condition) implements Condition {
        public Not {
            Objects.requireNonNull(condition, "condition");
        }
    }
}
