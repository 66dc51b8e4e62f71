package dev.depot;

/**
 * Receives change events pushed by {@link ChangeFeed#subscribe}. Called from one dedicated thread per
 * subscription, in sequence order. An exception thrown here is logged and delivery goes on with the
 * next event; it never reaches or slows the writer.
 */
@FunctionalInterface
public interface ChangeListener {
    void onChange(ChangeEvent event);
}
