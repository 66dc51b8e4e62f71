package dev.depot;

/**
 * Receives change events pushed by {@link ChangeFeed#subscribe}. Called from one dedicated thread per
 * subscription, in sequence order, never concurrently. An exception thrown here never reaches or
 * slows the writer; it is logged with its stack trace and handled as the subscription's {@link
 * SubscribeOptions.OnError} says (by default the same event is retried with back-off, so a listener
 * must tolerate seeing an event again).
 */
@FunctionalInterface
public interface ChangeListener {
    void onChange(ChangeEvent event);
}
