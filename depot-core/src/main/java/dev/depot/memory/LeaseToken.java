package dev.depot.memory;

/**
 * A memory queue's lease tokens: a per-queue counter, shown as its decimal digits. The queue keeps
 * the number and compares numbers, so formatting a token (for the {@code Lease} handed out) and
 * reading one back (from a {@code Lease} handed in) both happen outside the queue lock.
 */
final class LeaseToken {
    /** No lease: what an entry holds when not leased, and what a string that no lease here could carry reads as. */
    static final long NONE = 0;

    private LeaseToken() {
    }

    static String format(long token) {
        return Long.toString(token);
    }

    /**
     * The number {@code token} shows, or {@link #NONE} if it is not exactly a string {@link #format}
     * makes (a sign, a leading zero or too many digits would otherwise read as a current token).
     */
    static long parse(String token) {
        int n = token.length();
        if (n == 0 || n > 18 || token.charAt(0) == '0') {
            return NONE;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            int d = token.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return NONE;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
