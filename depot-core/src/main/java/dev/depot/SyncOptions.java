package dev.depot;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link Blobs#sync(Blobs, Blobs, SyncOptions)} runs. Immutable.
 *
 * @param prefix only blobs whose path starts with this (empty: all)
 * @param deleteExtraneous also delete target blobs under the prefix that the source lacks, and a target
 *     directory (with all under it) where the source has a blob
 * @param dryRun decide and report, change nothing
 * @param progress called on the syncing thread after each blob is decided (copied, skipped, deleted or
 *     failed); must not throw
 */
public record SyncOptions(String prefix, boolean deleteExtraneous, boolean dryRun, Consumer<SyncProgress> progress) {
    public SyncOptions {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(progress, "progress");
    }

    /** Everything, copy only, for real, no progress reports. */
    public static SyncOptions defaults() {
        return new SyncOptions("", false, false, p -> {});
    }

    public SyncOptions withPrefix(String newPrefix) {
        return new SyncOptions(newPrefix, deleteExtraneous, dryRun, progress);
    }

    public SyncOptions deletingExtraneous() {
        return new SyncOptions(prefix, true, dryRun, progress);
    }

    public SyncOptions asDryRun() {
        return new SyncOptions(prefix, deleteExtraneous, true, progress);
    }

    public SyncOptions onProgress(Consumer<SyncProgress> listener) {
        return new SyncOptions(prefix, deleteExtraneous, dryRun, listener);
    }

    /**
     * One step of a sync, for a progress bar.
     *
     * @param path the blob just decided
     * @param action what was done with it (or would be, in a dry run)
     * @param blobsSeen source and extraneous target blobs decided so far
     * @param bytesCopied bytes copied so far (a dry run counts what it would copy)
     */
    public record SyncProgress(String path, SyncReport.Action action, long blobsSeen, long bytesCopied) {}
}
