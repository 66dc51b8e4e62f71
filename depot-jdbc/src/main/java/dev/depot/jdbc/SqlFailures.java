package dev.depot.jdbc;

import dev.depot.BackendUnavailableException;
import dev.depot.ConflictException;
import dev.depot.DepotException;
import java.sql.SQLException;

/**
 * Turns driver exceptions into the contract's exceptions. Messages say what was being done, on which
 * database (the redacted URL) and the SQLSTATE; they never carry credentials or stored values.
 * Unique violations are not passed through with their cause, because drivers quote the values.
 */
final class SqlFailures {
    private final Dialect dialect;
    private final String where;
    private final Runnable onUnavailable;

    /**
     * @param onUnavailable run when the database was found unreachable: the pool drops its idle
     *     connections, which died with the one that failed, so the next call gets a fresh one
     */
    SqlFailures(Dialect dialect, String redactedUrl, Runnable onUnavailable) {
        this.dialect = dialect;
        this.where = redactedUrl;
        this.onUnavailable = onUnavailable;
    }

    RuntimeException map(SQLException e, String what) {
        String state = e.getSQLState() == null ? "none" : e.getSQLState();
        Dialect.Failure failure = dialect.classify(e);
        if (failure == Dialect.Failure.UNAVAILABLE) {
            onUnavailable.run();
        }
        return switch (failure) {
            case UNAVAILABLE -> new BackendUnavailableException(
                    dialect.name() + " is unavailable while " + what + " (" + where + ", SQLSTATE " + state + ")", e);
            case CONFLICT -> new ConflictException(
                    what + ": a concurrent transaction committed a conflicting write first; retry the transaction");
            case UNIQUE -> new ConflictException(
                    what + ": a concurrent transaction took a unique value or key first; retry the transaction");
            case OTHER -> new DepotException(dialect.name() + " failed while " + what + " (SQLSTATE " + state
                    + ", error " + e.getErrorCode() + ")", e);
        };
    }
}
