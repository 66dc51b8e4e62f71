package dev.depot.jdbc;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.VersionConflictException;
import dev.depot.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One of the processes of {@link TwoProcessProbeTest}: for {@code args[2]} milliseconds writes its own
 * keys, bumps shared counters in transactions, produces queue items and works the queue, printing
 * {@code ack <what> <key> [value]} after each call returned.
 */
final class TwoProcessChild {
    private TwoProcessChild() {}

    public static void main(String[] args) {
        String url = args[0];
        String me = args[1];
        long until = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000L;
        SplittableRandom random = new SplittableRandom(me.hashCode());
        try (Depot d = Depot.open(url)) {
            Records<String, TwoProcessProbeTest.Counter> counters = d.records(TwoProcessProbeTest.COUNTERS);
            WorkQueue q = d.queue("work");
            for (int i = 0; System.nanoTime() < until; i++) {
                String own = me + "-" + i;
                counters.save(new TwoProcessProbeTest.Counter(own, 1));
                ack("own", own);
                String shared = "shared-" + random.nextInt(4);
                // read-modify-write of a key both processes write: each acknowledged bump must count once
                d.transact(Retry.onConflict(1_000), tx -> {
                    Records<String, TwoProcessProbeTest.Counter> r = tx.records(TwoProcessProbeTest.COUNTERS);
                    long n = r.get(shared).map(TwoProcessProbeTest.Counter::n).orElse(0L);
                    r.save(new TwoProcessProbeTest.Counter(shared, n + 1));
                    return null;
                });
                ack("bump", shared);
                try {
                    var v = counters.getVersioned(shared).orElseThrow();
                    counters.update(new TwoProcessProbeTest.Counter(shared, v.value().n() + 1), v.version());
                    ack("bump", shared);
                } catch (VersionConflictException e) {
                    // the other process wrote it between our read and write: not counted
                }
                q.produce(Message.of(own));
                ack("produced", own);
                for (Lease l : q.lease(me, 2, Duration.ZERO)) {
                    q.complete(l);
                    ack("completed", new String(l.payload(), StandardCharsets.UTF_8));
                }
            }
        }
        System.out.println("done");
        System.out.flush();
    }

    private static void ack(String what, String key) {
        System.out.println("ack " + what + " " + key);
    }
}
