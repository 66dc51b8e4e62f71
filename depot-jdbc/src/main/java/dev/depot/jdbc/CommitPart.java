package dev.depot.jdbc;

import java.sql.SQLException;

/**
 * Extra work a commit applies in its data transaction, after its rows and before COMMIT (e.g. work
 * queue operations): all of it commits together or not at all.
 */
@FunctionalInterface
interface CommitPart {
    void apply(WriteTransaction tx) throws SQLException;
}
