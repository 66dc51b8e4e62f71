package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes change-feed waiters when another process commits on PostgreSQL: commits send {@code NOTIFY}
 * on the feed's channel (delivered at commit), and this daemon thread {@code LISTEN}s on a dedicated
 * connection outside the pool. Started on the first wait. If the connection drops it reconnects
 * after a pause; meanwhile waiters still poll, so a lost notification only costs latency. A connection
 * that dies silently (half-open, no reset) is found by a round trip after 10 s without a notification.
 */
final class PgListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);
    private static final int WAIT_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1_000;
    /** After this long without a notification, one round trip checks the connection is alive. */
    private static final long CHECK_NANOS = 10_000_000_000L;

    private final JdbcSettings settings;
    private final SqlConnector connector;
    private final String channel;
    private final Runnable onNotify;
    private volatile boolean closed;
    private Thread thread;

    PgListener(JdbcSettings settings, SqlConnector connector, String channel, Runnable onNotify) {
        this.settings = settings;
        this.connector = connector;
        this.channel = channel;
        this.onNotify = onNotify;
    }

    synchronized void start() {
        if (thread == null && !closed) {
            thread = Thread.ofPlatform().daemon().name("depot-pg-listen").start(this::run);
        }
    }

    private void run() {
        while (!closed) {
            try (Connection c = connector.connect()) {
                Dialect.execute(c, "LISTEN " + channel);
                try {
                    PGConnection pg = c.unwrap(PGConnection.class);
                    onNotify.run(); // anything committed while not listening
                    long heard = System.nanoTime();
                    while (!closed) {
                        var notifications = pg.getNotifications(WAIT_MILLIS);
                        if (notifications != null && notifications.length > 0) {
                            onNotify.run();
                            heard = System.nanoTime();
                        } else if (System.nanoTime() - heard > CHECK_NANOS) {
                            // Waiting for notifications never finds a silently dead connection (no reset
                            // arrives on a half-open one): a round trip does, within the socket timeout.
                            Dialect.execute(c, "SELECT 1");
                            heard = System.nanoTime();
                        }
                    }
                } finally {
                    // The connection may go back to an application's pool: leave it as it came.
                    Dialect.execute(c, "UNLISTEN " + channel);
                }
            } catch (SQLException e) {
                if (!closed) {
                    LOG.debug("change notifications from {} interrupted (SQLSTATE {}); reconnecting", settings, e.getSQLState());
                    pause();
                }
            }
        }
    }

    /** A connection of its own, outside Depot's pool, made as the pool makes them. */
    static Connection connect(JdbcSettings settings) throws SQLException {
        Properties p = settings.connectionProperties(); // the pool's timeouts bound this connection too
        if (settings.user() != null) {
            p.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        return DriverManager.getConnection(settings.jdbcUrl(), p);
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
