package dev.depot;

/**
 * What one blob bucket holds, in {@link DepotStats#blobs()}.
 *
 * @param blobs number of blobs
 * @param bytes total content bytes
 */
public record BucketStats(long blobs, long bytes) {}
