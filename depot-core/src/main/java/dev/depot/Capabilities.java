package dev.depot;

import java.util.EnumSet;
import java.util.Set;

/** The set of {@link Capability capabilities} a backend declares. */
public record Capabilities(Set<Capability> supported) {
    public Capabilities {
        supported = supported.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(supported));
    }

    public static Capabilities of(Capability... capabilities) {
        return new Capabilities(Set.of(capabilities));
    }

    public boolean has(Capability capability) {
        return supported.contains(capability);
    }

    /** Throws {@link UnsupportedOperationException} naming the capability if it is missing. */
    public void require(Capability capability, String backend) {
        if (!has(capability)) {
            throw new UnsupportedOperationException(backend + " does not support " + capability);
        }
    }
}
