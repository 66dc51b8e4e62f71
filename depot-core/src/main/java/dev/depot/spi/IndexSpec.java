package dev.depot.spi;

import java.util.Objects;

/** A declared index as a backend sees it: name, value type, uniqueness. */
public record IndexSpec(String name, IndexType type, boolean unique) {
    public IndexSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
