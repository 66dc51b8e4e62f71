package dev.depot;

import java.io.InputStream;
import java.util.Optional;

/**
 * The blobs of one bucket: streamed byte content under {@code /}-separated paths, with a content
 * type, user metadata and an etag. Get one with {@link Depot#blobs(String)}. Thread-safe; every call
 * is atomic on its own. The full contract is in {@code docs/CONTRACT.md}, "Blobs".
 *
 * <p><b>Paths</b> are 1 to 1024 UTF-8 bytes, {@code /}-separated segments of at most 255 bytes, with
 * no empty, {@code .} or {@code ..} segment, no leading or trailing {@code /}, no control character
 * (U+0000 to U+001F, U+007F) and no unpaired surrogate; anything else is an {@link
 * InvalidPathException} naming the rule, before anything is read or written. A path is never both a
 * blob and a directory ({@link PathConflictException}). Directories are created by writing under them
 * or by {@link #mkdir}, and stay until {@link #rmdir} removes them empty.
 *
 * <p><b>Publishing.</b> A written blob becomes visible only when its write completes, atomically:
 * readers see the old content or the new one, never a mix or a prefix. A write that fails or is
 * abandoned leaves nothing. Conditions ({@link WriteOptions#ifNoneMatch()}, {@link
 * WriteOptions#ifExists()}, {@link WriteOptions#ifMatch(String)}) are decided at that moment: of two
 * create-only writers, one wins. {@link #deleteIfMatch} decides its condition the same way.
 *
 * <p><b>Etags</b> are derived from the content alone (size and two CRC-32 checksums, computed by core
 * while the bytes stream), so equal content has the equal etag on every backend, and a change of
 * content changes the etag except with probability about 2<sup>-64</sup>. They are not cryptographic:
 * they detect change, not tampering.
 *
 * <p>Once the depot is closed every call, and every read or write on a stream it returned, throws
 * {@link IllegalStateException}.
 */
public interface Blobs {

    /** The bucket's name. */
    String bucket();

    /**
     * A stream whose content is published at {@code path} on {@link BlobOutputStream#close()}; see
     * there for what {@code close()} does after a failure. Prefer {@link #write(String, WriteOptions,
     * BlobWriter)}.
     */
    BlobOutputStream write(String path, WriteOptions options);

    /** {@link #write(String, WriteOptions)} with default options. */
    default BlobOutputStream write(String path) {
        return write(path, WriteOptions.defaults());
    }

    /**
     * Runs {@code body} on a fresh stream and publishes what it wrote only if it returns normally;
     * if it throws, nothing is published and the exception is rethrown (an {@link java.io.IOException}
     * wrapped in {@link java.io.UncheckedIOException}, but the {@link BackendUnavailableException} it
     * carries when the backend is unreachable thrown as it is). The safe way to stream a blob.
     *
     * @return the published blob
     */
    BlobInfo write(String path, WriteOptions options, BlobWriter body);

    /**
     * Writes {@code bytes} as the blob at {@code path} (copying them). An unreachable backend is a
     * {@link BackendUnavailableException}, whatever the size.
     */
    default BlobInfo put(String path, byte[] bytes) {
        return put(path, bytes, WriteOptions.defaults());
    }

    BlobInfo put(String path, byte[] bytes, WriteOptions options);

    /** The whole content, streamed. {@link NotFoundException} if no blob is there. Close the stream. */
    InputStream read(String path);

    /**
     * {@code length} bytes starting at {@code offset}. A range running past the end is cut at the end;
     * one starting at or past the end is empty (not an error). Negative offset or length: {@link
     * IllegalArgumentException}. {@link NotFoundException} if no blob is there.
     */
    InputStream read(String path, long offset, long length);

    /** The whole content as a new array; {@link NotFoundException} if no blob is there. */
    byte[] get(String path);

    /** What is known about the blob at {@code path}; empty if there is none (a directory is no blob). */
    Optional<BlobInfo> stat(String path);

    /** Whether a blob is at {@code path} (false for a directory). */
    boolean exists(String path);

    /**
     * Deletes the blob at {@code path}; false if there was none. A directory is a {@link
     * PathConflictException} (use {@link #rmdir}).
     */
    boolean delete(String path);

    /**
     * Deletes the blob at {@code path} only if it still has {@code etag} (say the one a {@link #stat}
     * or write returned): decided atomically with the delete, so a blob replaced in between, even by
     * another process, is kept and this throws {@link PreconditionFailedException}, as it does when no
     * blob is there (like {@link WriteOptions#ifMatch}). A directory is a {@link PathConflictException}.
     * An etag that is not 1 to 128 printable ASCII characters is an {@link IllegalArgumentException}
     * (null: {@link NullPointerException}), and nothing is deleted.
     */
    void deleteIfMatch(String path, String etag);

    /**
     * Copies the blob at {@code from} to {@code to}, replacing a blob there. Same content and etag,
     * content type and metadata; {@code modified} is now. {@link NotFoundException} if {@code from} is
     * missing; {@code copy(a, a)} changes nothing.
     */
    BlobInfo copy(String from, String to);

    /**
     * Renames the blob at {@code from} to {@code to} atomically, replacing a blob there; it keeps its
     * etag, content type, metadata and times. {@code move(a, a)} changes nothing. {@link
     * NotFoundException} if {@code from} is missing.
     */
    BlobInfo move(String from, String to);

    /** One page of entries; see {@link ListOptions}. The next page starts after {@code nextCursor}. */
    Page<BlobEntry> list(ListOptions options);

    /** Creates a directory (and its parents); a no-op if it exists. {@link PathConflictException} if a blob is in the way. */
    void mkdir(String path);

    /**
     * Removes an empty directory. {@link DirectoryNotEmptyException} if it holds anything, {@link
     * NotFoundException} if there is no such directory, {@link PathConflictException} on a blob.
     */
    void rmdir(String path);

    /**
     * Makes {@code target} hold what {@code source} holds: copies every source blob (under the
     * prefix) that the target lacks or holds with a different size or etag, with its content type and
     * metadata; optionally deletes target blobs the source lacks ({@link SyncOptions#deletingExtraneous()},
     * which also deletes a target directory, with all under it, where the source has a blob, so one run
     * converges; without it that blob fails, naming the directory). A blob that fails is reported in
     * {@link SyncReport#errors()} and the rest go on. Source and target may be on any two backends.
     * Not a snapshot: blobs changed during the sync may be seen old or new.
     */
    static SyncReport sync(Blobs source, Blobs target, SyncOptions options) {
        return new BlobSync(source, target, options).run();
    }
}
