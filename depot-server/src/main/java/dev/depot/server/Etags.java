package dev.depot.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Entity tags in conditional headers. A record's version is the strong tag {@code "3"}; conditional
 * headers accept the quoted or the bare number; a tag that is no version can never match. A blob's
 * tag is its content etag, quoted.
 */
final class Etags {
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

    /**
     * The record versions an {@code If-Match} list names ({@code "3"}, {@code 3}, {@code "3", "5"}),
     * in the order given; weak tags and tags that are no version are left out, as they can never
     * match. The caller handles {@code *} first. Empty when nothing can match.
     */
    static List<Long> versions(String header) {
        List<Long> out = new ArrayList<>();
        for (String t : strongTags(header)) {
            try {
                long v = Long.parseLong(t);
                if (v >= 1 && !out.contains(v)) {
                    out.add(v);
                }
            } catch (NumberFormatException e) {
                // not a version: cannot match
            }
        }
        return out;
    }
}
