package dev.depot.spi;

import dev.depot.BackendUnavailableException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedByInterruptException;

/**
 * The one rule for calls whose thread is interrupted (contract §1 "Interrupts"), shared by every
 * backend: a call that gives up because of the interrupt throws {@link BackendUnavailableException}
 * saying it was interrupted and what it was doing, and leaves the thread's interrupt flag set — also
 * when a library below (a connection pool, a driver, NIO) consumed it on the way. An interrupted
 * write's outcome is what any {@code BackendUnavailableException} of that call means (auto-commit
 * writes: unknown; a transaction's commit: {@code CommitOutcomeUnknownException}).
 */
public final class Interrupts {
    private Interrupts() {}

    /**
     * Whether {@code e} or one of its causes is an interrupt: {@link InterruptedException},
     * {@link InterruptedIOException} (not its {@link java.net.SocketTimeoutException}: a timeout), {@link ClosedByInterruptException} (NIO closes the channel of an
     * interrupted thread), or the {@link SocketException} a virtual thread's socket throws when an
     * interrupt closes it ("Closed by interrupt").
     */
    public static boolean causedBy(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InterruptedException || c instanceof ClosedByInterruptException) {
                return true;
            }
            // A socket read timeout is an InterruptedIOException too, but no interrupt: a stalled server
            // would otherwise set the interrupt flag of every caller it timed out.
            if (c instanceof InterruptedIOException && !(c instanceof java.net.SocketTimeoutException)) {
                return true;
            }
            if (c instanceof SocketException && c.getMessage() != null && c.getMessage().contains("Closed by interrupt")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exception for a call that {@code what} describes ("writing to collection 'x' (url)") and that
     * gave up because its thread was interrupted; sets the interrupt flag again.
     */
    public static BackendUnavailableException interrupted(String what, Throwable cause) {
        Thread.currentThread().interrupt();
        return new BackendUnavailableException("interrupted while " + what + "; the thread's interrupt flag is set", cause);
    }
}
