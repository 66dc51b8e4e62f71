package dev.depot;

/**
 * Thrown when a transaction lost a first-committer-wins race: another transaction committed a write
 * to a key this one wrote after this one's snapshot; nothing of it was applied, and retrying it is
 * safe. {@link #collection()} and {@link #key()} name the key when Depot found the race; they are
 * empty when the database itself refused the commit (a serialization failure names no key).
 */
public class ConflictException extends DepotException {
    public ConflictException(String message) {
        super(message);
    }

    /** A race lost on the record {@code key} (text form) of {@code collection}. */
    public ConflictException(String message, String collection, String key) {
        super(message, null, collection, key);
    }
}
