package dev.depot.server;

/**
 * The {@code limit} query parameter, read one way on every paged route (the change feed, blob
 * listings, queue items): absent or empty means the route's default, otherwise a decimal integer from
 * 1 to the route's maximum, or a 400 {@code invalid-limit} that names the range.
 */
final class Limits {
    private Limits() {}

    static int parse(String raw, int byDefault, int max) {
        if (raw == null || raw.isBlank()) {
            return byDefault;
        }
        String digits = raw.strip();
        // At most 10 digits: Integer.parseInt also takes a sign, and a longer number is out of range anyway.
        if (digits.length() <= 10 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long v = Long.parseLong(digits);
            if (v >= 1 && v <= max) {
                return (int) v;
            }
        }
        throw ProblemException.badRequest("invalid-limit", "limit must be an integer from 1 to " + max);
    }
}
