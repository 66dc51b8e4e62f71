package dev.depot;

import dev.depot.spi.CodePoints;
import dev.depot.spi.KeyType;
import java.util.UUID;

/**
 * Maps a schema's key type to the normalised key a backend stores ({@link KeyType}) and back, and
 * enforces the key rules: not null, text form 1..255 UTF-8 bytes.
 */
abstract sealed class KeyMapping<K> {
    static final int MAX_KEY_BYTES = 255;

    final String collection;

    private KeyMapping(String collection) {
        this.collection = collection;
    }

    @SuppressWarnings("unchecked")
    static <K> KeyMapping<K> of(String collection, Class<K> type, KeyCodec<K> codec) {
        if (codec != null) {
            return new Coded<>(collection, codec);
        }
        if (type == String.class) {
            return (KeyMapping<K>) new Coded<>(collection, KeyCodec.STRING);
        }
        if (type == UUID.class) {
            return (KeyMapping<K>) new Uuid(collection);
        }
        if (type == Long.class) {
            return (KeyMapping<K>) new LongKey(collection);
        }
        if (type == Integer.class) {
            return (KeyMapping<K>) new IntKey(collection);
        }
        throw new IllegalArgumentException(collection + ": key type " + type.getName()
                + " needs a KeyCodec (built in: String, UUID, Long, Integer)");
    }

    abstract KeyType keyType();

    /** The normalised key; {@link IllegalArgumentException} naming the collection if invalid. */
    abstract Object toStored(K key);

    abstract K fromStored(Object stored);

    /** The text form, as in change events. */
    String text(Object stored) {
        return keyType().text(stored);
    }

    IllegalArgumentException nullKey() {
        return new IllegalArgumentException(collection + ": key must not be null");
    }

    private static final class Coded<K> extends KeyMapping<K> {
        private final KeyCodec<K> codec;

        Coded(String collection, KeyCodec<K> codec) {
            super(collection);
            this.codec = codec;
        }

        @Override
        KeyType keyType() {
            return KeyType.STRING;
        }

        @Override
        Object toStored(K key) {
            if (key == null) {
                throw nullKey();
            }
            String text = codec.encode(key);
            if (text == null || text.isEmpty()) {
                throw new IllegalArgumentException(collection + ": key must not be empty");
            }
            if (text.indexOf('\u0000') >= 0) {
                throw new IllegalArgumentException(collection + ": key must not contain U+0000");
            }
            int n = text.length() <= MAX_KEY_BYTES / 3 ? text.length() : CodePoints.utf8Length(text);
            if (n > MAX_KEY_BYTES) {
                throw new IllegalArgumentException(collection + ": key is " + n + " UTF-8 bytes, more than " + MAX_KEY_BYTES);
            }
            return text;
        }

        @Override
        K fromStored(Object stored) {
            return codec.decode((String) stored);
        }
    }

    private static final class Uuid extends KeyMapping<UUID> {
        Uuid(String collection) {
            super(collection);
        }

        @Override
        KeyType keyType() {
            return KeyType.UUID;
        }

        @Override
        Object toStored(UUID key) {
            if (key == null) {
                throw nullKey();
            }
            return key;
        }

        @Override
        UUID fromStored(Object stored) {
            return (UUID) stored;
        }
    }

    private static final class LongKey extends KeyMapping<Long> {
        LongKey(String collection) {
            super(collection);
        }

        @Override
        KeyType keyType() {
            return KeyType.LONG;
        }

        @Override
        Object toStored(Long key) {
            if (key == null) {
                throw nullKey();
            }
            return key;
        }

        @Override
        Long fromStored(Object stored) {
            return (Long) stored;
        }
    }

    private static final class IntKey extends KeyMapping<Integer> {
        IntKey(String collection) {
            super(collection);
        }

        @Override
        KeyType keyType() {
            return KeyType.LONG;
        }

        @Override
        Object toStored(Integer key) {
            if (key == null) {
                throw nullKey();
            }
            return key.longValue();
        }

        @Override
        Integer fromStored(Object stored) {
            return ((Long) stored).intValue();
        }
    }
}
