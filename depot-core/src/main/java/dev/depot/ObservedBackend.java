package dev.depot;

import dev.depot.spi.Backend;
import dev.depot.spi.ChangeLog;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Reindexer;
import dev.depot.spi.Session;

/**
 * A {@link Backend} that reports its sessions' operations to a {@link DepotObserver}. Installed by
 * the depot only when an observer is set, so the default path is the bare backend.
 */
final class ObservedBackend implements Backend {
    private final Backend backend;
    private final DepotObserver observer;
    private volatile ObservedSession autoCommit;

    private ObservedBackend(Backend backend, DepotObserver observer) {
        this.backend = backend;
        this.observer = observer;
    }

    /** {@code backend} itself when nothing observes it, else a reporting wrapper. */
    static Backend wrap(Backend backend, DepotObserver observer) {
        return observer == DepotObserver.NONE ? backend : new ObservedBackend(backend, observer);
    }

    @Override
    public Capabilities capabilities() {
        return backend.capabilities();
    }

    @Override
    public void prepare(CollectionSpec collection, Reindexer reindexer) {
        backend.prepare(collection, reindexer);
    }

    @Override
    public Session autoCommit() {
        Session raw = backend.autoCommit();
        ObservedSession wrapped = autoCommit;
        if (wrapped == null || !wrapped.wraps(raw)) { // backends share one auto-commit session: wrap it once
            wrapped = new ObservedSession(raw, observer);
            autoCommit = wrapped;
        }
        return wrapped;
    }

    @Override
    public Session begin() {
        return new ObservedSession(backend.begin(), observer);
    }

    /** Queue operations are not observed yet; they pass straight through. */
    @Override
    public dev.depot.spi.QueueStore queues() {
        return backend.queues();
    }

    /** Blob operations are not observed yet; they pass straight through. */
    @Override
    public dev.depot.spi.BlobStore blobs() {
        return backend.blobs();
    }

    @Override
    public ChangeLog changes() {
        return backend.changes();
    }

    @Override
    public void clear(CollectionSpec collection) {
        long start = System.nanoTime();
        DepotObserver.Outcome outcome = DepotObserver.Outcome.ERROR;
        try {
            backend.clear(collection);
            outcome = DepotObserver.Outcome.OK;
        } catch (RuntimeException | Error e) {
            outcome = ObservedSession.outcomeOf(e);
            throw e;
        } finally {
            observer.operationFinished(collection.name(), DepotObserver.Operation.CLEAR, outcome, System.nanoTime() - start);
        }
    }

    @Override
    public void clearAll() {
        backend.clearAll();
    }

    @Override
    public DepotStats stats() {
        return backend.stats();
    }

    @Override
    public Health health() {
        return backend.health();
    }

    @Override
    public void close() {
        backend.close();
    }
}
