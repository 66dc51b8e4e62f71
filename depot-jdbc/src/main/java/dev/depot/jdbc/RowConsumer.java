package dev.depot.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Receives the current row of a result set. */
@FunctionalInterface
interface RowConsumer {
    void accept(ResultSet rs) throws SQLException;
}
