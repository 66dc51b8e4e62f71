package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Makes a connection, e.g. the change listener's own. */
@FunctionalInterface
interface SqlConnector {
    Connection connect() throws SQLException;
}
