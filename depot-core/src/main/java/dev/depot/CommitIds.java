package dev.depot;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commit ids: {@code <bound>-<process>-<counter>}, made client-side at no cost. {@code bound} is a
 * sequence already committed when the transaction began, so all its change events would have
 * greater sequences: if no retained event carries the id and the feed's trim floor is at most the
 * bound, the commit was certainly not applied. {@code process} is 64 random bits drawn once per JVM
 * and {@code counter} counts within it, so ids are unique across processes.
 */
final class CommitIds {
    private static final String PROCESS = Long.toHexString(new SecureRandom().nextLong() | Long.MIN_VALUE);
    private static final AtomicLong COUNTER = new AtomicLong();

    private CommitIds() {}

    static String next(long bound) {
        return bound + "-" + PROCESS + "-" + Long.toHexString(COUNTER.incrementAndGet());
    }

    /** The bound of an id made by {@link #next}; an {@link IllegalArgumentException} for anything else. */
    static long bound(String id) {
        if (id == null) {
            throw new IllegalArgumentException("commit id must not be null");
        }
        String[] parts = id.split("-", -1);
        if (parts.length == 3 && id.length() <= 64 && parts[1].length() == 16 && !parts[2].isEmpty()) {
            try {
                Long.parseUnsignedLong(parts[1], 16);
                Long.parseUnsignedLong(parts[2], 16);
                long bound = Long.parseLong(parts[0]);
                if (bound >= 0) {
                    return bound;
                }
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw new IllegalArgumentException("not a commit id (expected what Transaction.id() returns)");
    }
}
