package dev.depot.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * What counts as an interrupt. A socket read timeout is an {@link InterruptedIOException} by class,
 * and was taken for one: a database stalled past {@code socketTimeout} (BlobChaosTest's stalling
 * proxy) set the interrupt flag of the caller, whose next wait then threw InterruptedException.
 */
class InterruptsTest {
    @Test
    void interruptsAreFoundAnywhereInTheCauseChain() {
        assertThat(Interrupts.causedBy(new InterruptedException())).isTrue();
        assertThat(Interrupts.causedBy(new SQLException("pool wait", new InterruptedException()))).isTrue();
        assertThat(Interrupts.causedBy(new IOException(new ClosedByInterruptException()))).isTrue();
        assertThat(Interrupts.causedBy(new InterruptedIOException("interrupted"))).isTrue();
        assertThat(Interrupts.causedBy(new SQLException(new SocketException("Closed by interrupt")))).isTrue();
    }

    @Test
    void timeoutsAndOtherFailuresAreNot() {
        assertThat(Interrupts.causedBy(new SocketTimeoutException("Read timed out"))).isFalse();
        assertThat(Interrupts.causedBy(new SQLException("I/O error", new SocketTimeoutException("Read timed out")))).isFalse();
        assertThat(Interrupts.causedBy(new SQLException(new SocketException("Connection reset")))).isFalse();
        assertThat(Interrupts.causedBy(new IOException("disk full"))).isFalse();
    }

    @Test
    void theExceptionSetsTheFlagAgain() {
        try {
            assertThat(Interrupts.interrupted("reading", new InterruptedException()).getMessage())
                    .startsWith("interrupted while reading");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted(); // leave the test thread clean
        }
    }
}
