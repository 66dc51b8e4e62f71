package dev.depot.memory;

import dev.depot.ChangeEvent;
import java.util.List;

/**
 * Change events with consecutive sequences, oldest first, in a circular array that grows and
 * shrinks by halves: appending, dropping the oldest and finding an event by its sequence are
 * constant time, with no node or boxed key per event (the skip list it replaced put a node, index
 * nodes and a {@code Long} on every commit's path). Not thread-safe: {@link MemoryChangeLog} guards it.
 */
final class EventRing {
    private static final int MIN_CAPACITY = 16;

    private ChangeEvent[] slots = new ChangeEvent[MIN_CAPACITY];
    private int head;
    private int size;

    int size() {
        return size;
    }

    /** The oldest event, or null when empty. */
    ChangeEvent oldest() {
        return size == 0 ? null : slots[head];
    }

    /** The newest event, or null when empty. */
    ChangeEvent newest() {
        return size == 0 ? null : slots[(head + size - 1) & (slots.length - 1)];
    }

    /** Appends {@code e}, whose sequence must follow the newest's (any sequence when empty). */
    void add(ChangeEvent e) {
        ChangeEvent last = newest();
        if (last != null && e.sequence() != last.sequence() + 1) {
            throw new IllegalStateException("change event " + e.sequence() + " does not follow " + last.sequence());
        }
        if (size == slots.length) {
            resize(slots.length * 2);
        }
        slots[(head + size) & (slots.length - 1)] = e;
        size++;
    }

    /** Removes and returns the oldest event (the ring must not be empty). */
    ChangeEvent dropOldest() {
        ChangeEvent e = slots[head];
        slots[head] = null;
        head = (head + 1) & (slots.length - 1);
        size--;
        shrinkIfSparse();
        return e;
    }

    /** Removes the {@code n} newest events (a commit taking its events back). */
    void dropNewest(int n) {
        for (int i = 0; i < n; i++) {
            slots[(head + size - 1) & (slots.length - 1)] = null;
            size--;
        }
        shrinkIfSparse();
    }

    void clear() {
        slots = new ChangeEvent[MIN_CAPACITY];
        head = 0;
        size = 0;
    }

    /**
     * Adds to {@code out} the events with sequences {@code after+1 ..} (from the oldest, if that is
     * later) through {@code upTo}, at most {@code limit}; returns how many it added.
     */
    int copy(long after, long upTo, int limit, List<ChangeEvent> out) {
        if (size == 0) {
            return 0;
        }
        long first = slots[head].sequence();
        long from = Math.max(after + 1, first);
        long to = Math.min(upTo, first + size - 1);
        int n = (int) Math.min(limit, Math.max(0, to - from + 1));
        int mask = slots.length - 1;
        int at = (int) ((head + (from - first)) & mask);
        for (int i = 0; i < n; i++) {
            out.add(slots[(at + i) & mask]);
        }
        return n;
    }

    private void shrinkIfSparse() {
        if (slots.length > MIN_CAPACITY && size < slots.length / 4) {
            resize(slots.length / 2);
        }
    }

    private void resize(int capacity) {
        ChangeEvent[] next = new ChangeEvent[capacity];
        int mask = slots.length - 1;
        for (int i = 0; i < size; i++) {
            next[i] = slots[(head + i) & mask];
        }
        slots = next;
        head = 0;
    }
}
