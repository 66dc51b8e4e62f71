package dev.depot.jdbc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts the calls the chaos tests' workers make through the faulty connection, so that faults are
 * paced by what the workers did and a run's length is a number of calls, not a time: on a slow or
 * loaded machine a run takes longer instead of testing less, and an outage lasts until callers have
 * actually met it. Every call through the faults is bounded by the depot's short timeouts, so a wait
 * that sees no call end for {@link #STUCK} fails: that is a hang, not a slow machine.
 */
final class ChaosPace {
    static final Duration STUCK = Duration.ofSeconds(30);

    private long calls; // guarded by this
    private volatile boolean stopped;

    /** How many calls a run makes through the faults: {@code -Ddepot.chaos.calls=N}, more with {@code -Ddepot.deep=true}. */
    static long runLength() {
        return Long.getLong("depot.chaos.calls", Boolean.getBoolean("depot.deep") ? 5_000 : 600);
    }

    /** Whether the workers should go on calling. */
    boolean running() {
        return !stopped;
    }

    /** A worker's call through the faults ended, however it ended. */
    synchronized void called() {
        calls++;
        notifyAll();
    }

    /** Ends the run: workers see {@link #running()} false, and waits return. */
    synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    /**
     * Waits until {@code n} more calls have ended than had when it was called, or the run was
     * stopped; fails if no call ends for {@link #STUCK}.
     */
    synchronized void awaitCalls(long n) throws InterruptedException {
        long target = calls + n;
        while (calls < target && !stopped) {
            long seen = calls;
            long deadline = System.nanoTime() + STUCK.toNanos();
            while (calls == seen && !stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no call through the faults ended in " + STUCK.toSeconds() + " s (" + calls
                            + " calls so far): a call hangs");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    synchronized long calls() {
        return calls;
    }
}
