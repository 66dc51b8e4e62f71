package dev.depot.spi;

/**
 * String order by Unicode code point, which equals UTF-8 byte order and PostgreSQL's {@code COLLATE
 * "C"}. Java's {@link String#compareTo} orders by UTF-16 code unit and so puts supplementary
 * characters (surrogate pairs) before U+E000..U+FFFF; this does not.
 */
public final class CodePoints {
    private CodePoints() {}

    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // Only when both are in the surrogate-or-above range can UTF-16 order disagree.
                if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE) {
                    return fixup(x) - fixup(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    /** Lifts surrogates above U+E000..U+FFFF so that pairs compare as the code points they encode. */
    private static int fixup(char c) {
        return Character.isSurrogate(c) ? c + 0x2000 : c - 0x800;
    }

    /** The smallest string greater than every string starting with {@code prefix}, or null if none. */
    public static String prefixUpperBound(String prefix) {
        int[] cps = prefix.codePoints().toArray();
        for (int i = cps.length - 1; i >= 0; i--) {
            if (cps[i] < Character.MAX_CODE_POINT) {
                int next = cps[i] + 1;
                if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
                    next = Character.MAX_SURROGATE + 1;
                }
                return new String(cps, 0, i) + new String(Character.toChars(next));
            }
        }
        return null;
    }

    /**
     * Whether {@code s} holds a surrogate that is not half of a well-formed pair (a lone high or low
     * surrogate, or a low before a high). Such text has no UTF-8 form: PostgreSQL, H2 and SQLite
     * replace it with '?' and so make distinct keys and index values equal, which is why keys and
     * index values may not hold one.
     */
    public static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /** UTF-8 length without allocating. */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
