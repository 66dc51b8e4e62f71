package dev.depot;

import java.util.Objects;

/**
 * What {@link Blobs#list(ListOptions)} returns: entries whose path starts with {@code prefix}, in code
 * point order, after the cursor, at most {@code limit}. Immutable.
 *
 * <pre>{@code
 * ListOptions.prefix("reports/").delimiter("/").after(page.nextCursor()).limit(1000)
 * }</pre>
 *
 * @param prefix a plain string prefix (not necessarily a whole segment); empty for everything
 * @param delimiter {@code null} (a flat listing of every blob under the prefix) or {@code "/"} (blobs
 *     directly under the prefix, and one directory entry {@code "dir/"} for each directory there)
 * @param after the {@code nextCursor} of the previous page, or any entry path: the listing starts
 *     strictly after it; {@code null} to start at the beginning
 * @param limit at most this many entries per page, 1 to 10,000 (default 1,000)
 */
public record ListOptions(String prefix, String delimiter, String after, int limit) {
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 10_000;

    public ListOptions {
        Objects.requireNonNull(prefix, "prefix");
        if (delimiter != null && !delimiter.equals("/")) {
            throw new IllegalArgumentException("delimiter must be \"/\" or null, not \"" + delimiter + "\"");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
    }

    /** Every blob of the bucket, flat, first page. */
    public static ListOptions all() {
        return new ListOptions("", null, null, DEFAULT_LIMIT);
    }

    /** Blobs whose path starts with {@code prefix}, flat, first page. */
    public static ListOptions prefix(String prefix) {
        return new ListOptions(prefix, null, null, DEFAULT_LIMIT);
    }

    /** Fold deeper entries into directory entries at {@code delimiter} (only {@code "/"}). */
    public ListOptions delimiter(String delimiter) {
        return new ListOptions(prefix, delimiter, after, limit);
    }

    /** Start strictly after this cursor (a previous page's {@code nextCursor}); {@code null} to restart. */
    public ListOptions after(String cursor) {
        return new ListOptions(prefix, delimiter, cursor, limit);
    }

    public ListOptions limit(int limit) {
        return new ListOptions(prefix, delimiter, after, limit);
    }
}
