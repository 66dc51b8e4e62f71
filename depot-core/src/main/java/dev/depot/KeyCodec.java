package dev.depot;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns a key into its text form and back. The text form is what change events carry and what
 * custom key types are stored and ordered by (code point order): 1 to 255 UTF-8 bytes, no U+0000.
 *
 * <p>Built-in key types ({@code String}, {@code UUID}, {@code Long}, {@code Integer}) need no codec;
 * they keep their natural order (numbers numerically, UUIDs by canonical text).
 */
public interface KeyCodec<K> {

    String encode(K key);

    K decode(String text);

    /** A codec from two functions, e.g. {@code KeyCodec.of(Sku::code, Sku::new)}. */
    static <K> KeyCodec<K> of(Function<? super K, String> encode, Function<String, ? extends K> decode) {
        Objects.requireNonNull(encode, "encode");
        Objects.requireNonNull(decode, "decode");
        return new KeyCodec<>() {
            @Override
            public String encode(K key) {
                return encode.apply(key);
            }

            @Override
            public K decode(String text) {
                return decode.apply(text);
            }
        };
    }

    KeyCodec<String> STRING = of(s -> s, s -> s);

    KeyCodec<UUID> UUID_TEXT = of(UUID::toString, UUID::fromString);

    KeyCodec<Long> LONG = of(String::valueOf, Long::valueOf);

    KeyCodec<Integer> INTEGER = of(String::valueOf, Integer::valueOf);
}
