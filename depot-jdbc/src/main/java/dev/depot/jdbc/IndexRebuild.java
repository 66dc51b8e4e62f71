package dev.depot.jdbc;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.ForwardingBackend;
import dev.depot.spi.Reindexer;

/**
 * A JDBC backend whose {@link #prepare} refills every declared index instead of only evolving the
 * table. {@link JdbcDepots#rebuildIndexes} drives it through a depot, which is how it gets each
 * schema's {@link Reindexer} (the code that computes index values from a stored document).
 */
final class IndexRebuild extends ForwardingBackend {
    private final JdbcBackend backend;

    IndexRebuild(JdbcBackend backend) {
        super(backend);
        this.backend = backend;
    }

    @Override
    public void prepare(CollectionSpec spec, Reindexer reindexer) {
        backend.catalog.rebuild(spec, reindexer);
    }

    @Override
    public void clear(CollectionSpec collection) {
        throw new UnsupportedOperationException("an index rebuild clears nothing");
    }

    @Override
    public void clearAll() {
        throw new UnsupportedOperationException("an index rebuild clears nothing");
    }
}
