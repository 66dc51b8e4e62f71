package dev.depot;

import dev.depot.spi.Backend;
import dev.depot.spi.CommitLookup;
import dev.depot.spi.DepotUrl;
import dev.depot.spi.Session;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The one implementation of {@link Depot}: contract rules over a {@link Backend}. */
final class DefaultDepot implements Depot {
    private final Backend backend;
    private final DepotObserver observer;
    private final DepotUrl url;
    private final DefaultChangeFeed changes;
    /**
     * The schema each collection was last prepared with through this depot. Keyed by collection, not
     * a set of schemas: after another declaration of the collection, opening it again with an earlier
     * schema must prepare (redeclare) it again, or the new handle would be stale from the start.
     */
    private final Map<String, Schema<?, ?>> prepared = new ConcurrentHashMap<>();
    /** One monitor per collection name, held while it is prepared. */
    private final Map<String, Object> preparing = new ConcurrentHashMap<>();
    /** Transactions whose callback is running, for {@link #refuseInOwnTransaction}. */
    private final java.util.Set<DefaultTransaction> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final java.time.InstantSource clock;

    DefaultDepot(Backend backend, DepotUrl url, DepotOptions options) {
        this.observer = GuardedObserver.of(options.observer());
        this.backend = ObservedBackend.wrap(backend, observer);
        this.url = url;
        this.changes = new DefaultChangeFeed(backend.changes(), this::checkOpen, this::isClosed, backend.origin());
        this.clock = options.clock();
    }

    @Override
    public String origin() {
        return backend.origin();
    }

    @Override
    public Blobs blobs(String bucket) {
        checkOpen();
        if (!backend.capabilities().has(Capability.BLOBS)) {
            throw new UnsupportedOperationException(url.scheme() + ": this backend has no blobs (capability "
                    + Capability.BLOBS + "); use memory: or file:DIR");
        }
        return new DefaultBlobs(bucket, backend.blobs(), clock, this);
    }

    @Override
    public <K, V> Records<K, V> records(Schema<K, V> schema) {
        Objects.requireNonNull(schema, "schema");
        checkOpen();
        prepare(schema);
        return new DefaultRecords<>(schema, this::autoCommit, () -> backend.clear(schema.spec()));
    }

    private Session autoCommit() {
        checkOpen();
        return backend.autoCommit();
    }

    void prepare(Schema<?, ?> schema) {
        if (prepared.get(schema.name()) != schema) {
            // One collection at a time, not the whole depot: a change that waits for a transaction
            // holding its table must not hold up that transaction's declaration of another collection.
            synchronized (preparing.computeIfAbsent(schema.name(), n -> new Object())) {
                Schema<?, ?> last = prepared.get(schema.name());
                if (last != schema) {
                    if (last != null && !last.spec().equals(schema.spec())) {
                        refuseInOwnTransaction(schema.name());
                    }
                    backend.prepare(schema.spec(), doc -> reindex(schema, doc));
                    prepared.put(schema.name(), schema);
                }
            }
        }
    }

    /**
     * Refuses, on every backend alike, declaring {@code collection} anew while a transaction of the
     * calling thread that has used it is open: on SQL the change needs the table that transaction holds
     * until it ends, and it cannot end while its own thread waits; that transaction could not go on
     * with the other declaration anyway. Memory has no such lock, and refuses it too, so code that
     * passes in memory does not hang on a database.
     */
    private void refuseInOwnTransaction(String collection) {
        for (DefaultTransaction tx : open) {
            if (tx.owner == Thread.currentThread() && tx.uses(collection)) {
                throw new IllegalStateException("collection '" + collection + "' cannot be declared anew (other indexes) inside"
                        + " a transaction of this thread that has used it: the change needs the collection's table, which that"
                        + " transaction holds until it ends; nothing was changed. Declare it before the transaction begins or"
                        + " after it ends");
            }
        }
    }

    private static <V> Object[] reindex(Schema<?, V> schema, byte[] doc) {
        return RecordIndexes.extract(schema, null, Documents.decode(schema, null, doc));
    }

    @Override
    public <T> T transact(TransactionWork<T> work) {
        return transact(Retry.never(), work);
    }

    @Override
    public <T> T transact(Retry retry, TransactionWork<T> work) {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(work, "work");
        for (int attempt = 0; ; attempt++) {
            try {
                return attempt(work);
            } catch (ConflictException e) {
                if (attempt >= retry.maxRetries()) {
                    throw e;
                }
                observer.transactionRetried(attempt + 1);
                pause(retry, attempt);
            }
        }
    }

    private <T> T attempt(TransactionWork<T> work) {
        checkOpen();
        long known = backend.changes().knownSequence(); // before the transaction begins
        Session session = backend.begin();
        DefaultTransaction tx = new DefaultTransaction(this, session, known);
        T result;
        open.add(tx);
        try {
            result = work.run(tx);
        } catch (RuntimeException | Error e) {
            tx.end();
            rollbackQuietly(session, e);
            throw e;
        } finally {
            open.remove(tx);
        }
        tx.end();
        if (tx.isRollbackOnly()) {
            session.rollback();
            return result;
        }
        try {
            session.commit(tx.id());
        } catch (BackendUnavailableException e) {
            rollbackQuietly(session, e);
            throw new CommitOutcomeUnknownException(tx.id(), e); // the database may have committed before the connection died
        } catch (RuntimeException | Error e) {
            rollbackQuietly(session, e);
            throw e;
        }
        return result;
    }

    private static void rollbackQuietly(Session session, Throwable cause) {
        try {
            session.rollback();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static void pause(Retry retry, int attempt) {
        long maxNanos = retry.maxBackoff().toNanos();
        if (maxNanos <= 0) {
            Thread.yield();
            return;
        }
        long ceiling = Math.min(maxNanos, TimeUnit.MICROSECONDS.toNanos(100) << Math.min(attempt, 16));
        long nanos = ThreadLocalRandom.current().nextLong(ceiling + 1);
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            throw dev.depot.spi.Interrupts.interrupted("waiting to retry a transaction; the attempts so far were not applied", e);
        }
    }

    @Override
    public java.util.List<String> migrate(java.util.List<Migration> migrations) {
        checkOpen();
        return Migrator.migrate(this, migrations, clock);
    }

    @Override
    public WorkQueue queue(String name) {
        checkOpen();
        return DefaultWorkQueue.open(this, backend, url, name, null);
    }

    @Override
    public WorkQueue queue(String name, QueueOptions options) {
        checkOpen();
        if (options == null) {
            throw new IllegalArgumentException(QueueRules.in(QueueRules.checkName(name, "queue")) + "options must not be null");
        }
        return DefaultWorkQueue.open(this, backend, url, name, options);
    }

    @Override
    public java.util.SortedMap<String, QueueOptions> queues() {
        checkOpen();
        requireQueues();
        return java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(backend.queues().options()));
    }

    @Override
    public boolean dropQueue(String name) {
        checkOpen();
        QueueRules.checkName(name, "queue");
        requireQueues();
        return backend.queues().drop(name);
    }

    void requireQueues() {
        DefaultWorkQueue.require(backend, url);
    }

    @Override
    public ChangeFeed changes() {
        checkOpen();
        return changes;
    }

    @Override
    public CommitOutcome commitOutcome(String commitId) {
        long bound = CommitIds.bound(commitId);
        checkOpen();
        CommitLookup found = backend.changes().lookup(commitId);
        if (found.found()) {
            return CommitOutcome.committed(found.first(), found.last());
        }
        if (found.trimFloor() > bound) {
            return CommitOutcome.of(CommitOutcome.Status.UNKNOWN); // events it could have had were dropped
        }
        // Its events would all be above the bound, and none above the floor was dropped: it had none.
        // Applied without events (queue operations only), or never applied.
        return found.applied() ? CommitOutcome.committed(0, 0) : CommitOutcome.of(CommitOutcome.Status.NOT_COMMITTED);
    }

    @Override
    public void clear() {
        checkOpen();
        backend.clearAll();
    }

    @Override
    public DepotStats stats() {
        checkOpen();
        return backend.stats();
    }

    @Override
    public Health health() {
        if (closed) {
            return new Health(false, url.scheme(), java.time.Duration.ZERO, "closed");
        }
        return backend.health();
    }

    @Override
    public Capabilities capabilities() {
        checkOpen();
        return backend.capabilities();
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("depot " + url + " is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        changes.closeAll();
        backend.close();
    }

    @Override
    public String toString() {
        return "Depot[" + url + "]";
    }
}
