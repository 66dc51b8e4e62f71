package dev.depot;

import java.util.List;

/**
 * What {@link Blobs#sync(Blobs, Blobs, SyncOptions)} did (or, in a dry run, would do).
 *
 * @param copied blobs copied because the target lacked them or held different content
 * @param skipped blobs already equal (same size and etag)
 * @param deleted extraneous target blobs deleted
 * @param bytesCopied content bytes copied
 * @param errors one entry per blob that failed; the others were still synced
 * @param dryRun whether nothing was changed
 */
public record SyncReport(long copied, long skipped, long deleted, long bytesCopied, List<Error> errors, boolean dryRun) {
    public SyncReport {
        errors = List.copyOf(errors);
    }

    /** What sync did with one blob. */
    public enum Action { COPIED, SKIPPED, DELETED, FAILED }

    /**
     * A blob that could not be synced.
     *
     * @param path the blob's path
     * @param message why (the exception's type and message; never content)
     */
    public record Error(String path, String message) {}

    /** True when no blob failed. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
