package dev.depot.spi;

/**
 * A record as stored: normalised key, version and encoded document. Backends may let core cache the
 * decoded value of an immutable type on the stored object itself (memory does, so a read of a
 * deeply immutable value skips decoding); by default there is no cache.
 */
public interface StoredRecord {
    Object key();

    long version();

    byte[] document();

    /** A decoded value cached by core, or null. */
    default Object cachedValue() {
        return null;
    }

    /** Offers a decoded value of a deeply immutable type for caching; backends may ignore it. */
    default void cacheValue(Object value) {}

    /** A plain stored record without a cache. */
    static StoredRecord of(Object key, long version, byte[] document) {
        return new Plain(key, version, document);
    }

    record Plain(Object key, long version, byte[] document) implements StoredRecord {}
}
