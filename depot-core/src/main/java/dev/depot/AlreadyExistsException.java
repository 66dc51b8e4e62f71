package dev.depot;

/** Thrown when an insert (or create-only write) found the key already present. */
public class AlreadyExistsException extends DepotException {
    public AlreadyExistsException(String message) {
        super(message);
    }

    /** The record {@code key} (text form) of {@code collection} exists. */
    public AlreadyExistsException(String message, String collection, String key) {
        super(message, null, collection, key);
    }
}
