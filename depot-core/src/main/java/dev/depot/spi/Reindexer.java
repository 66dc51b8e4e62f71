package dev.depot.spi;

/**
 * Computes a stored document's index values with the schema's extractors; given to {@link
 * Backend#prepare} so a backend can backfill indexes that were added since the data was written.
 */
@FunctionalInterface
public interface Reindexer {
    /** Normalised index values by index position. */
    Object[] indexValues(byte[] document);
}
