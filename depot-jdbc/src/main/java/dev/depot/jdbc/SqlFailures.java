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

    SqlFailures(Dialect dialect, String redactedUrl) {
        this.dialect = dialect;
        this.where = redactedUrl;
    }

    RuntimeException map(SQLException e, String what) {
        String state = e.getSQLState() == null ? "none" : e.getSQLState();
        return switch (dialect.classify(e)) {
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

    Dialect.Failure classify(SQLException e) {
        return dialect.classify(e);
    }
}
