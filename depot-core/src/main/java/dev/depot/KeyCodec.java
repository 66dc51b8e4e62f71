package dev.depot;

import java.util.UUID;

/**
 * Turns a key into its text form and back. The text form is what change events carry and what
 * custom key types are stored and ordered by (code point order). At most 255 UTF-8 bytes.
 *
 * <p>Built-in key types ({@code String}, {@code UUID}, {@code Long}, {@code Integer}) need no codec;
 * they keep their natural order (numbers numerically, UUIDs by canonical text).
 */
public interface KeyCodec<K> {

    String encode(K key);

    K decode(String text);

    KeyCodec<String> STRING = new KeyCodec<>() {
        @Override
        public String encode(String key) {
            return key;
        }

        @Override
        public String decode(String text) {
            return text;
        }
    };

    KeyCodec<UUID> UUID_TEXT = new KeyCodec<>() {
        @Override
        public String encode(UUID key) {
            return key.toString();
        }

        @Override
        public UUID decode(String text) {
            return UUID.fromString(text);
        }
    };

    KeyCodec<Long> LONG = new KeyCodec<>() {
        @Override
        public String encode(Long key) {
            return key.toString();
        }

        @Override
        public Long decode(String text) {
            return Long.valueOf(text);
        }
    };

    KeyCodec<Integer> INTEGER = new KeyCodec<>() {
        @Override
        public String encode(Integer key) {
            return key.toString();
        }

        @Override
        public Integer decode(String text) {
            return Integer.valueOf(text);
        }
    };
}
