package dev.depot.server;

import java.time.Duration;

/** Durations in query parameters and JSON: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, or a number of seconds. */
final class Durations {
    private Durations() {}

    /** The duration {@code raw} says, zero when absent; 400 naming {@code field} when malformed or over {@code max}. */
    static Duration parse(String raw, String field, Duration max) {
        if (raw == null || raw.isBlank()) {
            return Duration.ZERO;
        }
        String s = raw.trim();
        try {
            Duration d;
            if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(s));
            }
            if (!d.isNegative() && d.compareTo(max) <= 0) {
                return d;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // falls through to the problem
        }
        throw ProblemException.badRequest("invalid-" + field.replaceAll("[^A-Za-z]+", "-").toLowerCase(java.util.Locale.ROOT),
                field + " must be like 10s or 500ms, from 0 to " + max.toSeconds() + "s");
    }
}
