package dev.depot;

/**
 * Thrown when an operation would make one path both a blob and a directory, or treats one as the
 * other: writing a blob where a directory is (or under a blob, as if it were a directory), reading,
 * deleting, copying or moving a directory as a blob, {@code mkdir}/{@code rmdir} on a blob. Nothing
 * changed.
 */
public class PathConflictException extends DepotException {
    public PathConflictException(String message) {
        super(message);
    }
}
