package dev.depot;

import java.util.List;
import java.util.Optional;

/**
 * One page of query results.
 *
 * @param items the values, in query order; an unmodifiable list
 * @param nextCursor an opaque cursor for {@link Query#after(String)} that continues after the last
 *     item, or {@code null} when there is nothing more
 */
public record Page<V>(List<V> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }

    /** The cursor of the next page, empty on the last page. */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }

    public boolean hasMore() {
        return nextCursor != null;
    }
}
