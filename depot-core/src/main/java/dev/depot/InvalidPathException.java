package dev.depot;

/**
 * Thrown when a blob path breaks a path rule (see {@link Blobs}); the message names the rule. Nothing
 * was read or written. Depot's own type, not {@link java.nio.file.InvalidPathException}: a blob path
 * is not a file-system path on most backends.
 */
public class InvalidPathException extends DepotException {
    public InvalidPathException(String message) {
        super(message);
    }
}
