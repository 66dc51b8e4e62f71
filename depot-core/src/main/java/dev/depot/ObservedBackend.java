package dev.depot;

import dev.depot.spi.Backend;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.ForwardingBackend;
import dev.depot.spi.Session;

/**
 * A {@link Backend} that reports its sessions' operations to a {@link DepotObserver}. Installed by
 * the depot only when an observer is set, so the default path is the bare backend.
 */
final class ObservedBackend extends ForwardingBackend {
    private final DepotObserver observer;
    private volatile ObservedSession autoCommit;

    private ObservedBackend(Backend backend, DepotObserver observer) {
        super(backend);
        this.observer = observer;
    }

    /** {@code backend} itself when nothing observes it, else a reporting wrapper. */
    static Backend wrap(Backend backend, DepotObserver observer) {
        return observer == DepotObserver.NONE ? backend : new ObservedBackend(backend, observer);
    }

    @Override
    public Session autoCommit() {
        Session raw = delegate().autoCommit();
        ObservedSession wrapped = autoCommit;
        if (wrapped == null || !wrapped.wraps(raw)) { // backends share one auto-commit session: wrap it once
            wrapped = new ObservedSession(raw, observer);
            autoCommit = wrapped;
        }
        return wrapped;
    }

    @Override
    public Session begin() {
        return new ObservedSession(delegate().begin(), observer);
    }

    // Blob and queue operations are not observed yet: ForwardingBackend passes them straight through.

    @Override
    public void clear(CollectionSpec collection) {
        long start = System.nanoTime();
        DepotObserver.Outcome outcome = DepotObserver.Outcome.ERROR;
        try {
            delegate().clear(collection);
            outcome = DepotObserver.Outcome.OK;
        } catch (RuntimeException | Error e) {
            outcome = ObservedSession.outcomeOf(e);
            throw e;
        } finally {
            observer.operationFinished(collection.name(), DepotObserver.Operation.CLEAR, outcome, System.nanoTime() - start);
        }
    }
}
