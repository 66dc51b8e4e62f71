package dev.depot.spi;

import dev.depot.QueueOptions;
import java.util.Map;

/**
 * The work queues of a backend that declares {@code QUEUES}. Core validates every argument (names,
 * batch sizes, message limits, the dead-letter rules) before calling; the backend keeps the state
 * machine of {@code CONTRACT.md} "Queues" and reads all time from the depot's clock.
 */
public interface QueueStore {

    /**
     * The queue, created on first use. {@code options} replaces the queue's options (affecting later
     * events only); {@code null} keeps them, or gives a new queue the defaults.
     */
    StoredQueue open(String name, QueueOptions options);

    /** The options of every queue that exists, by name; what core checks the dead-letter rules against. */
    Map<String, QueueOptions> options();

    /**
     * Drops the queue (name validated by core) atomically: its items in every state and its options
     * go, so it is no longer listed; false if it did not exist. Throws {@link
     * QueueConflicts#deadLetterQueueInUse} (changing nothing) while another queue names it as its
     * dead-letter queue, checked in the same atomic step. This store's consumers waiting on it
     * return empty; handles keep naming it (a produce through one fails with {@link
     * QueueConflicts#dropped} until the queue is opened again).
     */
    boolean drop(String name);

    /** Empties every queue and gives it the default options again: what {@code depot.clear()} does. */
    void clearAll();
}
