package dev.depot.memory;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ReentrantLock} whose {@link #lock()} first tries a bounded number of times, spinning,
 * before it parks like any other. For sections of a few microseconds that threads of other cores
 * contend for: parking and being woken costs a thread more than the section it waits for, and on
 * a machine with more threads than cores a woken thread waits for the scheduler too. Everything
 * else (fairness: none, conditions, reentrancy) is {@code ReentrantLock}'s.
 */
final class SpinningLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    private final int tries;

    /** A lock that tries {@code tries} times before it parks. */
    SpinningLock(int tries) {
        this.tries = tries;
    }

    @Override
    public void lock() {
        for (int i = 0; i < tries; i++) {
            if (tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        super.lock();
    }
}
