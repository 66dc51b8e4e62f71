package dev.depot.spi;

import java.util.List;
import java.util.Objects;

/**
 * A collection as a backend sees it. Index positions are stable for the life of the spec: write
 * index values and query predicates refer to indexes by position in {@link #indexes()}.
 */
public record CollectionSpec(String name, KeyType keyType, List<IndexSpec> indexes) {
    public CollectionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyType, "keyType");
        indexes = List.copyOf(indexes);
    }

    public IndexSpec index(int position) {
        return indexes.get(position);
    }
}
