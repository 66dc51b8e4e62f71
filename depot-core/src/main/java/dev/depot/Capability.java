package dev.depot;

/** Optional abilities a backend declares in {@link Depot#capabilities()}. */
public enum Capability {
    /** Records with declared indexes, versions and queries. */
    RECORDS,
    /** {@link Depot#transact} with snapshot isolation and first-committer-wins conflicts. */
    TRANSACTIONS,
    /** Unique indexes. */
    UNIQUE_INDEXES,
    /** The change feed. */
    CHANGE_FEED,
    /** Work queues: {@link Depot#queue(String, QueueOptions)} and {@link Transaction#queue(String)}. */
    QUEUES,
    /**
     * Data survives closing the depot and the process. Memory lacks only this. (H2 files write
     * commits every half second unless the URL sets {@code ;WRITE_DELAY=0}: a killed process can
     * lose its last ones; CONTRACT §1 "Crashes and full disks".)
     */
    DURABLE,
    /** {@link Depot#blobs(String)}: streamed blobs in buckets. */
    BLOBS
}
