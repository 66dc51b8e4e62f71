package dev.depot.jdbc;

import java.util.List;
import java.util.function.Consumer;

/**
 * A test seam: runs inside a data transaction after its rows are written, just before its events are
 * numbered or staged (with those events), so a test can hold one commit open and show that others proceed
 * meanwhile. Does nothing unless a test installed a hook (one volatile read per commit).
 */
final class CommitProbe {
    private static volatile Consumer<List<PendingEvent>> hook;

    private CommitProbe() {}

    /** Installs {@code h} (null removes it); it runs on the committing thread. */
    static void install(Consumer<List<PendingEvent>> h) {
        hook = h;
    }

    static void beforeNumbering(List<PendingEvent> events) {
        Consumer<List<PendingEvent>> h = hook;
        if (h != null) {
            h.accept(events);
        }
    }
}
