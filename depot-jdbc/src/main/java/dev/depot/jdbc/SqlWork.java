package dev.depot.jdbc;

import java.sql.SQLException;

/** A unit of JDBC work that may throw {@link SQLException}, which the caller maps. */
@FunctionalInterface
interface SqlWork<I, T> {
    T run(I input) throws SQLException;
}
