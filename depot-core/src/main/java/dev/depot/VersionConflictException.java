package dev.depot;

/** Thrown when a write or delete named an expected version that is not the current one. */
public class VersionConflictException extends DepotException {
    public VersionConflictException(String message) {
        super(message);
    }
}
