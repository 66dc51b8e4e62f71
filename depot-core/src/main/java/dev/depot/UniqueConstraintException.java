package dev.depot;

/** Thrown when a write would give two records the same value of a unique index; nothing was written. */
public class UniqueConstraintException extends DepotException {
    public UniqueConstraintException(String message) {
        super(message);
    }
}
