package dev.depot;

/** Thrown when the record (or blob, queue item) that an operation required does not exist. */
public class NotFoundException extends DepotException {
    public NotFoundException(String message) {
        super(message);
    }

    /** The record {@code key} (text form) of {@code collection} does not exist. */
    public NotFoundException(String message, String collection, String key) {
        super(message, null, collection, key);
    }
}
