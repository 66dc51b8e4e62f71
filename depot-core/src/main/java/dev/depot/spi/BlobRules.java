package dev.depot.spi;

import dev.depot.BlobInfo;
import dev.depot.DirectoryNotEmptyException;
import dev.depot.NotFoundException;
import dev.depot.PathConflictException;
import dev.depot.PreconditionFailedException;
import dev.depot.WriteOptions;

/** The decisions and error wording every blob backend shares. Messages name bucket and path, never content. */
public final class BlobRules {
    private BlobRules() {}

    /**
     * Decides a write's precondition against the blob it would replace ({@code null} if none), at
     * publish time; throws {@link PreconditionFailedException} if it does not hold.
     */
    public static void checkPrecondition(String bucket, String path, WriteOptions options, BlobInfo current) {
        if (options.createOnly() && current != null) {
            throw new PreconditionFailedException(where(bucket, path) + ": a blob exists (ifNoneMatch)");
        }
        if (options.replaceOnly() && current == null) {
            throw new PreconditionFailedException(where(bucket, path) + ": no blob exists (ifExists)");
        }
        if (options.expectedEtag() != null) {
            checkIfMatch(bucket, path, options.expectedEtag(), current);
        }
    }

    /**
     * Decides an {@code ifMatch} precondition (of a write, or of a conditional delete) against the blob
     * there now ({@code null} if none): it holds only if that blob has exactly {@code etag}; throws
     * {@link PreconditionFailedException} otherwise. Backends call it under the lock or in the
     * transaction of the change it guards.
     */
    public static void checkIfMatch(String bucket, String path, String etag, BlobInfo current) {
        if (current == null) {
            throw new PreconditionFailedException(where(bucket, path) + ": no blob exists (ifMatch " + etag + ")");
        }
        if (!current.etag().equals(etag)) {
            throw new PreconditionFailedException(where(bucket, path) + ": etag is " + current.etag()
                    + ", not " + etag + " (ifMatch)");
        }
    }

    /** {@code path} is a directory where a blob was expected. */
    public static PathConflictException isADirectory(String bucket, String path) {
        return new PathConflictException(where(bucket, path) + " is a directory, not a blob");
    }

    /** {@code ancestor} (of a path being written or made a directory) is a blob. */
    public static PathConflictException notADirectory(String bucket, String ancestor) {
        return new PathConflictException(where(bucket, ancestor) + " is a blob, not a directory");
    }

    public static DirectoryNotEmptyException notEmpty(String bucket, String path) {
        return new DirectoryNotEmptyException(where(bucket, path) + " is not empty");
    }

    public static NotFoundException noBlob(String bucket, String path) {
        return new NotFoundException(where(bucket, path) + ": no such blob");
    }

    public static NotFoundException noDirectory(String bucket, String path) {
        return new NotFoundException(where(bucket, path) + ": no such directory");
    }

    /** {@code bucket 'b' path 'p'}, the path shortened. */
    public static String where(String bucket, String path) {
        return "bucket '" + bucket + "' path '" + BlobPaths.shorten(path) + "'";
    }
}
