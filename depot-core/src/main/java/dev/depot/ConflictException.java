package dev.depot;

/** Thrown when a transaction lost a first-committer-wins race: another transaction committed a write to a key this one wrote after this one's snapshot; nothing of it was applied, and retrying it is safe. */
public class ConflictException extends DepotException {
    public ConflictException(String message) {
        super(message);
    }
}
