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

    /** Empties every queue and gives it the default options again: what {@code depot.clear()} does. */
    void clearAll();
}
