package dev.depot;

/**
 * Root of every exception Depot throws on purpose. Unchecked, so callbacks and lambdas stay clean.
 *
 * <p>Messages name the collection and key involved; they never contain credentials or stored values.
 */
public class DepotException extends RuntimeException {
    public DepotException(String message) {
        super(message);
    }

    public DepotException(String message, Throwable cause) {
        super(message, cause);
    }
}
