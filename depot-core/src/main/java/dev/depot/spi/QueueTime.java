package dev.depot.spi;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time a store's work queues act at (CONTRACT.md "Queues", "Time"): the depot clock in epoch
 * microseconds, never going back. A reading is the later of the clock and every reading before it,
 * so a clock set back (a {@code TestClock} reset to an earlier instant, a wall clock stepped back)
 * leaves queue time where it was until the clock passes it. Without this, memory kept leasing its
 * ready items in the order they became ready while SQL leased only rows ready by the earlier time
 * and ordered requeued items before older ones: different items were leasable on each backend.
 * {@link #reset()} forgets the readings when every queue has been emptied ({@code depot.clear()}),
 * so a test that clears the depot and sets its clock back starts from its clock again.
 * Thread-safe; one per store (all its queues share it, so a transaction acts at one instant).
 */
public final class QueueTime {
    private final InstantSource clock;
    private final AtomicLong latest = new AtomicLong(Long.MIN_VALUE);

    public QueueTime(InstantSource clock) {
        this.clock = clock;
    }

    /** Queue time now, in epoch microseconds. */
    public long micros() {
        Instant i = clock.instant();
        long t = Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
        long last = latest.get();
        while (t > last) {
            if (latest.compareAndSet(last, t)) {
                return t;
            }
            last = latest.get();
        }
        return last;
    }

    /** Queue time now, as an instant (whole microseconds). */
    public Instant instant() {
        long m = micros();
        return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1_000L);
    }

    /** Forgets earlier readings: for when every queue of the store has been emptied. */
    public void reset() {
        latest.set(Long.MIN_VALUE);
    }
}
