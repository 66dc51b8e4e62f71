package dev.depot.jdbc;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bounds on every database call, so that no call waits longer than these whatever the network
 * does. URL parameters {@code connectTimeout}, {@code socketTimeout}, {@code statementTimeout} and
 * {@code poolTimeout}, written {@code 500ms}, {@code 5s} or {@code 2m}.
 *
 * @param connect TCP connect, TLS and login of one new connection (default 5 s: a reachable database
 *     answers in milliseconds; a service should fail over rather than hang)
 * @param socket the longest wait for any reply from the server, e.g. during a network partition
 *     (default statement + 5 s, so that a slow statement is cancelled by the server, cleanly, before
 *     the connection is cut)
 * @param statement the longest one statement may run or wait for a lock, e.g. a row lock held by a
 *     writer of the same key, or the sequence counter a sequencer run waits for (default 30 s;
 *     enforced by the server, or by the embedded engine)
 * @param pool the longest a call waits for a pooled connection (default 5 s)
 */
record Timeouts(Duration connect, Duration socket, Duration statement, Duration pool) {
    static final Duration CONNECT = Duration.ofSeconds(5);
    static final Duration STATEMENT = Duration.ofSeconds(30);
    static final Duration SOCKET_MARGIN = Duration.ofSeconds(5);
    static final Duration POOL = Duration.ofSeconds(5);

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

    static Timeouts of(Map<String, String> params, String display) {
        Duration connect = duration(params, "connectTimeout", CONNECT, display);
        Duration statement = duration(params, "statementTimeout", STATEMENT, display);
        Duration socket = duration(params, "socketTimeout", statement.plus(SOCKET_MARGIN), display);
        Duration pool = duration(params, "poolTimeout", POOL, display);
        return new Timeouts(connect, socket, statement, pool);
    }

    private static Duration duration(Map<String, String> params, String name, Duration fallback, String display) {
        String v = params.get(name);
        if (v == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v);
        long n = m.matches() ? Long.parseLong(m.group(1)) : 0;
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be a positive duration such as 500ms, 5s or 2m in " + display);
        }
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** Whole seconds, rounded up, for drivers that count in seconds. */
    static int seconds(Duration d) {
        return (int) Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
