package dev.depot.memory;

import dev.depot.ChangeEvent;
import java.time.Instant;
import java.util.List;

/**
 * Change events with consecutive sequences, oldest first, in a circular buffer that grows and
 * shrinks by halves: appending, dropping the oldest and finding an event by its sequence are
 * constant time. Not thread-safe: {@link MemoryChangeLog} guards it.
 *
 * <p>Held as columns, not as {@link ChangeEvent} objects: a retained event is three references
 * (its collection's {@link FeedSource}, the record's key object — the one its version holds — and
 * the origin, all shared), two {@code long}s (version, epoch second) and an {@code int} (nanosecond
 * and operation), about 33 bytes; a {@code ChangeEvent} with its key text and {@code Instant} was
 * about 150 bytes in four objects, every one of which survived a young collection (the feed keeps up
 * to a million events by default), so every write paid their copying. The sequence is the slot's
 * offset from the oldest. {@link #copy} builds the events a reader asks for.
 */
final class EventRing {
    private static final int MIN_CAPACITY = 16;
    private static final int REFS = 3; // source, key, origin
    private static final int LONGS = 2; // version, epoch second
    private static final ChangeEvent.Op[] OPS = ChangeEvent.Op.values();
    private static final int OP_SHIFT = 30; // nanoseconds < 10^9 < 2^30

    private Object[] refs = new Object[MIN_CAPACITY * REFS];
    private long[] longs = new long[MIN_CAPACITY * LONGS];
    private int[] ints = new int[MIN_CAPACITY];
    private int capacity = MIN_CAPACITY;
    private int head;
    private int size;
    /** The sequence of the event at {@code head} (meaningless when empty). */
    private long first;

    int size() {
        return size;
    }

    /** The oldest event's sequence (the ring must not be empty). */
    long oldestSequence() {
        return first;
    }

    /** The newest event's sequence (the ring must not be empty). */
    long newestSequence() {
        return first + size - 1;
    }

    /** The oldest event's commit time (the ring must not be empty). */
    Instant oldestTime() {
        return timeAt(head);
    }

    /** Whether the oldest event was committed before {@code cutoff} (the ring must not be empty). */
    boolean oldestBefore(Instant cutoff) {
        long second = longs[head * LONGS + 1];
        return second < cutoff.getEpochSecond()
                || second == cutoff.getEpochSecond() && nanoAt(head) < cutoff.getNano();
    }

    /**
     * Appends an event, whose sequence must follow the newest's (any sequence when empty). Nothing
     * is allocated but on growth: {@code source}, {@code key} and {@code origin} are kept as given.
     */
    void add(long sequence, FeedSource source, Object key, ChangeEvent.Op op, long version, Instant time, String origin) {
        if (size > 0 && sequence != newestSequence() + 1) {
            throw new IllegalStateException("change event " + sequence + " does not follow " + newestSequence());
        }
        if (size == capacity) {
            resize(capacity * 2);
        }
        if (size == 0) {
            first = sequence;
        }
        int slot = (head + size) & (capacity - 1);
        refs[slot * REFS] = source;
        refs[slot * REFS + 1] = key;
        refs[slot * REFS + 2] = origin;
        longs[slot * LONGS] = version;
        longs[slot * LONGS + 1] = time.getEpochSecond();
        ints[slot] = time.getNano() | op.ordinal() << OP_SHIFT;
        size++;
    }

    /** Removes the oldest event (the ring must not be empty). */
    void dropOldest() {
        forget(head);
        head = (head + 1) & (capacity - 1);
        first++;
        size--;
        shrinkIfSparse();
    }

    /** Removes the {@code n} newest events (a commit taking its events back). */
    void dropNewest(int n) {
        for (int i = 0; i < n; i++) {
            forget((head + size - 1) & (capacity - 1));
            size--;
        }
        shrinkIfSparse();
    }

    void clear() {
        refs = new Object[MIN_CAPACITY * REFS];
        longs = new long[MIN_CAPACITY * LONGS];
        ints = new int[MIN_CAPACITY];
        capacity = MIN_CAPACITY;
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
        long from = Math.max(after + 1, first);
        long to = Math.min(upTo, newestSequence());
        int n = (int) Math.min(limit, Math.max(0, to - from + 1));
        int at = (int) (head + (from - first));
        for (int i = 0; i < n; i++) {
            out.add(event(from + i, (at + i) & (capacity - 1)));
        }
        return n;
    }

    private ChangeEvent event(long sequence, int slot) {
        FeedSource source = (FeedSource) refs[slot * REFS];
        Object key = refs[slot * REFS + 1];
        return new ChangeEvent(sequence, source.collection(), source.keyType().text(key), OPS[ints[slot] >>> OP_SHIFT],
                longs[slot * LONGS], timeAt(slot), (String) refs[slot * REFS + 2]);
    }

    private Instant timeAt(int slot) {
        return Instant.ofEpochSecond(longs[slot * LONGS + 1], nanoAt(slot));
    }

    private int nanoAt(int slot) {
        return ints[slot] & ((1 << OP_SHIFT) - 1);
    }

    /** Clears a slot's references, so a dropped event keeps no key alive. */
    private void forget(int slot) {
        refs[slot * REFS] = null;
        refs[slot * REFS + 1] = null;
        refs[slot * REFS + 2] = null;
    }

    private void shrinkIfSparse() {
        if (capacity > MIN_CAPACITY && size < capacity / 4) {
            resize(capacity / 2);
        }
    }

    private void resize(int newCapacity) {
        Object[] r = new Object[newCapacity * REFS];
        long[] l = new long[newCapacity * LONGS];
        int[] n = new int[newCapacity];
        int wrapped = Math.max(0, head + size - capacity); // slots 0 .. wrapped-1 follow the end
        int straight = size - wrapped;
        System.arraycopy(refs, head * REFS, r, 0, straight * REFS);
        System.arraycopy(refs, 0, r, straight * REFS, wrapped * REFS);
        System.arraycopy(longs, head * LONGS, l, 0, straight * LONGS);
        System.arraycopy(longs, 0, l, straight * LONGS, wrapped * LONGS);
        System.arraycopy(ints, head, n, 0, straight);
        System.arraycopy(ints, 0, n, straight, wrapped);
        refs = r;
        longs = l;
        ints = n;
        capacity = newCapacity;
        head = 0;
    }
}
