package dev.depot;

import dev.depot.spi.CodePoints;
import java.time.Duration;
import java.util.Collection;
import java.util.regex.Pattern;

/** The validation every queue call goes through before a backend sees it; one wording for all backends. */
final class QueueRules {
    static final int MAX_BATCH = 1000;
    /**
     * 4 MiB: MariaDB's default 16 MiB packet carries a payload escaped in the text protocol (a NUL,
     * quote or backslash byte takes two), with its headers, in one statement; 16 MiB ran in memory,
     * H2, SQLite and PostgreSQL and failed on MariaDB.
     */
    static final int MAX_PAYLOAD_BYTES = 4 << 20;
    static final int MAX_DEDUP_KEY_BYTES = 255;
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_BYTES = 1024;
    static final int MAX_REASON_CHARS = 1000;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private QueueRules() {}

    static String checkName(String name, String what) {
        if (name == null) {
            throw new IllegalArgumentException(what + " name must not be null");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid " + what + " name '" + name + "': must match [a-z][a-z0-9_]{0,62}");
        }
        return name;
    }

    /** How every queue error starts: {@code queue jobs: } (the stale-lease and drop errors of {@code QueueConflicts} too). */
    static String in(String queue) {
        return "queue " + queue + ": ";
    }

    /**
     * A batch of 1 to 1,000 leases of this queue, each item once: as {@code saveAll} refuses a key
     * twice, a batch naming an item twice is refused whole, changing nothing (one copy was applied and
     * the other reported stale, while a transaction's batch was refused).
     */
    static void checkLeases(String queue, java.util.List<Lease> leases) {
        checkBatch(queue, leases, "leases");
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Lease l : leases) {
            checkLease(queue, l);
            if (!ids.add(l.id())) {
                throw new IllegalArgumentException(in(queue) + "item " + l.id() + " appears twice in one batch of leases");
            }
        }
    }

    /** An item id to look up; any text (an id no item has finds nothing). */
    static String checkId(String queue, String id) {
        if (id == null) {
            throw new IllegalArgumentException(in(queue) + "item id must not be null");
        }
        return id;
    }

    static void checkBatch(String queue, Collection<?> items, String what) {
        if (items == null) {
            throw new IllegalArgumentException(in(queue) + what + " must not be null");
        }
        if (items.isEmpty() || items.size() > MAX_BATCH) {
            throw new IllegalArgumentException(in(queue) + "a batch of " + what + " holds 1 to " + MAX_BATCH
                    + ", was " + items.size());
        }
        for (Object o : items) {
            if (o == null) {
                throw new IllegalArgumentException(in(queue) + "a batch of " + what + " must not contain null");
            }
        }
    }

    static void checkMax(String queue, int max) {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException(in(queue) + "lease max must be 1 to " + MAX_BATCH + ", was " + max);
        }
    }

    static void checkWait(String queue, Duration wait) {
        if (wait == null || wait.isNegative() || wait.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(in(queue) + "wait must be between 0 and 1 day, was " + wait);
        }
    }

    static void checkDelay(String queue, Duration delay, String what) {
        if (delay == null || delay.isNegative() || delay.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException(in(queue) + what + " must be between 0 and 365 days, was " + delay);
        }
    }

    static void checkExtension(String queue, Duration by) {
        if (by == null || by.compareTo(Duration.ofMillis(1)) < 0 || by.compareTo(QueueOptions.MAX_LEASE) > 0) {
            throw new IllegalArgumentException(in(queue) + "a lease extension must be between 1 ms and 7 days, was " + by);
        }
    }

    static String checkReason(String queue, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException(in(queue) + "a dead-letter reason is required");
        }
        if (reason.length() > MAX_REASON_CHARS) {
            throw new IllegalArgumentException(in(queue) + "a dead-letter reason holds at most " + MAX_REASON_CHARS
                    + " characters, was " + reason.length());
        }
        if (!storable(reason)) {
            throw new IllegalArgumentException(in(queue) + "a dead-letter reason may not hold U+0000 or an unpaired surrogate");
        }
        return reason;
    }

    /** A lease holder is free text, stored with the lease: what SQL databases can store (PostgreSQL refuses U+0000). */
    static String checkHolder(String queue, String holder) {
        if (holder != null && !storable(holder)) {
            throw new IllegalArgumentException(in(queue) + "a lease holder may not hold U+0000 or an unpaired surrogate");
        }
        return holder;
    }

    /** Text every backend stores as given: no U+0000 (PostgreSQL refuses it), no unpaired surrogate (SQL stored '?'). */
    private static boolean storable(String s) {
        return s.indexOf('\0') < 0 && !CodePoints.hasUnpairedSurrogate(s);
    }

    /** A lease handed back to the queue it came from. */
    static void checkLease(String queue, Lease lease) {
        if (lease == null) {
            throw new IllegalArgumentException(in(queue) + "lease must not be null");
        }
        if (!lease.queue().equals(queue)) {
            throw new IllegalArgumentException(in(queue) + "item " + lease.id() + " was leased from queue '"
                    + lease.queue() + "', not from this one");
        }
    }

    static void checkMessage(String queue, Message m) {
        if (m == null) {
            throw new IllegalArgumentException(in(queue) + "message must not be null");
        }
        if (m.size() > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(in(queue) + "a payload holds at most " + MAX_PAYLOAD_BYTES
                    + " bytes, was " + m.size());
        }
    }

    /** Limits of the parts of a message, checked as the message is built. */
    static String checkDedupKey(String key) {
        if (key == null || key.isEmpty() || !isText(key, MAX_DEDUP_KEY_BYTES)) {
            throw new IllegalArgumentException("a dedup key is 1 to " + MAX_DEDUP_KEY_BYTES
                    + " UTF-8 bytes without U+0000 or an unpaired surrogate");
        }
        return key;
    }

    static void checkHeader(String name, String value, int count) {
        if (name == null || name.isEmpty() || !isText(name, MAX_HEADER_BYTES)) {
            throw new IllegalArgumentException("a header name is 1 to " + MAX_HEADER_BYTES
                    + " UTF-8 bytes without U+0000 or an unpaired surrogate");
        }
        if (value == null || !isText(value, MAX_HEADER_BYTES)) {
            throw new IllegalArgumentException("header '" + name + "': a value is 0 to " + MAX_HEADER_BYTES
                    + " UTF-8 bytes without U+0000 or an unpaired surrogate");
        }
        if (count > MAX_HEADERS) {
            throw new IllegalArgumentException("a message holds at most " + MAX_HEADERS + " headers");
        }
    }

    /**
     * Whether {@code s} is UTF-8 text of at most {@code maxBytes} bytes without U+0000. An unpaired
     * surrogate has no UTF-8 form: SQL backends stored it as '?' while memory kept it.
     */
    private static boolean isText(String s, int maxBytes) {
        return storable(s) && CodePoints.utf8Length(s) <= maxBytes;
    }
}
