package dev.depot;

/** Thrown when the record (or blob, queue item) that an operation required does not exist. */
public class NotFoundException extends DepotException {
    public NotFoundException(String message) {
        super(message);
    }
}
