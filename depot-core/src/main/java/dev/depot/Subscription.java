package dev.depot;

import java.util.Optional;

/**
 * A running change-feed subscription. It survives backend outages of any length: it keeps its
 * position and resumes there when the backend answers, with no gap and no repeat. What it does when
 * its listener throws is set by {@link SubscribeOptions}. Closing it stops delivery (quietly);
 * closing twice is harmless.
 */
public interface Subscription extends AutoCloseable {

    /** Where a subscription is. */
    enum State {
        /** Delivering, or waiting for new events. */
        ACTIVE,
        /** Retrying after a failure: the listener threw (policy RETRY) or the backend is unreachable. */
        RETRYING,
        /** Ended by its listener's failure under policy STOP; see {@link #lastError()}. */
        STOPPED,
        /**
         * Closed, by {@link #close()} or with its depot, and delivery has ended: the listener is not
         * running and will not be called again. (Between {@code close()} and then, the state is
         * still the previous one.)
         */
        CLOSED
    }

    /**
     * The sequence of the last event the listener accepted (returned normally from, or, under policy
     * SKIP, failed on); its starting point before any. Subscribing again after it resumes exactly.
     */
    long position();

    State state();

    /** The most recent failure, of the listener or of the backend, if there was one. */
    Optional<Throwable> lastError();

    @Override
    void close();
}
