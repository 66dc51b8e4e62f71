package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Capability;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Runs the conformance kit on the in-memory backend, which must lack no capability but durability. */
class MemoryConformanceTest extends DepotConformanceSuite {

    @Override
    protected DepotFixture fixture() {
        return DepotFixture.memory();
    }

    @Test
    void memoryDeclaresEveryCapabilityButDurability() {
        assertThat(depot().capabilities().supported())
                .containsExactlyInAnyOrderElementsOf(EnumSet.complementOf(EnumSet.of(Capability.DURABLE)));
    }
}
