package dev.depot;

import java.time.Duration;

/**
 * A point-in-time count of one queue's items, taken after due scheduled items, expired leases and
 * expired dead items were processed.
 *
 * @param ready items waiting to be leased
 * @param leased items held under a current lease
 * @param scheduled items not yet due ({@code notBefore} or a retry delay)
 * @param dead dead items kept in this queue (only a queue without a dead-letter queue, or a
 *     dead-letter queue itself, keeps them)
 * @param oldestReadyAge how long the oldest ready item has been ready; zero when none is
 * @param waitingConsumers consumers blocked in {@code lease} on this queue in this process
 */
public record QueueStats(long ready, long leased, long scheduled, long dead, Duration oldestReadyAge, int waitingConsumers) {

    /** Items still to be processed: ready, leased and scheduled. */
    public long pending() {
        return ready + leased + scheduled;
    }
}
