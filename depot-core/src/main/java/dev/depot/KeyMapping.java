package dev.depot;

import dev.depot.spi.CodePoints;
import dev.depot.spi.KeyType;
import java.util.UUID;
import java.util.function.Function;

/**
 * Maps a schema's key type to the normalised key a backend stores ({@link KeyType}) and back, and
 * enforces the key rules: not null; a text key is 1..255 UTF-8 bytes without U+0000 or unpaired
 * surrogates.
 */
final class KeyMapping<K> {
    static final int MAX_KEY_BYTES = 255;

    private final String collection;
    private final KeyType keyType;
    private final Function<K, Object> store;
    private final Function<Object, K> load;

    private KeyMapping(String collection, KeyType keyType, Function<K, Object> store, Function<Object, K> load) {
        this.collection = collection;
        this.keyType = keyType;
        this.store = store;
        this.load = load;
    }

    @SuppressWarnings("unchecked")
    static <K> KeyMapping<K> of(String collection, Class<K> type, KeyCodec<K> codec) {
        if (codec != null) {
            return new KeyMapping<>(collection, KeyType.STRING, codec::encode, s -> codec.decode((String) s));
        }
        if (type == String.class) {
            return new KeyMapping<>(collection, KeyType.STRING, k -> k, s -> (K) s);
        }
        if (type == UUID.class) {
            return new KeyMapping<>(collection, KeyType.UUID, k -> k, s -> (K) s);
        }
        if (type == Long.class) {
            return new KeyMapping<>(collection, KeyType.LONG, k -> k, s -> (K) s);
        }
        if (type == Integer.class) {
            return new KeyMapping<>(collection, KeyType.LONG, k -> ((Integer) k).longValue(),
                    s -> (K) Integer.valueOf(((Long) s).intValue()));
        }
        throw new IllegalArgumentException(collection + ": key type " + type.getName()
                + " needs a KeyCodec (built in: String, UUID, Long, Integer)");
    }

    KeyType keyType() {
        return keyType;
    }

    /** The normalised key; {@link IllegalArgumentException} naming the collection if invalid. */
    Object toStored(K key) {
        if (key == null) {
            throw new IllegalArgumentException(collection + ": key must not be null");
        }
        Object stored = store.apply(key);
        if (keyType == KeyType.STRING) {
            if (stored == null) {
                throw new IllegalArgumentException(collection + ": the key codec returned null");
            }
            checkText((String) stored);
        }
        return stored;
    }

    /**
     * Checks a normalised key that did not come from {@link #toStored} (one decoded from a cursor)
     * against the same rules; {@link IllegalArgumentException} if it breaks one.
     */
    void checkStored(Object stored) {
        if (keyType == KeyType.STRING) {
            checkText((String) stored);
        }
    }

    K fromStored(Object stored) {
        return load.apply(stored);
    }

    /** The text form, as in change events. */
    String text(Object stored) {
        return keyType.text(stored);
    }

    private void checkText(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(collection + ": key must not be empty");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException(collection + ": key must not contain U+0000");
        }
        if (CodePoints.hasUnpairedSurrogate(text)) {
            throw new IllegalArgumentException(collection + ": key must not contain an unpaired surrogate"
                    + " (it has no UTF-8 form; SQL databases would turn it into '?')");
        }
        int n = text.length() <= MAX_KEY_BYTES / 3 ? text.length() : CodePoints.utf8Length(text);
        if (n > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(collection + ": key is " + n + " UTF-8 bytes, more than " + MAX_KEY_BYTES);
        }
    }
}
