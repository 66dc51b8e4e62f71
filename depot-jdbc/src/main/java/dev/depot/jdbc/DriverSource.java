package dev.depot.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The source of a depot pool's connections: the driver, the JDBC URL and the properties (credentials
 * included), none of which its {@link #toString()} — what HikariCP logs — shows; it names the depot
 * by its redacted URL. HikariCP masks only a property named exactly {@code password}, not {@code
 * sslpassword}, {@code trustStorePassword} or H2's {@code ;PASSWORD=} in a URL.
 */
final class DriverSource implements DataSource {
    private final Driver driver;
    private final String jdbcUrl;
    private final Properties properties;
    private final String display;
    private volatile PrintWriter logWriter;
    private volatile int loginTimeout;

    DriverSource(Driver driver, String jdbcUrl, Properties properties, String display) {
        this.driver = driver;
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
        this.display = display;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = driver.connect(jdbcUrl, properties);
        if (c == null) {
            throw new SQLException("the driver " + driver.getClass().getName() + " does not accept the URL of " + display, "08001");
        }
        return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the depot's pool has its own credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeout = seconds; // connectTimeout= bounds logins, through the driver's own properties
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "driver " + driver.getClass().getName() + " for " + display;
    }
}
