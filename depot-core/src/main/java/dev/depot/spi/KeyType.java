package dev.depot.spi;

import java.util.UUID;

/**
 * How a backend stores and orders keys. Core maps every key type to one of these: {@code Long} and
 * {@code Integer} keys to {@link #LONG}, {@code UUID} keys to {@link #UUID}, {@code String} and
 * keys with a custom {@code KeyCodec} to {@link #STRING} (their text form).
 */
public enum KeyType {
    STRING,
    LONG,
    UUID;

    /** Key order: numbers numerically, UUIDs by canonical text, strings by code point. */
    public int compare(Object a, Object b) {
        return switch (this) {
            case STRING -> CodePoints.compare((String) a, (String) b);
            case LONG -> Long.compare((Long) a, (Long) b);
            case UUID -> IndexType.compareUuids((java.util.UUID) a, (java.util.UUID) b);
        };
    }

    /** The text form of a normalised key, as change events carry it. */
    public String text(Object key) {
        return key.toString();
    }

    /** Parses the text form back into a normalised key. */
    public Object parse(String text) {
        return switch (this) {
            case STRING -> text;
            case LONG -> Long.valueOf(text);
            case UUID -> java.util.UUID.fromString(text);
        };
    }

    public Class<?> javaType() {
        return switch (this) {
            case STRING -> String.class;
            case LONG -> Long.class;
            case UUID -> UUID.class;
        };
    }
}
