package dev.depot.spi;

import dev.depot.Capabilities;
import dev.depot.DepotStats;
import dev.depot.Health;

/**
 * A storage backend: the small set of primitives core builds the whole contract on. Thread-safe.
 * Everything about validation, coercion, encoding, error wording and paging lives in core.
 */
public interface Backend extends AutoCloseable {

    /** What this backend can do; the conformance kit checks the declaration against behaviour. */
    Capabilities capabilities();

    /**
     * Makes a collection ready (creates storage, reconciles declared indexes, backfilling new ones
     * with {@code reindexer}). Idempotent, called before the first use of a collection through a
     * depot. Throws {@code IllegalArgumentException} if the collection exists with an incompatible key
     * type, and {@code UniqueConstraintException} (changing nothing) if existing data violates a
     * newly declared unique index.
     */
    void prepare(CollectionSpec collection, Reindexer reindexer);

    /**
     * The origin this backend stamps on its commits' change events, fixed when it opened (see
     * {@link Origins#of}); empty for a backend that keeps none.
     */
    default String origin() {
        return "";
    }

    /** The shared auto-commit session. */
    Session autoCommit();

    /** A new transaction. */
    Session begin();

    ChangeLog changes();

    /**
     * The blob store, for a backend that declares {@link dev.depot.Capability#BLOBS}; core never calls
     * it on one that does not. {@link #clearAll()} and {@link #stats()} cover blobs too.
     */
    default BlobStore blobs() {
        throw new UnsupportedOperationException(this + " has no blobs");
    }

    /** The work queues; only backends declaring {@code QUEUES} implement it. */
    default QueueStore queues() {
        throw new UnsupportedOperationException("this backend has no work queues");
    }

    /** Deletes every record of one collection, atomically, with one change event per record. */
    void clear(CollectionSpec collection);

    /** Empties everything: all collections and the change feed (sequences keep increasing). */
    void clearAll();

    DepotStats stats();

    /** Pings the backend; never throws. */
    Health health();

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
