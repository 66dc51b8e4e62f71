package dev.depot;

/**
 * Turns values into the bytes a backend stores and back. Every read decodes from stored bytes, on
 * every backend, so what a codec drops (say, a field Jackson ignores) is dropped everywhere alike.
 * Implementations must be thread-safe. Encoded documents are limited to {@link
 * DocumentLimits#MAX_DOCUMENT_BYTES}; a codec's exceptions reach callers as {@link CodecException}
 * (without the codec's message, which may quote data).
 */
public interface Codec<V> {

    byte[] encode(V value);

    V decode(byte[] bytes);

    /** The default codec: JSON through Jackson 3, with java.time support. */
    static <V> Codec<V> json(Class<V> type) {
        return JsonCodec.of(type);
    }
}
