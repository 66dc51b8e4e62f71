package dev.depot;

import java.util.List;
import java.util.Objects;

/**
 * One condition on a declared index, built with {@link Q#field(String)}. Conditions given to one
 * query combine with AND. Values are coerced to the index's type when the condition is added to a
 * query; a value that cannot be coerced is an {@link IllegalArgumentException} at that call.
 *
 * @param field the index name
 * @param operator what to test
 * @param values the operands: one for comparisons, two for {@code BETWEEN}, any number for
 *     {@code IN}, none for the null tests
 */
public record Condition(String field, Operator operator, List<Object> values) {

    /** The operators every backend supports with identical results. */
    public enum Operator {
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

    public Condition {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(operator, "operator");
        values = List.copyOf(values); // rejects null elements: eq(null) is an error, use isNull()
    }
}
