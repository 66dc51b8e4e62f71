package dev.depot;

/** A running change-feed subscription. Closing it stops delivery; closing twice is harmless. */
public interface Subscription extends AutoCloseable {

    /** The sequence of the last event delivered to the listener (its starting point before any). */
    long position();

    @Override
    void close();
}
