package dev.depot.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a {@link DepotServer} listens.
 *
 * @param host the interface to bind, for example {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the port, 0 for any free port
 * @param maxBodyBytes the largest request body accepted; a larger one is a 413 problem and writes nothing
 * @param stopTimeout how long {@link DepotServer#close()} waits for in-flight requests to finish
 */
public record ServerConfig(String host, int port, long maxBodyBytes, Duration stopTimeout) {

    /** The default body limit: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("stopTimeout must not be negative, was " + stopTimeout);
        }
    }

    /** Loopback, the given port, 1 MiB bodies, 10 s to finish in-flight requests. */
    public static ServerConfig of(String host, int port) {
        return new ServerConfig(host, port, DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(10));
    }

    public ServerConfig withMaxBodyBytes(long bytes) {
        return new ServerConfig(host, port, bytes, stopTimeout);
    }

    public ServerConfig withStopTimeout(Duration timeout) {
        return new ServerConfig(host, port, maxBodyBytes, timeout);
    }
}
