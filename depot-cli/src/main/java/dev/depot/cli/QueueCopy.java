package dev.depot.cli;

import dev.depot.Depot;
import dev.depot.ItemState;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The queue part of {@code depot copy}: every queue of the source ({@link Depot#queues()}) gets its
 * options in the target, and its pending work is produced there, in production order:
 *
 * <ul>
 * <li>ready items as ready, scheduled ones with their {@code notBefore};
 * <li>leased items as <b>ready</b>: a lease belongs to a worker of the source and cannot be completed
 *     in the target, so the item is copied as an expired lease would leave it (at-least-once, as
 *     queues are); stop the workers before copying to avoid doing such an item twice;
 * <li>payload, headers, dedup key and the remaining {@code expireAfter} are kept; attempts, lease
 *     history and a dead letter's reason start afresh (the API cannot write them);
 * <li>dead items (kept in a queue without dead-letter queue) are <b>not</b> copied, only counted: a
 *     migration moves work to do, and the API can produce only live items.
 * </ul>
 *
 * Items go only into a target queue that holds none, so re-running a copy never doubles work: a
 * queue whose target already has items is reported as skipped (empty it to copy it again).
 */
final class QueueCopy {
    static final int BATCH = 1000;

    /** What the queue copy did. */
    record Report(long queues, long items, long leasedAsReady, long deadNotCopied, List<String> skipped) {}

    private QueueCopy() {}

    static Report copy(Depot source, Depot target, Progress progress) {
        Map<String, QueueOptions> queues = source.queues();
        long items = 0;
        long leased = 0;
        long dead = 0;
        List<String> skipped = new ArrayList<>();
        // Queues that are dead-letter queues first: a queue's options may name them.
        List<String> order = new ArrayList<>(queues.keySet());
        order.sort(java.util.Comparator.comparing((String q) -> queues.get(q).deadLetterQueue() != null));
        for (String name : order) {
            WorkQueue in = source.queue(name);
            WorkQueue out = target.queue(name, queues.get(name));
            QueueStats already = out.stats();
            QueueStats stats = in.stats();
            long total = stats.ready() + stats.leased() + stats.scheduled() + stats.dead();
            if (already.ready() + already.leased() + already.scheduled() + already.dead() > 0) {
                if (total > 0) {
                    skipped.add(name);
                }
                continue;
            }
            long seen = 0;
            String cursor = null;
            do {
                Page<QueueItem> page = in.list(null, BATCH, cursor);
                List<Message> batch = new ArrayList<>(page.items().size());
                Instant now = Instant.now();
                for (QueueItem item : page.items()) {
                    if (item.state() == ItemState.DEAD) {
                        dead++;
                        continue;
                    }
                    if (item.state() == ItemState.LEASED) {
                        leased++;
                    }
                    batch.add(message(item, now));
                }
                if (!batch.isEmpty()) {
                    out.produce(batch);
                    items += batch.size();
                }
                seen += page.items().size();
                progress.show("queue " + name, seen, total, null);
                cursor = page.nextCursor();
            } while (cursor != null);
            progress.end();
        }
        return new Report(queues.size(), items, leased, dead, skipped.stream().sorted().toList());
    }

    /** The live item as a message to produce again; {@code now} measures what is left of its expiry. */
    static Message message(QueueItem item, Instant now) {
        Instant notBefore = item.state() == ItemState.SCHEDULED ? item.readyAt() : null;
        Duration expireAfter = null;
        if (item.expiresAt() != null) {
            Duration left = Duration.between(now, item.expiresAt());
            expireAfter = left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left; // already due: expires at once
        }
        return new Message(item.payload(), item.headers(), item.dedupKey(), notBefore, expireAfter);
    }
}
