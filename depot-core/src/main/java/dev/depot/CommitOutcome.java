package dev.depot;

/**
 * Whether a transaction's commit was applied, as {@link Depot#commitOutcome} finds out from the
 * change feed after a commit failed with {@link CommitOutcomeUnknownException}.
 *
 * @param status what is known
 * @param firstSequence when {@link Status#COMMITTED}: the sequence of the commit's first retained
 *     change event; otherwise 0
 * @param lastSequence when {@link Status#COMMITTED}: the sequence of its last change event; otherwise 0
 */
public record CommitOutcome(Status status, long firstSequence, long lastSequence) {

    /** What the feed says about a commit id. */
    public enum Status {
        /**
         * The commit was applied: its change events are in the feed, or it had none (queue operations
         * only; then both sequences are 0). Do not apply it again.
         */
        COMMITTED,
        /**
         * The commit was not applied and never will be: no event carries its id, and none it could have
         * had was dropped. Retrying is safe. (A transaction that wrote nothing and did no queue work
         * is reported here too: there was nothing to apply.)
         */
        NOT_COMMITTED,
        /**
         * Cannot tell: no retained event carries the id, but retention or {@link Depot#clear()} has
         * since dropped events it could have had. Check the data itself before retrying.
         */
        UNKNOWN
    }

    public CommitOutcome {
        if (status == null) {
            throw new IllegalArgumentException("status must not be null");
        }
    }

    static CommitOutcome committed(long first, long last) {
        return new CommitOutcome(Status.COMMITTED, first, last);
    }

    static CommitOutcome of(Status status) {
        return new CommitOutcome(status, 0, 0);
    }

    /** True when the commit was applied. */
    public boolean committed() {
        return status == Status.COMMITTED;
    }
}
