package dev.depot;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One item handed to one consumer until {@link #expiresAt()}. Until then no other consumer gets the
 * item; the holder settles it with {@code complete}, {@code retry} or {@code deadLetter}, or keeps
 * it longer with {@code extend}. The {@link #token()} is fresh for every lease: once the lease has
 * expired, or the item was settled, every call with it fails with {@link LeaseExpiredException} —
 * even if the item was leased again in the meantime.
 *
 * @param queue the queue the item was leased from
 * @param id the item's id, stable for its whole life (also in a dead-letter queue)
 * @param token identifies this lease
 * @param payload the item's bytes (a copy is returned)
 * @param headers the message's headers
 * @param dedupKey the message's dedup key, or null
 * @param attempt this lease's number, 1 for the first (counted when leased)
 * @param producedAt when the item was produced (depot clock)
 * @param leasedAt when this lease was granted
 * @param expiresAt when this lease ends unless extended
 * @param holder who asked for the lease
 * @param history earlier leases of the item that ended without completion, oldest first; an item
 *     from a dead-letter queue carries the history it gathered in its source queue
 */
public record Lease(String queue, String id, String token, byte[] payload, Map<String, String> headers, String dedupKey,
        int attempt, Instant producedAt, Instant leasedAt, Instant expiresAt, String holder, List<Attempt> history) {

    public Lease {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(history, "history");
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload as UTF-8 text. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The payload decoded by the default JSON codec, as {@link Message#ofValue(Object)} encoded it. */
    public <V> V payload(Class<V> type) {
        return Codec.json(type).decode(payload);
    }

    public <V> V payload(Codec<V> codec) {
        return codec.decode(payload);
    }

    /** The same lease with a later expiry; what {@code extend} returns. */
    public Lease withExpiry(Instant newExpiry) {
        return new Lease(queue, id, token, payload, headers, dedupKey, attempt, producedAt, leasedAt, newExpiry, holder, history);
    }

    /** Never shows the payload or header values. */
    @Override
    public String toString() {
        return "Lease[" + queue + "/" + id + ", attempt " + attempt + ", expires " + expiresAt + "]";
    }
}
