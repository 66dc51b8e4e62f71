package dev.depot;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An immutable query over one collection; every builder method returns a new query, so a query can
 * be kept and reused. Conditions and ordering are checked when they are added: a field that is not
 * a declared index, or a value that cannot be coerced to the index type, throws {@link
 * IllegalArgumentException} at that call.
 *
 * <p>Results come in one total order on every backend: by the {@link #orderBy} index (nulls first
 * ascending, last descending; strings by code point; UUIDs by canonical text), ties broken by key
 * ascending; without {@code orderBy}, by key.
 */
public interface Query<V> {

    /**
     * Adds a condition; all conditions must hold. Combine conditions with {@link Q#or}, {@link
     * Q#and} and {@link Q#not}.
     */
    Query<V> where(Condition condition);

    /** Same as {@link #where}: reads better after the first condition. */
    default Query<V> and(Condition condition) {
        return where(condition);
    }

    /** Orders ascending by the declared index {@code field}. */
    default Query<V> orderBy(String field) {
        return orderBy(field, Direction.ASC);
    }

    /** Orders by the declared index {@code field}; replaces any earlier order. */
    Query<V> orderBy(String field, Direction direction);

    /** At most {@code limit} items per page or list; must be positive. */
    Query<V> limit(int limit);

    /**
     * Continues after the item a cursor from {@link Page#nextCursor()} points at. Keyset paging: stable
     * under concurrent inserts and O(log n) to resume. A cursor from a query with another order is an
     * {@link IllegalArgumentException}.
     */
    Query<V> after(String cursor);

    /** Skips the first {@code offset} matches. Costs O(offset): prefer {@link #after(String)}. */
    Query<V> offset(long offset);

    /** One page: up to {@code limit} items (default 100) and the cursor of the next page. */
    Page<V> page();

    /** All matches (up to the limit, when one is set). */
    List<V> list();

    /** The first match in query order. */
    Optional<V> first();

    /** Number of matches of the conditions; ignores limit, offset and cursor. */
    long count();

    /**
     * All matches, fetched lazily in keyset pages. Outside a transaction each page reads its own
     * snapshot; inside one, all pages read the transaction's snapshot. Close the stream when done.
     */
    Stream<V> stream();

    /**
     * How this query reaches its rows: the index ranges read, whether it scans the collection, and
     * where its order comes from. Reads nothing; the same on every backend.
     */
    Explanation explain();
}
