package dev.depot.jdbc;

/**
 * This process's consumers waiting in {@code lease} on one queue. A commit here that made items
 * ready bumps the version and wakes them at once; items made ready by other processes are found by
 * the waiters' polling. The version closes the gap between a waiter's last look and its sleep.
 */
final class QueueSignal {
    /** Held by a waiter while it computes and takes its share, and to join the waiting count; never by producers. */
    final Object claiming = new Object();
    private long version;
    private int waiting;
    private long drops;

    synchronized void enter() {
        waiting++;
    }

    synchronized void exit() {
        waiting--;
    }

    synchronized int waiting() {
        return waiting;
    }

    synchronized long version() {
        return version;
    }

    /** Drops of the queue by this process so far; a waiter returns empty when it changes. */
    synchronized long drops() {
        return drops;
    }

    /** The queue was dropped: wakes every waiter, to return empty. */
    synchronized void dropped() {
        drops++;
        signal();
    }

    synchronized void signal() {
        version++;
        notifyAll();
    }

    /** Sleeps until a signal after {@code seen} or {@code nanos} pass; false if interrupted (flag set again). */
    synchronized boolean await(long seen, long nanos) {
        long end = System.nanoTime() + nanos;
        try {
            while (version == seen) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                wait(Math.max(1, left / 1_000_000), 0);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
