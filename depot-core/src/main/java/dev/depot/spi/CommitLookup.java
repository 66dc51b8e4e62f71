package dev.depot.spi;

/**
 * What a {@link ChangeLog} knows of one commit id.
 *
 * @param first sequence of the first retained event carrying the id, 0 if none
 * @param last sequence of the last retained event carrying the id, 0 if none
 * @param trimFloor the highest sequence dropped by retention or a clear (0 if none was): events
 *     above it are all retained
 */
public record CommitLookup(long first, long last, long trimFloor) {

    public boolean found() {
        return first > 0;
    }
}
