package dev.depot;

import java.util.Objects;

/**
 * One entry of a {@link Blobs#list(ListOptions) listing}: a blob, or a directory.
 *
 * @param path the blob's path; for a directory its path followed by {@code /} (so that it sorts
 *     where its content would and never equals a blob's path)
 * @param blob what is known about the blob; {@code null} for a directory
 */
public record BlobEntry(String path, BlobInfo blob) {
    public BlobEntry {
        Objects.requireNonNull(path, "path");
    }

    public static BlobEntry of(BlobInfo blob) {
        return new BlobEntry(blob.path(), blob);
    }

    /** A directory entry; {@code pathWithSlash} ends with {@code /}. */
    public static BlobEntry directory(String pathWithSlash) {
        return new BlobEntry(pathWithSlash, null);
    }

    public boolean isDirectory() {
        return blob == null;
    }
}
