package dev.depot;

/**
 * Watches what a depot does, for metrics and tracing: set one with {@link
 * DepotOptions#observer(DepotObserver)}; the default, {@link #NONE}, costs nothing (the depot does
 * not even read the clock).
 *
 * <p>Guarantees, on every backend:
 *
 * <ul>
 *   <li>Each callback runs on the thread that made the call, right after the operation finished
 *       (successfully or not), so an implementation sees the caller's context (MDC, trace spans).
 *   <li>It never receives keys, stored values or exception messages (which name keys): only the
 *       collection name, the kind of operation, its outcome and its duration. Collection names come
 *       from the application's schemas, so they are safe as metric tags.
 *   <li>One operation is one backend call: {@code records.get(k)} is one {@link Operation#GET};
 *       {@code exists} is a {@code GET}; a query's {@code page()} is one {@link Operation#QUERY} and
 *       a {@code stream()} one per batch it fetches; a transaction reports each call inside it and
 *       then one {@link Operation#COMMIT}. Change-feed reads are not reported.
 *   <li>An observer must be fast and must not block or throw. If it throws anyway, the exception is
 *       caught and logged once per depot, and the operation's result is unchanged.
 * </ul>
 */
public interface DepotObserver {

    /** Observes nothing; the default. */
    DepotObserver NONE = new DepotObserver() {
        @Override
        public void operationFinished(String collection, Operation operation, Outcome outcome, long durationNanos) {}

        @Override
        public String toString() {
            return "DepotObserver.NONE";
        }
    };

    /**
     * One backend operation finished.
     *
     * @param collection the collection's name, or the empty string for a {@link Operation#COMMIT},
     *     which spans collections
     * @param operation what was done
     * @param outcome how it ended
     * @param durationNanos wall time from the call to its return, in nanoseconds
     */
    void operationFinished(String collection, Operation operation, Outcome outcome, long durationNanos);

    /**
     * {@link Depot#transact(Retry, TransactionWork)} is about to run the callback again after a
     * {@link ConflictException} (the conflict itself was reported as an operation with outcome
     * {@link Outcome#CONFLICT}).
     *
     * @param retry 1 for the first retry, 2 for the second, …
     */
    default void transactionRetried(int retry) {}

    /** The kind of a backend operation; {@link #label()} is its stable lower-camel-case name. */
    enum Operation {
        GET("get"),
        GET_ALL("getAll"),
        /** insert, update or save of one record. */
        WRITE("write"),
        /** saveAll. */
        WRITE_ALL("writeAll"),
        DELETE("delete"),
        QUERY("query"),
        COUNT("count"),
        /** {@code records.clear()} outside a transaction. */
        CLEAR("clear"),
        COMMIT("commit");

        private final String label;

        Operation(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** How an operation ended; {@link #label()} is its stable lower-case, hyphenated name. */
    enum Outcome {
        OK("ok"),
        /** A get found nothing, or an update or delete found no record. */
        NOT_FOUND("not-found"),
        /** An insert found the key taken. */
        ALREADY_EXISTS("already-exists"),
        /** An expected version did not match. */
        VERSION_CONFLICT("version-conflict"),
        /** A unique index value was taken by another key. */
        UNIQUE("unique"),
        /** A transaction lost a first-committer-wins race ({@link ConflictException}). */
        CONFLICT("conflict"),
        /** The backend could not be reached ({@link BackendUnavailableException}). */
        UNAVAILABLE("unavailable"),
        /** Any other exception. */
        ERROR("error");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
