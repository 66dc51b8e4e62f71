package dev.depot.jdbc;

import dev.depot.BackendUnavailableException;
import dev.depot.ConflictException;
import dev.depot.DepotException;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

/**
 * Turns driver exceptions into the contract's exceptions. Messages say what was being done, on which
 * database (the redacted URL) and the SQLSTATE; they never carry credentials or stored values.
 * Unique violations are not passed through with their cause, because drivers quote the values.
 */
final class SqlFailures {
    private final Dialect dialect;
    private final String where;
    private final Runnable onUnavailable;
    private final BooleanSupplier closed;

    /**
     * @param onUnavailable run when the database was found unreachable: the pool
     *     drops its idle connections, which died with the one that failed, so the next call gets a fresh one
     * @param closed whether the depot was closed: a call cut off by the close is the caller's misuse,
     *     reported as {@link IllegalStateException}, not an outage
     */
    SqlFailures(Dialect dialect, String redactedUrl, Runnable onUnavailable, BooleanSupplier closed) {
        this.dialect = dialect;
        this.where = redactedUrl;
        this.onUnavailable = onUnavailable;
        this.closed = closed;
    }

    SqlFailures(Dialect dialect, String redactedUrl, Runnable onUnavailable) {
        this(dialect, redactedUrl, onUnavailable, () -> false);
    }

    RuntimeException map(SQLException e, String what) {
        if (closed.getAsBoolean()) {
            return new IllegalStateException("the depot is closed (" + where + "); " + what + " did not complete", e);
        }
        if (e instanceof Connections.PoolExhausted x) {
            return new BackendUnavailableException("all " + x.size + " connections of the pool stayed in use for "
                    + x.timeoutMillis + " ms while " + what + " (" + where + "): they are held by open transactions, blob"
                    + " streams not read to the end or closed, more concurrent calls than connections, or calls waiting for"
                    + " the database; end those sooner, or raise the poolSize or poolTimeout parameters", e);
        }
        if (dev.depot.spi.Interrupts.causedBy(e)) {
            // The caller's own interrupt (a pool wait, or a virtual thread's socket closed by it): not an
            // outage, so the pool keeps its idle connections; the broken one, if any, the pool evicts.
            return dev.depot.spi.Interrupts.interrupted(what + " (" + where + ")", e);
        }
        String found = Dialect.sqlState(e);
        String state = found == null ? "none" : found;
        Dialect.Failure failure = dialect.classify(e);
        if (failure == Dialect.Failure.UNAVAILABLE || failure == Dialect.Failure.FULL) {
            // FULL too: H2 closes its database when its file cannot be written, and every idle connection with it.
            onUnavailable.run(); // a timed-out connection alone is evicted, by the pool (see Pools)
        }
        return switch (failure) {
            case UNAVAILABLE -> new BackendUnavailableException(
                    dialect.name() + " is unavailable while " + what + " (" + where + ", SQLSTATE " + state + ")", e);
            case TIMEOUT -> new BackendUnavailableException(
                    dialect.name() + " did not answer in time while " + what + " (" + where + ", SQLSTATE " + state
                            + "; see the statementTimeout and socketTimeout parameters)", e);
            case FULL -> dev.depot.spi.StorageFull.exception(what + " (" + where + ", " + dialect.name() + ", SQLSTATE " + state + ")", e);
            case CONFLICT -> new ConflictException(
                    what + ": a concurrent transaction committed a conflicting write first; retry the transaction");
            case UNIQUE -> new ConflictException(
                    what + ": a concurrent transaction took a unique value or key first; retry the transaction");
            case OTHER -> new DepotException(dialect.name() + " failed while " + what + " (SQLSTATE " + state
                    + ", error " + e.getErrorCode() + ")", e);
        };
    }
}
