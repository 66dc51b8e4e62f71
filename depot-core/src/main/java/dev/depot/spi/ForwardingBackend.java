package dev.depot.spi;

import dev.depot.Capabilities;
import dev.depot.DepotStats;
import dev.depot.Health;

/**
 * A {@link Backend} that hands every call to another one. Wrappers that change one or two
 * primitives (observation, an index rebuild) extend it and override only those, so a primitive
 * added to {@link Backend} later reaches the wrapped backend instead of being silently lost.
 */
public abstract class ForwardingBackend implements Backend {
    private final Backend delegate;

    protected ForwardingBackend(Backend delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /** The backend every call not overridden goes to. */
    protected final Backend delegate() {
        return delegate;
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public String origin() {
        return delegate.origin();
    }

    @Override
    public void prepare(CollectionSpec collection, Reindexer reindexer) {
        delegate.prepare(collection, reindexer);
    }

    @Override
    public Session autoCommit() {
        return delegate.autoCommit();
    }

    @Override
    public Session begin() {
        return delegate.begin();
    }

    @Override
    public ChangeLog changes() {
        return delegate.changes();
    }

    @Override
    public BlobStore blobs() {
        return delegate.blobs();
    }

    @Override
    public QueueStore queues() {
        return delegate.queues();
    }

    @Override
    public void clear(CollectionSpec collection) {
        delegate.clear(collection);
    }

    @Override
    public void clearAll() {
        delegate.clearAll();
    }

    @Override
    public DepotStats stats() {
        return delegate.stats();
    }

    @Override
    public Health health() {
        return delegate.health();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
