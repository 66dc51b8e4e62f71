package dev.depot.spi;

/**
 * One contiguous range of one index's values, in the index order where null sorts below every
 * value. The low end is always given ({@code low == null} with {@code lowInclusive} is the very
 * bottom, nulls included; without it, just above the nulls). The high end is a value, or, when
 * {@code high == null} and not {@code highInclusive}, absent: the range is unbounded above. So
 * {@code isNull()} is {@code [null, null]} and {@code isNotNull()} is {@code (null, +∞)}.
 *
 * @param index the index position
 * @param low the low end's value (null: the null value)
 * @param lowInclusive whether the low end is in the range
 * @param high the high end's value (null: the null value if {@code highInclusive}, else unbounded)
 * @param highInclusive whether the high end is in the range
 */
public record IndexRange(int index, Object low, boolean lowInclusive, Object high, boolean highInclusive) {

    /** The whole index, nulls included. */
    static IndexRange all(int index) {
        return new IndexRange(index, null, true, null, false);
    }

    /** Whether the range has no high end. */
    public boolean unboundedAbove() {
        return high == null && !highInclusive;
    }

    /** Whether the range holds a single non-null value. */
    public boolean isPoint() {
        return low != null && lowInclusive && highInclusive && low.equals(high);
    }

    /** Interval notation with null as the lowest value: {@code [10, 20]}, {@code (null, 5)}, {@code [a, +∞)}. */
    public String interval() {
        return (lowInclusive ? "[" : "(") + text(low) + ", " + (unboundedAbove() ? "+\u221e)" : text(high) + (highInclusive ? "]" : ")"));
    }

    private static String text(Object v) {
        return v instanceof String s ? '"' + s + '"' : String.valueOf(v);
    }
}
