package dev.depot.jdbc;

import dev.depot.Capabilities;
import dev.depot.DepotStats;
import dev.depot.Health;
import dev.depot.spi.Backend;
import dev.depot.spi.ChangeLog;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Reindexer;
import dev.depot.spi.Session;

/**
 * A JDBC backend whose {@link #prepare} refills every declared index instead of only evolving the
 * table. {@link JdbcDepots#rebuildIndexes} drives it through a depot, which is how it gets each
 * schema's {@link Reindexer} (the code that computes index values from a stored document).
 */
final class IndexRebuild implements Backend {
    private final JdbcBackend backend;

    IndexRebuild(JdbcBackend backend) {
        this.backend = backend;
    }

    @Override
    public void prepare(CollectionSpec spec, Reindexer reindexer) {
        backend.catalog.rebuild(spec, reindexer);
    }

    @Override
    public Capabilities capabilities() {
        return backend.capabilities();
    }

    @Override
    public Session autoCommit() {
        return backend.autoCommit();
    }

    @Override
    public Session begin() {
        return backend.begin();
    }

    @Override
    public ChangeLog changes() {
        return backend.changes();
    }

    @Override
    public void clear(CollectionSpec collection) {
        throw new UnsupportedOperationException("an index rebuild clears nothing");
    }

    @Override
    public void clearAll() {
        throw new UnsupportedOperationException("an index rebuild clears nothing");
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
