package dev.depot.jdbc;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import dev.depot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Run by {@link QueueHeapProbeTest} in a JVM whose heap is smaller than the queue's payloads: takes
 * {@code args[1]} items of {@code args[2]} KiB through their whole life on the depot at {@code
 * args[0]} — produced in batches of 1,000, listed page by page, all leased, their leases expiring on
 * their last attempt in one call (so every item moves to the dead-letter queue at once), leased and
 * expired there (dead), then purged by retention all at once, and a second lot cleared. Checks the
 * counts after each step against the model (every item once, nothing lost, nothing twice). Prints one
 * line per step; exits 0 only if every step went as expected.
 */
public final class QueueScaleChild {
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private QueueScaleChild() {}

    public static void main(String[] args) {
        String url = args[0];
        int n = Integer.parseInt(args[1]);
        int kib = Integer.parseInt(args[2]);
        System.out.println("heap " + Runtime.getRuntime().maxMemory() + " items " + n + " of " + kib + " KiB");
        TestClock clock = new TestClock(START);
        try (Depot depot = Depot.open(url, DepotOptions.defaults().clock(clock))) {
            WorkQueue dl = depot.queue("scale_dl", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1)
                    .deadRetention(Duration.ofHours(1)));
            WorkQueue q = depot.queue("scale", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1).deadLetter("scale_dl"));
            q.clear();
            dl.clear();
            Set<String> produced = produce(q, n, kib, 0);
            check(produced.size() == n, "ids unique: " + produced.size());
            stats(q, "produced", n, 0, 0);
            step("produced " + n);

            check(listed(q, null).equals(produced), "listed every item once");
            step("listed " + n);

            check(leaseAll(q, n).equals(produced), "leased every item once");
            stats(q, "leased", 0, n, 0);
            step("leased " + n);

            clock.advance(Duration.ofSeconds(31)); // every lease expires on its last attempt: all die at once
            stats(q, "after expiry", 0, 0, 0);
            stats(dl, "dead letters", n, 0, 0);
            check(listed(dl, ItemState.READY).equals(produced), "every item moved once, with its id");
            step("dead-lettered " + n);

            check(leaseAll(dl, n).equals(produced), "leased every dead letter once");
            clock.advance(Duration.ofSeconds(31));
            stats(dl, "dead", 0, 0, n);
            check(listed(dl, ItemState.DEAD).equals(produced), "every dead letter dead once");
            step("dead " + n);

            clock.advance(Duration.ofHours(1));
            stats(dl, "purged", 0, 0, 0);
            check(listed(dl, null).isEmpty(), "nothing left after the retention");
            step("purged " + n);

            produce(q, n, kib, 1);
            long cleared = q.clear();
            check(cleared == n, "cleared " + cleared);
            stats(q, "cleared", 0, 0, 0);
            step("cleared " + n);
        }
        System.exit(0);
    }

    private static long lastStep = System.nanoTime();

    /** Prints a step done, with the time it took (to see which call a slow backend spends its time in). */
    private static void step(String what) {
        long now = System.nanoTime();
        System.out.println(what + " (" + (now - lastStep) / 1_000_000 + " ms)");
        lastStep = now;
    }

    private static Set<String> produce(WorkQueue q, int n, int kib, int lot) {
        Set<String> ids = new HashSet<>();
        for (int done = 0; done < n; ) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 1000 && done < n; i++, done++) {
                byte[] payload = new byte[kib << 10];
                payload[0] = (byte) done;
                payload[payload.length - 1] = (byte) lot;
                batch.add(Message.of(payload).header("n", Integer.toString(done)));
            }
            ids.addAll(q.produce(batch));
        }
        return ids;
    }

    /** Every item's id, page by page, checking each page is in id order and no id shows twice. */
    private static Set<String> listed(WorkQueue q, ItemState state) {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        long last = Long.MIN_VALUE;
        do {
            Page<QueueItem> page = q.list(state, 1000, cursor);
            for (QueueItem item : page.items()) {
                long id = Long.parseLong(item.id());
                check(id > last, "list in id order: " + id + " after " + last);
                last = id;
                check(ids.add(item.id()), "listed twice: " + item.id());
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return ids;
    }

    /** Leases until nothing is ready, keeping ids only; checks payloads are whole and no item comes twice. */
    private static Set<String> leaseAll(WorkQueue q, int n) {
        Set<String> ids = new HashSet<>();
        BitSet seen = new BitSet(n);
        while (true) {
            List<Lease> got = q.lease("w", 1000, Duration.ZERO);
            if (got.isEmpty()) {
                return ids;
            }
            for (Lease l : got) {
                check(ids.add(l.id()), "leased twice: " + l.id());
                int k = Integer.parseInt(l.headers().get("n"));
                check(!seen.get(k) && l.payload()[0] == (byte) k, "payload of item " + k);
                seen.set(k);
            }
        }
    }

    private static void stats(WorkQueue q, String what, long ready, long leased, long dead) {
        QueueStats s = q.stats();
        check(s.ready() == ready && s.leased() == leased && s.dead() == dead && s.scheduled() == 0,
                what + ": " + q.name() + " " + s + ", expected ready " + ready + " leased " + leased + " dead " + dead);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAILED: " + what);
            System.exit(3);
        }
    }
}
