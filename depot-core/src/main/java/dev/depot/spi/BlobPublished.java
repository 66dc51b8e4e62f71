package dev.depot.spi;

import dev.depot.BlobInfo;
import java.util.Objects;

/**
 * What a {@link BlobUpload#publish} did: the blob now at the path, and whether it replaced a blob
 * there (else it created one). {@code replaced} is what the publish saw under the same lock or
 * transaction that decided its precondition, so of racing publishes of a new path exactly one
 * reports {@code false}.
 *
 * @param info the published blob
 * @param replaced whether a blob was at the path when the publish took its place
 */
public record BlobPublished(BlobInfo info, boolean replaced) {
    public BlobPublished {
        Objects.requireNonNull(info, "info");
    }
}
