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

    /**
     * Whether an {@code If-None-Match} header names the entity whose tag is {@code opaque} (unquoted):
     * {@code *}, or a comma-separated list of tags compared weakly, as RFC 9110 says for this header
     * ({@code W/"3"} matches {@code "3"}), quoted or bare.
     */
    static boolean noneMatchHits(String header, String opaque) {
        String h = header.strip();
        if (h.equals("*")) {
            return true;
        }
        for (String part : h.split(",")) {
            String t = part.strip();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                t = t.substring(1, t.length() - 1);
            }
            if (t.equals(opaque)) {
                return true;
            }
        }
        return false;
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
