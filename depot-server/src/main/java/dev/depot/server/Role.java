package dev.depot.server;

/** What an API key may do; each role includes the ones before it. */
enum Role {
    /** Reads: GET and HEAD, queries, the change feed. */
    READ,
    /** Writes records and blobs, produces and leases queue items, runs batches. */
    WRITE,
    /** Declares collections, sets queue options; with every tenant, also reads {@code /metrics}. */
    ADMIN;

    boolean includes(Role other) {
        return compareTo(other) >= 0;
    }
}
