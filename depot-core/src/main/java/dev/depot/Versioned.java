package dev.depot;

import java.util.Objects;

/**
 * A value together with the store-maintained version it was read at: 1 after insert, +1 on every
 * write. Pass the version back to {@link Records#update(Object, long)} for optimistic locking.
 */
public record Versioned<V>(V value, long version) {
    public Versioned {
        Objects.requireNonNull(value, "value");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, was " + version);
        }
    }
}
