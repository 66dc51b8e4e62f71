package dev.depot;

import java.util.List;

/**
 * How Depot reaches a query's rows, from {@link Query#explain()}: the same description on every
 * backend, because it comes from Depot's own plan. The memory backend executes exactly this plan;
 * SQL backends hand the database conditions that these index ranges serve (an OR becomes an OR of
 * index-usable comparisons), and the database's own planner has the last word.
 *
 * @param ranges the index ranges read, in index order per index; an OR across indexes reads the
 *     ranges of each branch and drops duplicate rows
 * @param scans whether every row of the collection is read: nothing in the conditions narrows the
 *     read (no condition, only {@code isNotNull()}, or an OR with a branch no index narrows)
 * @param order where the result order comes from
 */
public record Explanation(List<Range> ranges, boolean scans, OrderSource order) {
    public Explanation {
        ranges = List.copyOf(ranges);
    }

    /**
     * A range of one index's values, in interval notation where null sorts below every value:
     * {@code [10, 10]} is one value, {@code (null, 5)} every non-null value below 5, {@code [a, +∞)}
     * from {@code a} up, {@code [null, null]} the nulls.
     *
     * @param index the index name
     * @param interval the range
     */
    public record Range(String index, String interval) {
        @Override
        public String toString() {
            return index + " " + interval;
        }
    }

    /** Where the result order comes from. */
    public enum OrderSource {
        /** The collection's keys are walked in order (a scan). */
        KEYS,
        /** The index ranges are walked in the query's order (also: one value of an index, whose rows are in key order). */
        INDEX,
        /** The rows of the ranges are collected and sorted in the query's order. */
        SORT
    }
}
