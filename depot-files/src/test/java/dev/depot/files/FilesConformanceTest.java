package dev.depot.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Capability;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;
import dev.depot.testing.TestClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the conformance kit on {@code file:}. It declares BLOBS and DURABLE only, so the kit runs its
 * blob groups and skips the record groups; a record call fails loudly.
 */
class FilesConformanceTest extends DepotConformanceSuite {

    static DepotFixture fixture(Path dir) {
        return new DepotFixture() {
            @Override
            public Depot open(TestClock clock) {
                return Depot.open("file:" + dir, DepotOptions.defaults().clock(clock));
            }

            @Override
            public String name() {
                return "file";
            }

            @Override
            public void close() {
                TempDirs.delete(dir);
            }
        };
    }

    @Override
    protected DepotFixture fixture() {
        return fixture(TempDirs.create("kit"));
    }

    @Test
    void declaresBlobsAndDurabilityOnly() {
        assertThat(depot().capabilities().supported()).containsExactlyInAnyOrder(Capability.BLOBS, Capability.DURABLE);
    }

    @Test
    void recordCallsFailLoudly() {
        assertThatThrownBy(() -> depot().records(dev.depot.Schema.of("things", String.class, String.class).key(s -> s).build()))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("blobs only");
        assertThatThrownBy(() -> depot().transact(tx -> null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> depot().changes().since(0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
