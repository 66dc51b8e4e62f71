package dev.depot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An item to produce into a {@link WorkQueue}: a payload plus optional headers, dedup key,
 * schedule and expiry. Immutable; each wither returns a copy. The payload is copied in and out, so
 * changing an array you passed or got changes nothing.
 *
 * <pre>{@code
 * queue.produce(Message.ofValue(new Email(to, subject)).dedupKey("order-42").header("kind", "welcome")
 *         .notBefore(clock.instant().plus(Duration.ofMinutes(5))).expireAfter(Duration.ofHours(1)));
 * }</pre>
 *
 * @param payload the bytes the consumer gets (at most 4 MiB)
 * @param headers small text attributes (at most 64, names and values at most 1024 UTF-8 bytes)
 * @param dedupKey with a key, producing is idempotent while an item with the same key is in the
 *     queue (ready, scheduled or leased): the second produce returns the first item's id and adds
 *     nothing. {@code null} for none
 * @param notBefore the item is not leased before this instant (depot clock; within 290,000 years of 1970); {@code null} for now
 * @param expireAfter an item not completed within this time after it was produced is dead-lettered
 *     with reason {@code "expired"} instead of being leased again; {@code null} for never
 */
public record Message(byte[] payload, Map<String, String> headers, String dedupKey, Instant notBefore, Duration expireAfter) {

    /** About 290,000 years: instants are stored as microseconds since 1970 in a 64-bit integer. */
    private static final long MAX_EPOCH_SECONDS = 9_150_000_000_000L;

    public Message {
        Objects.requireNonNull(payload, "payload");
        payload = payload.clone();
        Objects.requireNonNull(headers, "headers");
        int n = 0;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            QueueRules.checkHeader(h.getKey(), h.getValue(), ++n);
        }
        headers = Map.copyOf(headers);
        if (dedupKey != null) {
            QueueRules.checkDedupKey(dedupKey);
        }
        if (notBefore != null && Math.abs(notBefore.getEpochSecond()) > MAX_EPOCH_SECONDS) {
            throw new IllegalArgumentException("notBefore must be within 290,000 years of 1970, was " + notBefore);
        }
        if (expireAfter != null && (expireAfter.compareTo(Duration.ofMillis(1)) < 0 || expireAfter.compareTo(Duration.ofDays(365)) > 0)) {
            throw new IllegalArgumentException("expireAfter must be between 1 ms and 365 days, was " + expireAfter);
        }
    }

    /** A message carrying these bytes. */
    public static Message of(byte[] payload) {
        return new Message(payload, Map.of(), null, null, null);
    }

    /** A message carrying this text as UTF-8. */
    public static Message of(String text) {
        return of(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /** A message carrying {@code value} encoded by the default JSON codec; read it with {@link Lease#payload(Class)}. */
    @SuppressWarnings("unchecked")
    public static <V> Message ofValue(V value) {
        Objects.requireNonNull(value, "value");
        return of(Codec.json((Class<V>) value.getClass()).encode(value));
    }

    /** A message carrying {@code value} encoded by {@code codec}; read it with {@link Lease#payload(Codec)}. */
    public static <V> Message ofValue(V value, Codec<V> codec) {
        return of(codec.encode(Objects.requireNonNull(value, "value")));
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload's length in bytes. */
    public int size() {
        return payload.length;
    }

    public Message header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Message(payload, more, dedupKey, notBefore, expireAfter);
    }

    public Message dedupKey(String key) {
        return new Message(payload, headers, QueueRules.checkDedupKey(key), notBefore, expireAfter);
    }

    public Message notBefore(Instant when) {
        return new Message(payload, headers, dedupKey, Objects.requireNonNull(when, "notBefore"), expireAfter);
    }

    public Message expireAfter(Duration after) {
        return new Message(payload, headers, dedupKey, notBefore, Objects.requireNonNull(after, "expireAfter"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && Arrays.equals(payload, m.payload) && headers.equals(m.headers)
                && Objects.equals(dedupKey, m.dedupKey) && Objects.equals(notBefore, m.notBefore)
                && Objects.equals(expireAfter, m.expireAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(payload), headers, dedupKey, notBefore, expireAfter);
    }

    /** Never shows the payload or header values. */
    @Override
    public String toString() {
        return "Message[" + payload.length + " bytes, headers=" + headers.keySet() + (dedupKey == null ? "" : ", dedupKey")
                + (notBefore == null ? "" : ", notBefore=" + notBefore) + (expireAfter == null ? "" : ", expireAfter=" + expireAfter) + "]";
    }
}
