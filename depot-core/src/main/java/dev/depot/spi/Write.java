package dev.depot.spi;

/**
 * One record write for a backend.
 *
 * @param key normalised key
 * @param mode insert, update or upsert
 * @param expectedVersion the version the record must be at, or {@link #ANY_VERSION}
 * @param document encoded value
 * @param indexValues normalised index values, by index position (elements may be null)
 */
public record Write(Object key, Mode mode, long expectedVersion, byte[] document, Object[] indexValues) {
    public static final long ANY_VERSION = -1;

    public enum Mode {
        /** The key must not exist. */
        INSERT,
        /** The key must exist (and be at {@code expectedVersion}, when given). */
        UPDATE,
        /** Insert or replace. */
        UPSERT
    }
}
