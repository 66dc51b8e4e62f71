package dev.depot.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a {@link DepotServer} listens.
 *
 * @param host the interface to bind, for example {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the port, 0 for any free port
 * @param maxBodyBytes the largest JSON request body accepted; a larger one is a 413 problem and writes nothing
 * @param stopTimeout how long {@link DepotServer#close()} waits for in-flight requests to finish
 * @param maxBlobBytes the largest blob a {@code PUT} accepts (streamed, never held in memory); a
 *     larger one is a 413 problem and publishes nothing
 * @param apiKeys the keys requests must carry; {@link ApiKeys#none()} for an open server
 */
public record ServerConfig(String host, int port, long maxBodyBytes, Duration stopTimeout, long maxBlobBytes,
        ApiKeys apiKeys) {

    /** The default body limit: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    /** The default blob limit: 1 GiB. */
    public static final long DEFAULT_MAX_BLOB_BYTES = 1024L * 1024 * 1024;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(apiKeys, "apiKeys");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        if (maxBlobBytes < 1) {
            throw new IllegalArgumentException("maxBlobBytes must be positive, was " + maxBlobBytes);
        }
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("stopTimeout must not be negative, was " + stopTimeout);
        }
    }

    /** The given interface and port, 1 MiB bodies, 1 GiB blobs, 10 s to finish in-flight requests, no keys. */
    public static ServerConfig of(String host, int port) {
        return new ServerConfig(host, port, DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(10), DEFAULT_MAX_BLOB_BYTES,
                ApiKeys.none());
    }

    public ServerConfig withMaxBodyBytes(long bytes) {
        return new ServerConfig(host, port, bytes, stopTimeout, maxBlobBytes, apiKeys);
    }

    public ServerConfig withStopTimeout(Duration timeout) {
        return new ServerConfig(host, port, maxBodyBytes, timeout, maxBlobBytes, apiKeys);
    }

    public ServerConfig withMaxBlobBytes(long bytes) {
        return new ServerConfig(host, port, maxBodyBytes, stopTimeout, bytes, apiKeys);
    }

    public ServerConfig withApiKeys(ApiKeys keys) {
        return new ServerConfig(host, port, maxBodyBytes, stopTimeout, maxBlobBytes, keys);
    }
}
