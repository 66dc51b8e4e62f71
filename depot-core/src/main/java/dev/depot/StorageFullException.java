package dev.depot;

/**
 * A write found no space left on the store's disk (or the database at its size limit). Like every
 * {@link BackendUnavailableException}, whether the failed write took effect is unknown in general
 * (a transaction's commit fails as {@link CommitOutcomeUnknownException} with this as its cause);
 * every write acknowledged before it stays. Nothing needs reopening: once space is freed the same
 * depot writes again, so retrying later is the remedy.
 */
public class StorageFullException extends BackendUnavailableException {
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
