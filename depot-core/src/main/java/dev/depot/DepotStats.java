package dev.depot;

import java.util.Map;

/**
 * What a depot holds.
 *
 * @param backend the backend's scheme
 * @param records record count per collection that this depot has opened or that the backend knows
 * @param changeEvents change events currently retained
 * @param approximateHeapBytes heap held by the data — records, change events, blobs and queue items
 *     (memory backend), or -1 where not applicable; watch it to avoid running out of memory
 * @param blobs blob count and bytes per bucket that holds blobs (empty without {@link Capability#BLOBS})
 */
public record DepotStats(String backend, Map<String, Long> records, long changeEvents, long approximateHeapBytes,
        Map<String, BucketStats> blobs) {
    public DepotStats {
        records = Map.copyOf(records);
        blobs = Map.copyOf(blobs);
    }

    /** Stats of a backend without blobs. */
    public DepotStats(String backend, Map<String, Long> records, long changeEvents, long approximateHeapBytes) {
        this(backend, records, changeEvents, approximateHeapBytes, Map.of());
    }
}
