package dev.depot.spi;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BucketStats;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The blob primitives a backend implements (see {@link Backend#blobs()}); core builds the whole
 * blobs contract on them. Thread-safe.
 *
 * <p>Core validates every bucket name and path ({@link BlobPaths}) before calling, computes sizes and
 * etags while the bytes stream ({@link ContentHash}), folds listings into directories, clips nothing
 * it can leave to the backend, and words every error ({@link BlobRules}). A backend keeps, per
 * bucket, blobs (content + {@link BlobInfo}) and directories, and guarantees, under whatever lock or
 * transaction it uses:
 *
 * <ul>
 *   <li>a publish, delete, copy or move is atomic, and readers see a blob's old or new content,
 *       never a mix;
 *   <li>a path is never both a blob and a directory: a publish or copy/move target whose path is a
 *       directory, or one of whose ancestors is a blob, fails with {@link BlobRules#isADirectory} /
 *       {@link BlobRules#notADirectory}; writing a blob creates its missing ancestor directories;
 *   <li>preconditions are checked with {@link BlobRules#checkPrecondition} at publish, against the
 *       blob the publish replaces, and a conditional delete's with {@link BlobRules#checkIfMatch},
 *       against the blob it deletes.
 * </ul>
 *
 * <p>The SPI is shaped so that a SQL backend can keep content as numbered chunk rows ({@code bucket,
 * path, upload id, chunk no, bytes}): {@link #begin} opens an upload that appends chunks as they
 * come, {@link BlobUpload#publish} flips the blob's row to the new upload id in one short
 * transaction and deletes the replaced chunks, {@link BlobUpload#abort} (or a sweep at open, for
 * uploads of a crashed process) deletes an unpublished upload's chunks, and {@link #open} streams
 * only the chunks a range touches. Nothing in the SPI needs a whole blob in memory.
 */
public interface BlobStore {

    /** The blob at {@code path}, or empty (also for a directory). */
    Optional<BlobInfo> stat(String bucket, String path);

    /**
     * A stream of at most {@code length} bytes from {@code offset} (both &ge; 0) of the blob at {@code
     * path}: cut at the end of the blob, empty when {@code offset} is at or past it; empty Optional if
     * there is no blob. The stream must keep reading the content it started on even if the blob is
     * replaced or deleted meanwhile.
     */
    Optional<InputStream> open(String bucket, String path, long offset, long length);

    /** Starts a write of the blob at {@code path}; nothing is visible until it publishes. */
    BlobUpload begin(String bucket, String path);

    /**
     * Deletes the blob at {@code path}; false if there is no blob there (directories are left alone).
     * With {@code ifMatch} non-null (a valid etag, checked by core) the blob is deleted only if it has
     * that etag: decided with {@link BlobRules#checkIfMatch} under the same lock or transaction as the
     * delete, so no write published in between is lost. With no blob there it still returns false
     * (core tells a directory from nothing and words the failure).
     */
    boolean delete(String bucket, String path, String ifMatch);

    /**
     * Copies the blob {@code from} to {@code to} (distinct paths), replacing a blob there; the copy's
     * {@code modified} is {@code now}, its {@code created} is the replaced blob's or {@code now}.
     * Empty if {@code from} is no blob.
     */
    Optional<BlobInfo> copy(String bucket, String from, String to, Instant now);

    /**
     * Renames the blob {@code from} to {@code to} (distinct paths) atomically, replacing a blob there;
     * it keeps etag, type, metadata and times. Empty if {@code from} is no blob.
     */
    Optional<BlobInfo> move(String bucket, String from, String to);

    /**
     * Blobs and directories of a bucket in code point order of their keys — a blob's path, a
     * directory's path plus {@code /} — whose key starts with {@code prefix} and comes after {@code
     * start} (or at it, if {@code inclusive}; every key if {@code start} is null); at most {@code
     * limit}. Every directory appears, created by {@link #mkdir} or by a write under it.
     */
    List<BlobEntry> list(String bucket, String prefix, String start, boolean inclusive, int limit);

    /** Creates the directory and its missing parents; nothing if it exists; {@link BlobRules#notADirectory} if a blob is in the way. */
    void mkdir(String bucket, String path);

    /**
     * Removes the directory if empty: false if there is no directory there, {@link
     * BlobRules#notEmpty} if it holds anything.
     */
    boolean rmdir(String bucket, String path);

    /** Deletes every blob and directory of every bucket. */
    void clear();

    /** Blob count and bytes per bucket that holds blobs. */
    Map<String, BucketStats> stats();
}
