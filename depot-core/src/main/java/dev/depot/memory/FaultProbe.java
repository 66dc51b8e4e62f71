package dev.depot.memory;

/**
 * Points in the commit path and in background work where a test can make the engine fail (throw
 * any {@link Throwable}), to prove a commit applies whole or not at all. {@link #NONE} in
 * production: one volatile read and a call per point.
 */
@FunctionalInterface
interface FaultProbe {
    /** Where a probe is consulted. */
    enum Point {
        /** Inside the commit section, before the first version is installed. */
        BEFORE_INSTALL,
        /** Before each version is installed (so also after some were). */
        INSTALL,
        /** Before each index entry (or key) is added to an {@link OrderedRuns}. */
        INDEX_ADD,
        /** Before each change event is appended. */
        EVENT_APPEND,
        /** After every event is appended, just before the range is published. */
        AFTER_EVENTS,
        /** Inside a merge of {@link OrderedRuns}, after its recent runs were frozen. */
        MERGE
    }

    void at(Point point);

    FaultProbe NONE = point -> {};
}
