package dev.depot.jdbc;

import dev.depot.DepotException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Why a database refused a depot at open, said plainly: a login the server rejected (no such role,
 * wrong password, no access) or a database that does not exist, with the server's own reason and the
 * redacted URL, instead of a bare SQLSTATE with the reason in the cause. Retrying cannot help, so
 * these are {@link DepotException}s, not {@code BackendUnavailableException}s.
 */
final class OpenRefusal {
    private OpenRefusal() {}

    /** The refusal behind {@code e}, or null if {@code e} is something else (the usual mapping applies). */
    static DepotException of(SQLException e, JdbcSettings s) {
        for (Throwable t : Dialect.chain(e)) {
            if (!(t instanceof SQLException x)) {
                continue;
            }
            String state = x.getSQLState() == null ? "" : x.getSQLState();
            int code = x.getErrorCode();
            String kind;
            if (state.equals("3D000") || code == 1049 || code == 90146) {
                kind = "the database does not exist";
            } else if (state.startsWith("28") || code == 1045 || code == 1044 || code == 1698) {
                kind = "the login was refused";
            } else {
                continue;
            }
            return new DepotException(s.dialect().name() + " refused to open the depot: " + kind + " (" + reason(x, s) + ") ("
                    + s.display() + ", SQLSTATE " + (state.isEmpty() ? "none" : state) + ")", e);
        }
        return null;
    }

    /** The server's sentence, without driver decoration, and never the password. */
    private static String reason(SQLException e, JdbcSettings s) {
        String m = String.valueOf(e.getMessage()).strip();
        m = m.replaceFirst("^(FATAL|ERROR):\\s*", "").replaceFirst("^\\(conn=\\d+\\)\\s*", "");
        int newline = m.indexOf('\n');
        if (newline > 0) {
            m = m.substring(0, newline).strip();
        }
        if (s.password() != null && !s.password().isEmpty()) {
            m = m.replace(s.password(), "***");
        }
        return m;
    }

    /**
     * SQLite creates a missing database file but not its directory, and the driver then reports only
     * that it cannot open "the path": name the directory before trying.
     */
    static void checkSqliteDirectory(JdbcSettings s) {
        if (!(s.dialect() instanceof SqliteDialect) || !s.jdbcUrl().startsWith("jdbc:sqlite:")) {
            return;
        }
        String file = s.jdbcUrl().substring("jdbc:sqlite:".length());
        if (file.startsWith("file:") || file.contains("?")) {
            return; // URI forms are the driver's to interpret
        }
        Path dir = Path.of(file).toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("the directory " + dir + " of the SQLite database " + file
                    + " does not exist; create it first (" + s.display() + ")");
        }
    }
}
