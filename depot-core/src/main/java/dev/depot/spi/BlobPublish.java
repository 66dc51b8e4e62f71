package dev.depot.spi;

import dev.depot.WriteOptions;
import java.time.Instant;

/**
 * What core knows when a blob is published: the options it was written with, its size and etag
 * (computed by core from the streamed bytes) and the depot clock's time.
 */
public record BlobPublish(WriteOptions options, long size, String etag, Instant now) {}
