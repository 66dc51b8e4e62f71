package dev.depot;

/** Thrown when an insert (or create-only write) found the key already present. */
public class AlreadyExistsException extends DepotException {
    public AlreadyExistsException(String message) {
        super(message);
    }
}
