package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The kit's hang guard on a long concurrent run: it is on progress, not on the whole run, so a deep
 * run that keeps completing work passes however long it takes, and a run that stops moving fails.
 */
class ConcurrentlyTest {
    private static final Duration GUARD = Duration.ofSeconds(1);

    @Test
    void aRunLongerThanTheGuardPassesWhileItsProgressMoves() {
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        // One and a half guards of work, a step every 20 ms: never a guard's length without progress.
        Concurrently.run(2, n -> {
            for (int i = 0; i < 75; i++) {
                pause(20);
                done.incrementAndGet();
            }
        }, done::get, GUARD);
        assertThat(done.get()).isEqualTo(150);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the run outlasted the guard").isGreaterThan(GUARD);
    }

    @Test
    void aRunWithoutProgressFailsOnTheGuardAndItsTasksAreInterrupted() {
        AtomicLong done = new AtomicLong();
        CountDownLatch interrupted = new CountDownLatch(1);
        assertThatThrownBy(() -> Concurrently.run(1, n -> {
            done.incrementAndGet(); // some progress first, then none
            try {
                new CountDownLatch(1).await(); // hangs until interrupted
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }, done::get, GUARD)).isInstanceOf(AssertionError.class).hasMessageContaining("hang guard");
        Concurrently.await(interrupted);
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
