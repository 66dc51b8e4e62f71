package dev.depot;

/**
 * A transaction's commit failed because the backend became unreachable while it ran: the commit may
 * have been applied or not (the database may have committed just before the connection dropped).
 * Retrying blindly could apply it twice. Once the backend answers again, {@link
 * Depot#commitOutcome}{@code (e.commitId())} says which it was.
 */
public class CommitOutcomeUnknownException extends BackendUnavailableException {
    private final String commitId;

    public CommitOutcomeUnknownException(String commitId, BackendUnavailableException cause) {
        super("the commit of transaction " + commitId + " failed with the backend unreachable; it may or may not have been "
                + "applied; ask depot.commitOutcome(id) before retrying (" + cause.getMessage() + ")", cause);
        this.commitId = commitId;
    }

    /** The failed transaction's {@link Transaction#id()}. */
    public String commitId() {
        return commitId;
    }
}
