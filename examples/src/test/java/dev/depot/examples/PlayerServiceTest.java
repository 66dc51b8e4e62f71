package dev.depot.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.UniqueConstraintException;
import dev.depot.testing.DepotTest;
import dev.depot.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's testing example: a fresh in-memory depot and its clock per test. */
@DepotTest
class PlayerServiceTest {
    @Test
    void registers(Depot depot, TestClock clock) {     // clock: the depot's time, moved by hand
        new PlayerService(depot, clock).register("ann", "ann@example.com");
        assertThat(depot.records(QuickStart.PLAYERS).count()).isEqualTo(1);
    }

    @Test
    void refusesASecondRegistrationOfOneEmail(Depot depot, TestClock clock) {
        PlayerService service = new PlayerService(depot, clock);
        service.register("ann", "ann@example.com");
        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(() -> service.register("ann again", "ann@example.com"))
                .isInstanceOf(UniqueConstraintException.class)
                .hasMessageContaining("email");
        assertThat(depot.records(QuickStart.PLAYERS).count()).isEqualTo(1);
    }
}
