package dev.depot.server;

/**
 * A record's version as an HTTP entity tag: version 3 is the strong tag {@code "3"}. Conditional
 * headers accept the quoted or the bare number; a tag that is no version can never match.
 */
final class Etags {
    static final long NO_MATCH = -1;

    private Etags() {}

    static String of(long version) {
        return "\"" + version + "\"";
    }

    /** The version an {@code If-Match} names, or {@link #NO_MATCH}. Lists and weak tags are not supported. */
    static long version(String header) {
        String h = header.trim();
        if (h.startsWith("\"") && h.endsWith("\"") && h.length() >= 2) {
            h = h.substring(1, h.length() - 1);
        }
        try {
            long v = Long.parseLong(h);
            return v >= 1 ? v : NO_MATCH;
        } catch (NumberFormatException e) {
            return NO_MATCH;
        }
    }
}
