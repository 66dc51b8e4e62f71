package dev.depot;

import dev.depot.spi.Backend;
import dev.depot.spi.DepotUrl;
import dev.depot.spi.QueueConflicts;
import dev.depot.spi.QueueStore;
import dev.depot.spi.StoredQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link WorkQueue} over a backend's {@link StoredQueue}: validation and error wording, once for all backends. */
final class DefaultWorkQueue implements WorkQueue {
    private final DefaultDepot depot;
    private final StoredQueue queue;
    private final String name;

    private DefaultWorkQueue(DefaultDepot depot, StoredQueue queue) {
        this.depot = depot;
        this.queue = queue;
        this.name = queue.name();
    }

    static void require(Backend backend, DepotUrl url) {
        if (!backend.capabilities().has(Capability.QUEUES)) {
            throw new UnsupportedOperationException("work queues are not available on " + url.scheme()
                    + ": this backend does not declare QUEUES (the in-memory backend has them)");
        }
    }

    static WorkQueue open(DefaultDepot depot, Backend backend, DepotUrl url, String name, QueueOptions options) {
        QueueRules.checkName(name, "queue");
        require(backend, url);
        QueueStore store = backend.queues();
        if (options != null) {
            checkDeadLetterRules(name, options, store.options());
        }
        return new DefaultWorkQueue(depot, store.open(name, options));
    }

    /** A dead-letter queue is another queue, without a dead-letter queue of its own. */
    static void checkDeadLetterRules(String name, QueueOptions options, Map<String, QueueOptions> existing) {
        String dlq = options.deadLetterQueue();
        if (dlq != null) {
            if (dlq.equals(name)) {
                throw new IllegalArgumentException("queue " + name + ": the dead-letter queue must be another queue");
            }
            QueueOptions target = existing.get(dlq);
            if (target != null && target.deadLetterQueue() != null) {
                throw new IllegalArgumentException("queue " + name + ": dead-letter queue " + dlq
                        + " has a dead-letter queue of its own (" + target.deadLetterQueue() + ")");
            }
            for (Map.Entry<String, QueueOptions> e : existing.entrySet()) {
                if (name.equals(e.getValue().deadLetterQueue()) && !e.getKey().equals(name)) {
                    throw new IllegalArgumentException("queue " + name + ": it is the dead-letter queue of " + e.getKey()
                            + ", so it cannot have a dead-letter queue of its own");
                }
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public QueueOptions options() {
        depot.checkOpen();
        return queue.options();
    }

    @Override
    public String produce(Message message) {
        depot.checkOpen();
        QueueRules.checkMessage(name, message);
        return queue.produce(List.of(message)).getFirst();
    }

    @Override
    public List<String> produce(List<Message> messages) {
        depot.checkOpen();
        QueueRules.checkBatch(name, messages, "messages");
        for (Message m : messages) {
            QueueRules.checkMessage(name, m);
        }
        return queue.produce(messages);
    }

    @Override
    public List<Lease> lease(String holder, int max, Duration wait) {
        depot.checkOpen();
        QueueRules.checkMax(name, max);
        QueueRules.checkWait(name, wait);
        QueueRules.checkHolder(name, holder);
        List<Lease> got = queue.lease(holder == null ? "" : holder, max, wait, depot::isClosed);
        if (got.isEmpty()) {
            depot.checkOpen(); // a wait the depot's closing ended: closed, as every call on a closed depot
        }
        return got;
    }

    @Override
    public void complete(Lease lease) {
        depot.checkOpen();
        QueueRules.checkLease(name, lease);
        if (!queue.complete(List.of(lease)).allApplied()) {
            throw stale(name, lease, "complete");
        }
    }

    @Override
    public BatchResult complete(List<Lease> leases) {
        depot.checkOpen();
        checkLeases(leases);
        return queue.complete(leases);
    }

    @Override
    public void retry(Lease lease, Duration delay) {
        depot.checkOpen();
        QueueRules.checkLease(name, lease);
        QueueRules.checkDelay(name, delay, "retry delay");
        if (!queue.retry(List.of(lease), delay).allApplied()) {
            throw stale(name, lease, "retry");
        }
    }

    @Override
    public BatchResult retry(List<Lease> leases, Duration delay) {
        depot.checkOpen();
        checkLeases(leases);
        QueueRules.checkDelay(name, delay, "retry delay");
        return queue.retry(leases, delay);
    }

    @Override
    public void deadLetter(Lease lease, String reason) {
        depot.checkOpen();
        QueueRules.checkLease(name, lease);
        QueueRules.checkReason(name, reason);
        if (!queue.deadLetter(lease, reason)) {
            throw stale(name, lease, "dead-letter");
        }
    }

    @Override
    public Lease extend(Lease lease, Duration by) {
        depot.checkOpen();
        QueueRules.checkLease(name, lease);
        QueueRules.checkExtension(name, by);
        Lease extended = queue.extend(lease, by);
        if (extended == null) {
            throw stale(name, lease, "extend");
        }
        return extended;
    }

    @Override
    public QueueStats stats() {
        depot.checkOpen();
        return queue.stats();
    }

    @Override
    public Page<QueueItem> list(ItemState state, int limit, String cursor) {
        depot.checkOpen();
        if (limit < 1 || limit > QueueRules.MAX_BATCH) {
            throw new IllegalArgumentException(QueueRules.in(name) + "list limit must be 1 to " + QueueRules.MAX_BATCH + ", was " + limit);
        }
        return queue.list(state, limit, cursor);
    }

    @Override
    public Optional<QueueItem> inspect(String id) {
        depot.checkOpen();
        return queue.inspect(QueueRules.checkId(name, id));
    }

    @Override
    public long clear() {
        depot.checkOpen();
        return queue.clear();
    }

    private void checkLeases(List<Lease> leases) {
        QueueRules.checkLeases(name, leases);
    }

    private static LeaseExpiredException stale(String queue, Lease lease, String action) {
        return QueueConflicts.staleLease(queue, lease, action);
    }

    @Override
    public String toString() {
        return "WorkQueue[" + name + "]";
    }
}
