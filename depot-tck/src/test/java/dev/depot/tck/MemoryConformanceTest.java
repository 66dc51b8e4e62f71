package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Capability;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.tck.KitModel.Account;
import dev.depot.testing.TestClock;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Runs the conformance kit on the in-memory backend, plus what only memory promises: every
 * capability but durability, and stores shared by name.
 */
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

    @Test
    void privateStoresAreNotShared() {
        try (Depot a = Depot.open("memory:"); Depot b = Depot.open("memory:")) {
            a.records(KitModel.ACCOUNTS).insert(new Account("x", 1));

            assertThat(b.records(KitModel.ACCOUNTS).exists("x")).isFalse();
        }
    }

    @Test
    void namedStoresAreSharedUntilTheLastOneCloses() {
        TestClock first = new TestClock(Instant.parse("2040-01-01T00:00:00Z"));
        try (Depot a = Depot.open("memory:tck_shared", DepotOptions.defaults().clock(first))) {
            try (Depot b = Depot.open("memory:tck_shared")) {
                a.records(KitModel.ACCOUNTS).insert(new Account("x", 1));

                assertThat(b.records(KitModel.ACCOUNTS).get("x")).contains(new Account("x", 1));
                b.records(KitModel.ACCOUNTS).insert(new Account("y", 2));
                assertThat(b.changes().since(0)).as("the first opener's clock applies")
                        .allMatch(e -> e.time().equals(first.instant()));
            }
            assertThat(a.records(KitModel.ACCOUNTS).count()).as("still open through a").isEqualTo(2);
        }
        try (Depot again = Depot.open("memory:tck_shared")) {
            assertThat(again.records(KitModel.ACCOUNTS).count()).isZero();
        }
    }
}
