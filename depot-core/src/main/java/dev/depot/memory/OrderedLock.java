package dev.depot.memory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock with a global ordinal. Committers take all the locks they need in ordinal order, so two
 * commits can never deadlock.
 */
final class OrderedLock extends ReentrantLock {
    private static final AtomicLong NEXT = new AtomicLong();

    final long ordinal = NEXT.getAndIncrement();
}
