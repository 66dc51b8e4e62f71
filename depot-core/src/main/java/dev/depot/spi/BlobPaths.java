package dev.depot.spi;

import dev.depot.InvalidPathException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The blob path and bucket name rules, once for every backend. Core validates every path before a
 * backend sees it, so a backend can map a path to file names or keys without escaping: no segment is
 * empty, {@code .} or {@code ..}, none holds a control character, and each fits a file name.
 */
public final class BlobPaths {
    /** Most UTF-8 bytes in a path. */
    public static final int MAX_BYTES = 1024;
    /** Most UTF-8 bytes in a segment: the file-name limit of common file systems. */
    public static final int MAX_SEGMENT_BYTES = 255;

    private static final Pattern BUCKET = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private BlobPaths() {}

    /** Checks a bucket name: {@code [a-z][a-z0-9_]{0,62}}, like collection names. */
    public static String bucket(String name) {
        Objects.requireNonNull(name, "bucket");
        if (!BUCKET.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid bucket name '" + shorten(name) + "': must match [a-z][a-z0-9_]{0,62}");
        }
        return name;
    }

    /** Returns {@code path} if it obeys every path rule, else throws {@link InvalidPathException} naming the rule. */
    public static String check(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) {
            throw invalid(path, "it is empty");
        }
        if (path.charAt(0) == '/') {
            throw invalid(path, "it starts with '/'");
        }
        if (path.charAt(path.length() - 1) == '/') {
            throw invalid(path, "it ends with '/'");
        }
        int bytes = 0;
        int segmentStart = 0;
        int segmentBytes = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw invalid(path, "it contains a control character (U+" + String.format("%04X", (int) c) + ") at index " + i);
            }
            int n;
            if (c < 0x80) {
                n = 1;
            } else if (c < 0x800) {
                n = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < path.length() && Character.isLowSurrogate(path.charAt(i + 1))) {
                n = 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(path, "it contains an unpaired surrogate at index " + i + " (not encodable in UTF-8)");
            } else {
                n = 3;
            }
            bytes += n;
            if (c == '/') {
                checkSegment(path, segmentStart, i, segmentBytes);
                segmentStart = i + 1;
                segmentBytes = 0;
            } else {
                segmentBytes += n;
            }
        }
        checkSegment(path, segmentStart, path.length(), segmentBytes);
        if (bytes > MAX_BYTES) {
            throw invalid(path, "it is " + bytes + " UTF-8 bytes; at most " + MAX_BYTES);
        }
        return path;
    }

    private static void checkSegment(String path, int start, int end, int bytes) {
        if (start == end) {
            throw invalid(path, "it has an empty segment ('//')");
        }
        if (end - start == 1 && path.charAt(start) == '.') {
            throw invalid(path, "it has a '.' segment");
        }
        if (end - start == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.') {
            throw invalid(path, "it has a '..' segment");
        }
        if (bytes > MAX_SEGMENT_BYTES) {
            throw invalid(path, "a segment is " + bytes + " UTF-8 bytes; at most " + MAX_SEGMENT_BYTES);
        }
    }

    /**
     * Checks a listing prefix or cursor: any text of at most {@link #MAX_BYTES} + 1 bytes without
     * control characters or unpaired surrogates. An unpaired surrogate (say a prefix cut inside an
     * emoji) has no UTF-8 form: SQL backends, which compare paths as UTF-8 bytes, would see it as
     * {@code ?} and list other blobs than memory and {@code file:}, which compare strings.
     */
    public static String checkFragment(String what, String text) {
        Objects.requireNonNull(text, what);
        if (CodePoints.utf8Length(text) > MAX_BYTES + 1) {
            throw new IllegalArgumentException(what + " is longer than any path");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(what + " contains a control character at index " + i);
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(what + " contains an unpaired surrogate at index " + i
                            + " (not encodable in UTF-8)");
                }
            }
        }
        return text;
    }

    /** The proper ancestors of a valid path, shortest first: {@code a/b/c} gives {@code a}, {@code a/b}. */
    public static List<String> ancestors(String path) {
        List<String> out = new ArrayList<>();
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
            out.add(path.substring(0, i));
        }
        return out;
    }

    /** The listing key of a directory: its path and a {@code /}. */
    public static String directoryKey(String path) {
        return path + "/";
    }

    /** A path for a message: control characters replaced, at most 100 characters. */
    public static String shorten(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 100; i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return text.length() > 100 ? b + "…" : b.toString();
    }

    private static InvalidPathException invalid(String path, String rule) {
        return new InvalidPathException("invalid blob path '" + shorten(path) + "': " + rule);
    }
}
