package dev.depot;

import java.util.Optional;

/**
 * Root of every exception Depot throws on purpose. Unchecked, so callbacks and lambdas stay clean.
 *
 * <p>Messages name the collection and key involved; they never contain credentials or stored values.
 * An exception about one record also carries them as values, {@link #collection()} and {@link
 * #key()}, the same on every backend, so that code need not parse messages.
 */
public class DepotException extends RuntimeException {
    private final String collection;
    private final String key;

    public DepotException(String message) {
        this(message, null, null, null);
    }

    public DepotException(String message, Throwable cause) {
        this(message, cause, null, null);
    }

    /**
     * An exception about the record {@code key} (in its text form) of {@code collection}; either may be
     * null when not known.
     */
    protected DepotException(String message, Throwable cause, String collection, String key) {
        super(message, cause);
        this.collection = collection;
        this.key = key;
    }

    /** The collection of the record this exception is about, if it is about one. */
    public Optional<String> collection() {
        return Optional.ofNullable(collection);
    }

    /**
     * The key of the record this exception is about, in its text form (as in {@link
     * ChangeEvent#key()}; see {@link KeyCodec#encode}), if it is about one.
     */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
