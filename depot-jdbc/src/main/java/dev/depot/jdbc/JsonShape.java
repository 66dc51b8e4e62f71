package dev.depot.jdbc;

import java.util.Arrays;

/**
 * What a stored document is as JSON, found in one strict pass over its bytes, so that a database's
 * JSON column can hold it without Depot losing a bit: whether it is JSON at all (RFC 8259, UTF-8,
 * one value), how deeply it nests, whether a string holds {@code \u0000} (which PostgreSQL's
 * {@code jsonb} rejects), whether PostgreSQL could parse it at all (no lone surrogate escape, no
 * number beyond {@code numeric}), and whether it is <em>jsonb-canonical</em>: exactly the text
 * {@code jsonb} prints for it once the spaces it puts after {@code :} and {@code ,} are removed
 * (keys unique and in jsonb's order — shorter first, then by bytes —, numbers without exponent,
 * leading {@code +}, or negative zero, strings escaped as jsonb escapes them, no whitespace), or
 * jsonb-canonical <em>but for key order</em>: the same with each object's (unique) keys in any order,
 * which jsonb gives back sorted.
 *
 * <p>The pass allocates only its small buffers (no copy per key, no boxing), so it is cheap beside
 * the statement that writes the document.
 *
 * <p>The scanner is stricter than the databases: a document it calls JSON is accepted by both
 * PostgreSQL's and MariaDB's parsers, so a write never fails because of its document; what it
 * rejects is simply kept as bytes.
 */
record JsonShape(boolean json, int depth, boolean hasNul, boolean loneSurrogate, boolean numbersFitNumeric, boolean jsonbCanonical,
        boolean jsonbCanonicalButKeyOrder, int[] nulEscapes) {
    /** An exponent PostgreSQL's numeric surely takes (it holds 131072 digits before the point, 16383 after). */
    private static final int MAX_EXPONENT = 10_000;
    /** Deeper documents are kept as bytes (Depot's JSON codec writes at most 500 levels). */
    private static final int MAX_DEPTH = 1000;
    private static final int[] NO_NULS = new int[0];
    private static final JsonShape NOT_JSON = new JsonShape(false, 0, false, false, false, false, false, NO_NULS);

    /** Whether PostgreSQL's JSON parser takes the document (apart from U+0000, see {@link #withoutNul}). */
    boolean pgParsable() {
        return json && !loneSurrogate && numbersFitNumeric;
    }

    static JsonShape of(byte[] doc) {
        try {
            Scanner s = new Scanner(doc);
            s.whitespace();
            s.value(0);
            s.whitespace();
            if (s.at != doc.length) {
                return NOT_JSON;
            }
            int[] nuls = s.nulCount == 0 ? NO_NULS : Arrays.copyOf(s.nuls, s.nulCount);
            boolean sortable = s.canonical && !s.loneSurrogate && s.numbersFitNumeric && nuls.length == 0;
            return new JsonShape(true, s.maxDepth, nuls.length > 0, s.loneSurrogate, s.numbersFitNumeric,
                    sortable && !s.reordered, sortable, nuls);
        } catch (NotJson e) {
            return NOT_JSON;
        }
    }

    /**
     * The document with every {@code \u0000} escape turned into an escaped backslash and
     * {@code u0000} (a string that shows the six characters), for a jsonb column that cannot hold
     * U+0000. The exact bytes are kept beside it.
     */
    static byte[] withoutNul(byte[] doc, int[] nulEscapes) {
        byte[] out = new byte[doc.length + nulEscapes.length];
        int from = 0;
        int to = 0;
        for (int at : nulEscapes) {
            System.arraycopy(doc, from, out, to, at - from);
            to += at - from;
            out[to++] = '\\';
            from = at; // the escape's own backslash follows
        }
        System.arraycopy(doc, from, out, to, doc.length - from);
        return out;
    }

    /**
     * The jsonb text PostgreSQL prints, without the space it puts after each {@code :} and {@code ,}
     * outside strings: for a jsonb-canonical document, the document's own text.
     */
    static String compact(String jsonbText) {
        StringBuilder out = new StringBuilder(jsonbText.length());
        boolean inString = false;
        for (int i = 0; i < jsonbText.length(); i++) {
            char ch = jsonbText.charAt(i);
            if (inString) {
                out.append(ch);
                if (ch == '\\') {
                    out.append(jsonbText.charAt(++i));
                } else if (ch == '"') {
                    inString = false;
                }
            } else if (ch != ' ') {
                out.append(ch);
                inString = ch == '"';
            }
        }
        return out.toString();
    }

    private static final class NotJson extends Exception {
        NotJson() {
            super(null, null, false, false);
        }
    }

    /** How a key stands to the object's previous one in jsonb's order (shorter first, then bytewise). */
    private enum Order { IN_ORDER, DUPLICATE, OUT_OF_ORDER }

    /**
     * The keys of one object, as jsonb compares them (unescaped UTF-8), in one reused buffer. Keys in
     * jsonb's order need only the previous one to find a duplicate; once they are not, all of them
     * are compared when the object ends.
     */
    private static final class Keys {
        private byte[] bytes = new byte[128];
        private int[] ends = new int[16];
        private int count;
        private boolean unsorted;

        void clear() {
            count = 0;
            unsorted = false;
        }

        boolean unsorted() {
            return unsorted;
        }

        Order add(byte[] key, int length) {
            Order order = Order.IN_ORDER;
            if (count > 0) {
                int start = start(count - 1);
                int before = ends[count - 1] - start;
                int c = before != length ? Integer.compare(before, length)
                        : Arrays.compareUnsigned(bytes, start, start + before, key, 0, length);
                order = c == 0 ? Order.DUPLICATE : c > 0 ? Order.OUT_OF_ORDER : Order.IN_ORDER;
                unsorted |= c > 0;
            }
            int start = count == 0 ? 0 : ends[count - 1];
            if (start + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(start + length, bytes.length * 2));
            }
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
            }
            System.arraycopy(key, 0, bytes, start, length);
            ends[count++] = start + length;
            return order;
        }

        /** Whether two keys are equal (for an unsorted object: small ones pairwise, large ones by a set). */
        boolean hasDuplicate() {
            if (count > 32) {
                java.util.Set<String> seen = new java.util.HashSet<>(count * 2);
                for (int i = 0; i < count; i++) {
                    if (!seen.add(new String(bytes, start(i), ends[i] - start(i), java.nio.charset.StandardCharsets.ISO_8859_1))) {
                        return true;
                    }
                }
                return false;
            }
            for (int i = 0; i < count; i++) {
                for (int j = i + 1; j < count; j++) {
                    if (Arrays.equals(bytes, start(i), ends[i], bytes, start(j), ends[j])) {
                        return true;
                    }
                }
            }
            return false;
        }

        private int start(int i) {
            return i == 0 ? 0 : ends[i - 1];
        }
    }

    private static final class Scanner {
        private final byte[] b;
        int at;
        int maxDepth;
        /** Canonical but for key order (which {@link #reordered} tracks). */
        boolean canonical = true;
        /** Some object's keys are unique but not in jsonb's order. */
        boolean reordered;
        /** A {@code \\u} escape of half a surrogate pair: PostgreSQL and MariaDB's JSON functions refuse it. */
        boolean loneSurrogate;
        boolean numbersFitNumeric = true;
        /** Where each {@code \\u0000} escape starts. */
        int[] nuls = NO_NULS;
        int nulCount;
        /** A key's bytes as jsonb compares them (unescaped UTF-8). */
        private byte[] key = new byte[64];
        private int keyLength;
        /** Per object depth, the keys of the object being read there: reused, not allocated per key. */
        private Keys[] keysAt = new Keys[8];

        Scanner(byte[] b) {
            this.b = b;
        }

        void whitespace() {
            while (at < b.length && (b[at] == ' ' || b[at] == '\t' || b[at] == '\n' || b[at] == '\r')) {
                at++;
                canonical = false;
            }
        }

        void value(int depth) throws NotJson {
            if (at >= b.length || depth >= MAX_DEPTH) {
                throw new NotJson();
            }
            switch (b[at]) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string(false);
                case 't' -> literal("true");
                case 'f' -> literal("false");
                case 'n' -> literal("null");
                default -> number();
            }
        }

        private void object(int depth) throws NotJson {
            maxDepth = Math.max(maxDepth, depth);
            at++;
            whitespace();
            if (peek() == '}') {
                at++;
                return;
            }
            if (depth >= keysAt.length) {
                keysAt = Arrays.copyOf(keysAt, Math.max(depth + 1, keysAt.length * 2));
            }
            Keys keys = keysAt[depth] == null ? (keysAt[depth] = new Keys()) : keysAt[depth];
            keys.clear();
            while (true) {
                whitespace();
                if (peek() != '"') {
                    throw new NotJson();
                }
                string(true);
                switch (keys.add(key, keyLength)) {
                    case DUPLICATE -> canonical = false; // jsonb keeps only the last
                    case OUT_OF_ORDER -> reordered = true;
                    case IN_ORDER -> { }
                }
                whitespace();
                expect(':');
                whitespace();
                value(depth);
                whitespace();
                byte next = peek();
                at++;
                if (next == '}') {
                    if (keys.unsorted() && keys.hasDuplicate()) {
                        canonical = false; // a duplicate apart from its twin: jsonb keeps only the last
                    }
                    return;
                }
                if (next != ',') {
                    throw new NotJson();
                }
            }
        }

        private void array(int depth) throws NotJson {
            maxDepth = Math.max(maxDepth, depth);
            at++;
            whitespace();
            if (peek() == ']') {
                at++;
                return;
            }
            while (true) {
                whitespace();
                value(depth);
                whitespace();
                byte next = peek();
                at++;
                if (next == ']') {
                    return;
                }
                if (next != ',') {
                    throw new NotJson();
                }
            }
        }

        private void string(boolean isKey) throws NotJson {
            at++; // the opening quote
            keyLength = 0;
            while (true) {
                if (at >= b.length) {
                    throw new NotJson();
                }
                int c = b[at] & 0xff;
                if (c == '"') {
                    at++;
                    return;
                }
                if (c < 0x20) {
                    throw new NotJson();
                }
                if (c == '\\') {
                    escape(isKey);
                } else if (c < 0x80) {
                    at++;
                    if (isKey) {
                        keyByte(c);
                    }
                } else {
                    int start = at;
                    utf8();
                    if (isKey) {
                        for (int i = start; i < at; i++) {
                            keyByte(b[i] & 0xff);
                        }
                    }
                }
            }
        }

        private void escape(boolean isKey) throws NotJson {
            int start = at;
            if (at + 1 >= b.length) {
                throw new NotJson();
            }
            byte e = b[at + 1];
            at += 2;
            int ch;
            switch (e) {
                case '"' -> ch = '"';
                case '\\' -> ch = '\\';
                case 'b' -> ch = '\b';
                case 'f' -> ch = '\f';
                case 'n' -> ch = '\n';
                case 'r' -> ch = '\r';
                case 't' -> ch = '\t';
                case '/' -> {
                    ch = '/';
                    canonical = false; // jsonb prints a plain /
                }
                case 'u' -> {
                    ch = hex4();
                    if (ch == 0) {
                        if (nulCount == nuls.length) {
                            nuls = Arrays.copyOf(nuls, Math.max(4, nulCount * 2));
                        }
                        nuls[nulCount++] = start;
                    }
                    // jsonb prints \\u00xx (lowercase) for control characters without a short escape, the rest as UTF-8
                    boolean shortForm = ch == '\b' || ch == '\f' || ch == '\n' || ch == '\r' || ch == '\t';
                    boolean printedSo = ch < 0x20 && !shortForm && lowercaseHex(start + 2);
                    if (!printedSo) {
                        canonical = false;
                    }
                    if (Character.isHighSurrogate((char) ch)) {
                        if (at + 6 <= b.length && b[at] == '\\' && b[at + 1] == 'u') {
                            at += 2;
                            int low = hex4();
                            if (!Character.isLowSurrogate((char) low)) {
                                loneSurrogate = true;
                            }
                            ch = Character.toCodePoint((char) ch, (char) low);
                        } else {
                            loneSurrogate = true;
                        }
                    } else if (Character.isLowSurrogate((char) ch)) {
                        loneSurrogate = true;
                    }
                }
                default -> throw new NotJson();
            }
            if (isKey) {
                keyCodePoint(ch);
            }
        }

        private boolean lowercaseHex(int from) {
            for (int i = from; i < from + 4; i++) {
                if (b[i] >= 'A' && b[i] <= 'F') {
                    return false;
                }
            }
            return true;
        }

        private int hex4() throws NotJson {
            if (at + 4 > b.length) {
                throw new NotJson();
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(b[at++], 16);
                if (d < 0) {
                    throw new NotJson();
                }
                v = v * 16 + d;
            }
            return v;
        }

        /** One well-formed UTF-8 sequence of 2 to 4 bytes (no surrogates, no overlong forms). */
        private void utf8() throws NotJson {
            int c = b[at] & 0xff;
            int n;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
            } else {
                throw new NotJson();
            }
            if (at + n >= b.length) {
                throw new NotJson();
            }
            int cp = c & (0x3f >> n);
            for (int i = 1; i <= n; i++) {
                int t = b[at + i] & 0xff;
                if ((t & 0xc0) != 0x80) {
                    throw new NotJson();
                }
                cp = (cp << 6) | (t & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                throw new NotJson();
            }
            at += n + 1;
        }

        private void keyCodePoint(int cp) {
            if (cp < 0x80) {
                keyByte(cp);
            } else {
                for (byte x : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    keyByte(x & 0xff);
                }
            }
        }

        private void keyByte(int v) {
            if (keyLength == key.length) {
                key = Arrays.copyOf(key, key.length * 2);
            }
            key[keyLength++] = (byte) v;
        }

        private void number() throws NotJson {
            boolean negative = false;
            if (peek() == '-') {
                negative = true;
                at++;
            }
            int digits = digits();
            if (digits == 0 || (b[at - digits] == '0' && digits > 1)) {
                throw new NotJson(); // no digits, or a leading zero
            }
            boolean allZero = zeros(at - digits, at);
            int fraction = 0;
            if (at < b.length && b[at] == '.') {
                at++;
                fraction = digits();
                if (fraction == 0) {
                    throw new NotJson();
                }
                allZero &= zeros(at - fraction, at);
            }
            long exponent = 0;
            if (at < b.length && (b[at] == 'e' || b[at] == 'E')) {
                canonical = false; // jsonb prints the number without exponent
                at++;
                boolean minus = false;
                if (at < b.length && (b[at] == '+' || b[at] == '-')) {
                    minus = b[at] == '-';
                    at++;
                }
                int expDigits = digits();
                if (expDigits == 0) {
                    throw new NotJson();
                }
                int first = at - expDigits;
                while (first < at - 1 && b[first] == '0') {
                    first++; // leading zeros of the exponent do not count
                }
                if (at - first > 6) {
                    exponent = MAX_EXPONENT + 1;
                } else {
                    for (int i = first; i < at; i++) {
                        exponent = exponent * 10 + (b[i] - '0');
                    }
                }
                exponent = minus ? -exponent : exponent;
            }
            // Within what PostgreSQL's numeric surely holds (131072 digits before the point, 16383 after).
            if (Math.abs(exponent) > MAX_EXPONENT || digits + Math.max(0, exponent) > 100_000
                    || fraction + Math.max(0, -exponent) > 16_000) {
                numbersFitNumeric = false;
            }
            if (negative && allZero) {
                canonical = false; // numeric has no negative zero: jsonb prints 0
            }
        }

        private boolean zeros(int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] != '0') {
                    return false;
                }
            }
            return true;
        }

        private int digits() {
            int n = 0;
            while (at < b.length && b[at] >= '0' && b[at] <= '9') {
                at++;
                n++;
            }
            return n;
        }

        private void literal(String word) throws NotJson {
            for (int i = 0; i < word.length(); i++) {
                if (at >= b.length || b[at++] != word.charAt(i)) {
                    throw new NotJson();
                }
            }
        }

        private byte peek() throws NotJson {
            if (at >= b.length) {
                throw new NotJson();
            }
            return b[at];
        }

        private void expect(char ch) throws NotJson {
            if (peek() != ch) {
                throw new NotJson();
            }
            at++;
        }
    }
}
