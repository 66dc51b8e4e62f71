package dev.depot.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;

/**
 * The value types an index can hold, with the one coercion and one order every backend uses.
 * Normalised values are {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code
 * Instant} (truncated to microseconds) and {@code UUID}.
 */
public enum IndexType {
    /** Text of at most {@link #MAX_STRING_CODE_POINTS} code points, without U+0000 or unpaired surrogates. */
    STRING("String"),
    /** Any {@code long}; int, short and byte widen to it. */
    LONG("Long"),
    /** Any double but NaN, infinities included; float widens; -0.0 is 0.0. */
    DOUBLE("Double"),
    BOOLEAN("Boolean"),
    /** {@link #MIN_INSTANT} to {@link #MAX_INSTANT}, truncated to microseconds. */
    INSTANT("Instant"),
    UUID("UUID");

    /**
     * Earliest Instant index value: the first instant of year 1, where SQL timestamps and ISO-8601
     * four-digit years begin. One range for every backend, checked by core at the call.
     */
    public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

    /** Latest Instant index value: the last microsecond of year 9999. */
    public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

    private final String label;

    IndexType(String label) {
        this.label = label;
    }

    /** The readable name used in messages: "String", "Long", "Double", "Boolean", "Instant", "UUID". */
    public String label() {
        return label;
    }

    /** The label with its indefinite article, for messages: "a Long", "an Instant", "a UUID". */
    public String withArticle() {
        return withArticle(label);
    }

    /** "an Integer", "a String", "a UUID": by the first letter, with U read as "you". */
    private static String withArticle(String typeName) {
        return (!typeName.isEmpty() && "AEIO".indexOf(typeName.charAt(0)) >= 0 ? "an " : "a ") + typeName;
    }

    /**
     * Longest String index value, in code points: what every supported database can put in a B-tree
     * entry next to a 255-byte key (MariaDB's 3072-byte limit with 4-byte characters, PostgreSQL's
     * ~2700-byte limit).
     */
    public static final int MAX_STRING_CODE_POINTS = 512;

    /**
     * Most UTF-8 bytes a record's String index values may hold together (12 KiB). MariaDB (InnoDB,
     * 16 KiB pages) writes the values of every secondary index of a row into one undo log record
     * when the row is updated or deleted, and refuses a record past about 15,300 bytes ("Undo log
     * record is too big"); it stores such a row, which then could not be changed, deleted or
     * cleared. The rest of the page's room is left for the key and the other index values.
     */
    public static final int MAX_STRING_BYTES_PER_RECORD = 12 * 1024;

    /** The index type for a declared Java type; {@link IllegalArgumentException} if none fits. */
    public static IndexType of(Class<?> type) {
        if (type == String.class || type.isEnum()) {
            return STRING;
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class
                || type == Short.class || type == short.class || type == Byte.class || type == byte.class) {
            return LONG;
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return DOUBLE;
        }
        if (type == Boolean.class || type == boolean.class) {
            return BOOLEAN;
        }
        if (type == Instant.class) {
            return INSTANT;
        }
        if (type == java.util.UUID.class) {
            return UUID;
        }
        throw new IllegalArgumentException("unsupported index type " + type.getName()
                + " (use String, Long, Integer, Double, Boolean, Instant, UUID or an enum)");
    }

    /**
     * Coerces {@code value} to this type's normalised form. Null stays null. Throws {@link
     * IllegalArgumentException} (without echoing the value) if it cannot be coerced.
     */
    public Object coerce(Object value) {
        if (value == null) {
            return null;
        }
        Object out = switch (this) {
            case STRING -> checkText(value instanceof String s ? s
                    : value instanceof Enum<?> e ? e.name()
                    : value instanceof Character c ? c.toString() : null);
            case LONG -> toLong(value);
            case DOUBLE -> toDouble(value);
            case BOOLEAN -> value instanceof Boolean b ? b : null;
            case INSTANT -> toInstant(value);
            case UUID -> value instanceof java.util.UUID u ? u : parseUuid(value);
        };
        if (out == null) {
            throw new IllegalArgumentException(withArticle(value.getClass().getSimpleName())
                    + " cannot be coerced to " + withArticle() + " index value");
        }
        return out;
    }

    /** Compares two non-null normalised values of this type. */
    public int compare(Object a, Object b) {
        return switch (this) {
            case STRING -> CodePoints.compare((String) a, (String) b);
            case LONG -> Long.compare((Long) a, (Long) b);
            case DOUBLE -> Double.compare((Double) a, (Double) b);
            case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
            case INSTANT -> ((Instant) a).compareTo((Instant) b);
            case UUID -> compareUuids((java.util.UUID) a, (java.util.UUID) b);
        };
    }

    /** Compares normalised values that may be null: null sorts first. */
    public int compareNullsFirst(Object a, Object b) {
        if (a == null) {
            return b == null ? 0 : -1;
        }
        return b == null ? 1 : compare(a, b);
    }

    /** UUID order of the canonical lowercase text, which is unsigned 128-bit order. */
    public static int compareUuids(java.util.UUID a, java.util.UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    private static String checkText(String s) {
        if (s == null) {
            return null;
        }
        if (s.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("String index values cannot contain U+0000 (PostgreSQL text cannot hold it)");
        }
        if (CodePoints.hasUnpairedSurrogate(s)) {
            throw new IllegalArgumentException("String index values cannot contain an unpaired surrogate"
                    + " (it has no UTF-8 form; SQL databases would turn it into '?')");
        }
        if (s.length() > MAX_STRING_CODE_POINTS && s.codePointCount(0, s.length()) > MAX_STRING_CODE_POINTS) {
            throw new IllegalArgumentException("String index values are limited to " + MAX_STRING_CODE_POINTS
                    + " code points, this one has " + s.codePointCount(0, s.length()));
        }
        return s;
    }

    private static Long toLong(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            if (v instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (v instanceof BigDecimal d) {
                return d.longValueExact();
            }
        } catch (ArithmeticException e) {
            return null;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p63 ? (long) d : null;
        }
        return null;
    }

    private static Double toDouble(Object v) {
        if (!(v instanceof Number n)) {
            return null;
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            throw new IllegalArgumentException("NaN is not a valid Double index value");
        }
        return d == 0.0 ? 0.0 : d; // -0.0 and 0.0 are one value, as in SQL
    }

    private static Instant toInstant(Object v) {
        Instant i = v instanceof Instant x ? x
                : v instanceof OffsetDateTime o ? o.toInstant()
                : v instanceof ZonedDateTime z ? z.toInstant()
                : v instanceof Date d ? d.toInstant()
                : v instanceof String s ? parseInstant(s) : null;
        if (i == null) {
            return null;
        }
        // Truncate first (towards the past, as the index does), then check, so the range holds
        // for what is stored: 9999-12-31T23:59:59.9999999Z is accepted as .999999.
        Instant t = i.truncatedTo(ChronoUnit.MICROS);
        if (t.isBefore(MIN_INSTANT) || t.isAfter(MAX_INSTANT)) {
            throw new IllegalArgumentException("Instant index values must lie between " + MIN_INSTANT + " and "
                    + MAX_INSTANT + " (the range every backend stores)");
        }
        return t;
    }

    private static Instant parseInstant(String s) {
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static java.util.UUID parseUuid(Object v) {
        if (v instanceof String s && s.length() == 36) {
            try {
                return java.util.UUID.fromString(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }
}
