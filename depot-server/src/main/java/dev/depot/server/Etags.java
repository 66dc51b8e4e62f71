package dev.depot.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Entity tags in conditional headers. A record's version is the strong tag {@code "3"}; conditional
 * headers accept the quoted or the bare number; a tag that is no version can never match. A blob's
 * tag is its content etag, quoted.
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

    /**
     * The tags of an {@code If-Match} list that can match, unquoted: RFC 9110 compares them strongly,
     * so a weak tag ({@code W/"…"}) never matches and is left out; quoted or bare tags are kept. The
     * caller handles {@code *} first. Empty when no tag can match.
     */
    static List<String> strongTags(String header) {
        List<String> out = new ArrayList<>();
        for (String part : header.split(",")) {
            String t = part.strip();
            if (t.startsWith("W/")) {
                continue;
            }
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                t = t.substring(1, t.length() - 1);
            }
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
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
