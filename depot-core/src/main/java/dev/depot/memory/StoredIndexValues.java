package dev.depot.memory;

import dev.depot.spi.IndexType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * How the engine holds normalised index values in versions and index runs: a {@code String} as its
 * UTF-8 bytes, every other value as itself. A million names as {@code String}s cost a 24-byte
 * object each on top of their bytes; the bytes alone are what the index needs. Unsigned byte order
 * of UTF-8 is code-point order, the order {@link IndexType#STRING} defines on every backend (index
 * values never hold unpaired surrogates, so every value has exactly one UTF-8 form).
 *
 * <p>Stored forms never leave the engine: {@link Version#indexValue} and everything core sees give
 * the {@code String} back ({@link #load}).
 */
final class StoredIndexValues {
    private StoredIndexValues() {}

    /** The stored form of a normalised value (idempotent: a stored form stays as it is). */
    static Object store(Object value) {
        return value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : value;
    }

    /** The normalised value of a stored form. */
    static Object load(Object stored) {
        return stored instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : stored;
    }

    /** A new array of the stored forms of {@code values}. */
    static Object[] storeAll(Object[] values) {
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = store(values[i]);
        }
        return out;
    }

    /** The stored forms of {@code values} as a new array, or null when none is a {@code String} (the values are their own stored forms). */
    static Object[] storeAllIfText(Object[] values) {
        for (Object v : values) {
            if (v instanceof String) {
                return storeAll(values);
            }
        }
        return null;
    }

    /** Whether a stored form holds {@code value}, given as a stored form or as a normalised value. */
    static boolean same(Object stored, Object value) {
        if (stored instanceof byte[] b) {
            return value instanceof byte[] v ? Arrays.equals(b, v) : value instanceof String s && isUtf8Of(b, s);
        }
        return Objects.equals(stored, value);
    }

    /** Orders stored forms of one index's values (and null), as {@link IndexType#compareNullsFirst} orders the values. */
    static int compareNullsFirst(IndexType type, Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.compareUnsigned(x, y);
        }
        return type.compareNullsFirst(load(a), load(b));
    }

    /** Whether {@code b} is the UTF-8 encoding of {@code s} (valid text), without encoding {@code s}. */
    static boolean isUtf8Of(byte[] b, String s) {
        int j = 0;
        for (int i = 0; i < s.length(); i++) {
            int cp = s.codePointAt(i);
            if (Character.isSupplementaryCodePoint(cp)) {
                i++;
            }
            if (cp < 0x80) {
                if (j >= b.length || b[j++] != cp) {
                    return false;
                }
                continue;
            }
            int n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (j + n > b.length) {
                return false;
            }
            int lead = n == 2 ? 0xC0 | cp >> 6 : n == 3 ? 0xE0 | cp >> 12 : 0xF0 | cp >> 18;
            if ((b[j++] & 0xFF) != lead) {
                return false;
            }
            for (int shift = 6 * (n - 2); shift >= 0; shift -= 6) {
                if ((b[j++] & 0xFF) != (0x80 | (cp >> shift & 0x3F))) {
                    return false;
                }
            }
        }
        return j == b.length;
    }
}
