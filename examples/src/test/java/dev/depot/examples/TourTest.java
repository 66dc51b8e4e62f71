package dev.depot.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import org.junit.jupiter.api.Test;

/** The README's first command runs this tour; keep what it prints true. */
class TourTest {
    @Test
    void tourSummaryReportsWhatHappened() {
        try (Depot depot = Depot.open("memory:")) {
            String summary = Tour.run(depot);
            assertThat(summary).isEqualTo("Depot tour on Depot[memory:]: 10 players, 3 pages of strong players, "
                    + "transfer kept total 100, stale update refused, 15 change events");
        }
    }
}
