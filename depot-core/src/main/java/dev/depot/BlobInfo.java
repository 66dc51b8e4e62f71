package dev.depot;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Blobs#stat(String)} knows about one blob.
 *
 * @param path the blob's path in its bucket
 * @param size its length in bytes
 * @param etag a fingerprint of its content, identical for identical content on every backend (see
 *     {@link Blobs})
 * @param contentType the media type given when it was written, {@code application/octet-stream} by
 *     default
 * @param metadata the user metadata given when it was written; unmodifiable
 * @param created when a blob first appeared at this path (a replace keeps it, a delete forgets it)
 * @param modified when the content at this path was last published
 */
public record BlobInfo(String path, long size, String etag, String contentType, Map<String, String> metadata,
        Instant created, Instant modified) {
    public BlobInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(contentType, "contentType");
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(modified, "modified");
    }

    /** The same blob known under another path (after a move). */
    public BlobInfo withPath(String newPath) {
        return new BlobInfo(newPath, size, etag, contentType, metadata, created, modified);
    }
}
