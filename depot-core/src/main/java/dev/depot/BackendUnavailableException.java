package dev.depot;

/**
 * The backend could not be reached, dropped the connection mid-call, or had no disk space left for
 * a write (the message then says "the disk is full"). The cause is the driver's
 * exception. Whether a failed write took effect is unknown: a call inside a transaction callback took
 * none (the transaction is rolled back), but a commit, or an auto-commit write, may have been applied
 * just before the connection dropped. A failed commit throws the subclass {@link
 * CommitOutcomeUnknownException}, whose id {@link Depot#commitOutcome} resolves. The depot recovers by
 * itself once the backend answers again.
 */
public class BackendUnavailableException extends DepotException {
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
