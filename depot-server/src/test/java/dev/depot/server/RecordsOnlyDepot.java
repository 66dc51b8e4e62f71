package dev.depot.server;

import dev.depot.Blobs;
import dev.depot.Capabilities;
import dev.depot.Capability;
import dev.depot.ChangeFeed;
import dev.depot.CommitOutcome;
import dev.depot.Depot;
import dev.depot.DepotStats;
import dev.depot.Health;
import dev.depot.QueueOptions;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.TransactionWork;
import dev.depot.WorkQueue;
import java.util.EnumSet;

/**
 * A depot that has records and the change feed only, as a backend without blobs, queues or
 * transactions would: it declares no such capability and throws as the API says.
 */
final class RecordsOnlyDepot implements Depot {
    private final Depot inner;

    RecordsOnlyDepot(Depot inner) {
        this.inner = inner;
    }

    @Override
    public String origin() {
        return inner.origin();
    }

    @Override
    public <K, V> Records<K, V> records(Schema<K, V> schema) {
        return inner.records(schema);
    }

    @Override
    public Blobs blobs(String bucket) {
        throw new UnsupportedOperationException("records-only does not support BLOBS");
    }

    @Override
    public <T> T transact(TransactionWork<T> work) {
        throw new UnsupportedOperationException("records-only does not support TRANSACTIONS");
    }

    @Override
    public <T> T transact(Retry retry, TransactionWork<T> work) {
        throw new UnsupportedOperationException("records-only does not support TRANSACTIONS");
    }

    @Override
    public WorkQueue queue(String name) {
        throw new UnsupportedOperationException("records-only does not support QUEUES");
    }

    @Override
    public WorkQueue queue(String name, QueueOptions options) {
        throw new UnsupportedOperationException("records-only does not support QUEUES");
    }

    @Override
    public java.util.SortedMap<String, QueueOptions> queues() {
        throw new UnsupportedOperationException("records-only does not support QUEUES");
    }

    @Override
    public boolean dropQueue(String name) {
        throw new UnsupportedOperationException("records-only does not support QUEUES");
    }

    @Override
    public ChangeFeed changes() {
        return inner.changes();
    }

    @Override
    public CommitOutcome commitOutcome(String commitId) {
        return inner.commitOutcome(commitId);
    }

    @Override
    public void clear() {
        inner.clear();
    }

    @Override
    public DepotStats stats() {
        DepotStats s = inner.stats();
        return new DepotStats(s.backend(), s.records(), s.changeEvents(), s.approximateHeapBytes());
    }

    @Override
    public Health health() {
        return inner.health();
    }

    @Override
    public Capabilities capabilities() {
        EnumSet<Capability> c = EnumSet.copyOf(inner.capabilities().supported());
        c.removeAll(EnumSet.of(Capability.BLOBS, Capability.QUEUES, Capability.TRANSACTIONS));
        return new Capabilities(c);
    }

    @Override
    public void close() {
        inner.close();
    }
}
