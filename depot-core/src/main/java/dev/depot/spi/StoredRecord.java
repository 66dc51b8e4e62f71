package dev.depot.spi;

/**
 * A record as stored: normalised key, version and encoded document. Backends may let core cache the
 * decoded value on the stored object itself (memory does): core then shares it between readers when
 * its type is deeply immutable, and otherwise hands each reader a structural copy of it, never the
 * cached instance. By default there is no cache and every read decodes.
 */
public interface StoredRecord {
    Object key();

    long version();

    byte[] document();

    /** A decoded value cached by core, or null. */
    default Object cachedValue() {
        return null;
    }

    /**
     * Offers a decoded value (or core's marker for "decode this one") for caching; backends may
     * ignore it. A backend that keeps it must return exactly this object from {@link #cachedValue()}
     * (core checks identity to know whether the cache is kept) and must keep it with this version of
     * the record only.
     */
    default void cacheValue(Object value) {}

    /** A plain stored record without a cache. */
    static StoredRecord of(Object key, long version, byte[] document) {
        return new Plain(key, version, document);
    }

    record Plain(Object key, long version, byte[] document) implements StoredRecord {}
}
