package dev.depot;

import java.util.Optional;

/**
 * Thrown when a write would give two records the same value of a unique index; nothing was written.
 * {@link #key()} is the key being written, {@link #index()} the unique index.
 */
public class UniqueConstraintException extends DepotException {
    private final String index;

    public UniqueConstraintException(String message) {
        this(message, null, null, null);
    }

    /** The write of {@code key} (text form, null if none) to {@code collection} collides on the unique index {@code index}. */
    public UniqueConstraintException(String message, String collection, String key, String index) {
        super(message, null, collection, key);
        this.index = index;
    }

    /** The name of the unique index whose value is taken, if known. */
    public Optional<String> index() {
        return Optional.ofNullable(index);
    }
}
