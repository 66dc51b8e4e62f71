package dev.depot;

/**
 * Thrown when a write or delete named an expected version that is not the current one; nothing was
 * written. {@link #expectedVersion()} is the version the call named, {@link #actualVersion()} the
 * record's version when the call ran (0: the record did not exist).
 */
public class VersionConflictException extends DepotException {
    private final long expectedVersion;
    private final long actualVersion;

    public VersionConflictException(String message) {
        this(message, null, null, 0, 0);
    }

    /** The record {@code key} (text form) of {@code collection} is at {@code actual}, not {@code expected}. */
    public VersionConflictException(String message, String collection, String key, long expected, long actual) {
        super(message, null, collection, key);
        this.expectedVersion = expected;
        this.actualVersion = actual;
    }

    /** The version the write or delete expected. */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The record's version when the write or delete ran; 0 if the record did not exist. */
    public long actualVersion() {
        return actualVersion;
    }
}
