package dev.depot.spi;

/**
 * What a {@link ChangeLog} knows of one commit id.
 *
 * @param first sequence of the first retained event carrying the id, 0 if none
 * @param last sequence of the last retained event carrying the id, 0 if none
 * @param trimFloor the highest sequence dropped by retention or a clear (0 if none was): events
 *     above it are all retained
 * @param applied whether the backend knows the commit was applied although no event carries its id
 *     (a transaction of queue operations only has none)
 */
public record CommitLookup(long first, long last, long trimFloor, boolean applied) {

    /** A lookup by events alone. */
    public CommitLookup(long first, long last, long trimFloor) {
        this(first, last, trimFloor, false);
    }

    public boolean found() {
        return first > 0;
    }
}
