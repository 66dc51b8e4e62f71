package dev.depot.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * The index values of one version packed into one {@code byte[]}, in an order-preserving encoding:
 * comparing two values' byte slices as unsigned bytes gives {@link dev.depot.spi.IndexType}'s order
 * with nulls first, and equal slices mean equal values. A version holds its row and every index
 * entry it adds points into that same row, so a record's index values cost one array (a 2-index
 * record of a 14-character name and a long: 48 bytes) instead of one object per value (a
 * {@code String} and its bytes, 56, and a {@code Long}, 24), and confirming an entry or sorting
 * within an index compares bytes instead of chasing value objects.
 *
 * <p>Layout: one byte with the value count, then per value a tag byte and its payload. Tag 0 is
 * null (no payload, so it sorts first); a non-null value's tag names its type, which is the same
 * for every value of one index. Payloads: {@code Long} and {@code Double} as 8 big-endian bytes
 * with the sign (and, for negative doubles, every bit) flipped; {@code Boolean} one byte;
 * {@code Instant} its seconds like a long, then its nanoseconds as 4 big-endian bytes; {@code UUID}
 * its 16 big-endian bytes (unsigned order, as {@code IndexType.compareUuids}); {@code String} its
 * UTF-8 bytes and a 0 byte. UTF-8 byte order is code-point order, which is the index order of
 * strings, and index strings hold no U+0000, so the terminator sorts a prefix before its
 * extensions. The row is self-describing: reading it needs no declaration, so a version read after
 * a redeclaration still decodes as it was written.
 */
final class IndexRow {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte LONG_TAG = 2;
    private static final byte DOUBLE = 3;
    private static final byte BOOLEAN = 4;
    private static final byte INSTANT = 5;
    private static final byte UUID_TAG = 6;
    /** Most values a row holds (the count is one byte). */
    static final int MAX_VALUES = 255;

    private IndexRow() {}

    /** Encodes normalised index values (String, Long, Double, Boolean, Instant, UUID or null). */
    static byte[] of(Object[] values) {
        if (values.length > MAX_VALUES) {
            throw new IllegalArgumentException("at most " + MAX_VALUES + " index values, not " + values.length);
        }
        int size = 1;
        for (Object v : values) {
            size += encodedLength(v);
        }
        byte[] row = new byte[size];
        row[0] = (byte) values.length;
        int at = 1;
        for (Object v : values) {
            at = write(v, row, at);
        }
        return row;
    }

    /** One value alone, as the slice a row would hold for it (a bound to compare entries with). */
    static byte[] single(Object value) {
        byte[] out = new byte[encodedLength(value)];
        write(value, out, 0);
        return out;
    }

    static int count(byte[] row) {
        return row[0] & 0xFF;
    }

    /** Where value {@code i} starts in {@code row}. */
    static int start(byte[] row, int i) {
        if (i < 0 || i >= count(row)) {
            throw new IndexOutOfBoundsException(i);
        }
        int at = 1;
        for (int j = 0; j < i; j++) {
            at = end(row, at);
        }
        return at;
    }

    /** Where the value starting at {@code at} ends (exclusive). */
    static int end(byte[] row, int at) {
        return switch (row[at]) {
            case NULL -> at + 1;
            case LONG_TAG, DOUBLE -> at + 9;
            case BOOLEAN -> at + 2;
            case INSTANT -> at + 13;
            case UUID_TAG -> at + 17;
            case STRING -> {
                int i = at + 1;
                while (row[i] != 0) {
                    i++;
                }
                yield i + 1;
            }
            default -> throw new IllegalStateException("corrupt index row: tag " + row[at]);
        };
    }

    /** Decodes the value in {@code row[from..)}. */
    static Object decode(byte[] row, int from) {
        int p = from + 1;
        return switch (row[from]) {
            case NULL -> null;
            case STRING -> new String(row, p, end(row, from) - p - 1, StandardCharsets.UTF_8);
            case LONG_TAG -> (long) LONG.get(row, p) ^ Long.MIN_VALUE;
            case DOUBLE -> {
                long bits = (long) LONG.get(row, p);
                yield Double.longBitsToDouble(bits < 0 ? bits ^ Long.MIN_VALUE : ~bits);
            }
            case BOOLEAN -> row[p] != 0;
            case INSTANT -> Instant.ofEpochSecond((long) LONG.get(row, p) ^ Long.MIN_VALUE, (int) INT.get(row, p + 8));
            case UUID_TAG -> new UUID((long) LONG.get(row, p), (long) LONG.get(row, p + 8));
            default -> throw new IllegalStateException("corrupt index row: tag " + row[from]);
        };
    }

    /** Whether two encoded values are equal (hence the values are). */
    static boolean equal(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        return (a == b && aFrom == bFrom) || Arrays.equals(a, aFrom, aTo, b, bFrom, bTo);
    }

    /** Index order of two encoded values, nulls first. */
    static int compare(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        return Arrays.compareUnsigned(a, aFrom, aTo, b, bFrom, bTo);
    }

    private static int encodedLength(Object v) {
        return switch (v) {
            case null -> 1;
            case String s -> 2 + utf8Length(s);
            case Long l -> 9;
            case Double d -> 9;
            case Boolean b -> 2;
            case Instant t -> 13;
            case UUID u -> 17;
            default -> throw new IllegalArgumentException("not a normalised index value: " + v.getClass().getName());
        };
    }

    private static int write(Object v, byte[] out, int at) {
        switch (v) {
            case null -> {
                out[at] = NULL;
                return at + 1;
            }
            case String s -> {
                out[at] = STRING;
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, out, at + 1, utf8.length);
                out[at + 1 + utf8.length] = 0;
                return at + 2 + utf8.length;
            }
            case Long l -> {
                out[at] = LONG_TAG;
                LONG.set(out, at + 1, l ^ Long.MIN_VALUE);
                return at + 9;
            }
            case Double d -> {
                out[at] = DOUBLE;
                long bits = Double.doubleToLongBits(d);
                LONG.set(out, at + 1, bits < 0 ? ~bits : bits ^ Long.MIN_VALUE);
                return at + 9;
            }
            case Boolean b -> {
                out[at] = BOOLEAN;
                out[at + 1] = (byte) (b ? 1 : 0);
                return at + 2;
            }
            case Instant t -> {
                out[at] = INSTANT;
                LONG.set(out, at + 1, t.getEpochSecond() ^ Long.MIN_VALUE);
                INT.set(out, at + 9, t.getNano());
                return at + 13;
            }
            case UUID u -> {
                out[at] = UUID_TAG;
                LONG.set(out, at + 1, u.getMostSignificantBits());
                LONG.set(out, at + 9, u.getLeastSignificantBits());
                return at + 17;
            }
            default -> throw new IllegalArgumentException("not a normalised index value: " + v.getClass().getName());
        }
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("index strings hold no U+0000");
            }
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("index strings hold no unpaired surrogate");
            } else {
                n += 3;
            }
        }
        return n;
    }
}
