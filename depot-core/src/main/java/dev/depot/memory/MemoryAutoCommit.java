package dev.depot.memory;

import dev.depot.ConflictException;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.Session;
import dev.depot.spi.StoredRecord;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.util.List;
import java.util.function.Function;

/**
 * Auto-commit operations on a memory store. A get reads the newest published version without
 * registering a snapshot (the hot path); queries read a registered snapshot. A single-key write or
 * delete is decided on the latest committed state under the key's lock, without a snapshot (see
 * {@link MemoryTransaction#writeLatest}); a batch runs as a one-transaction snapshot write, re-run
 * internally if a concurrent writer of one of its keys got there first. Either way callers never
 * see a {@link ConflictException} outside a transaction.
 */
final class MemoryAutoCommit implements Session {
    private static final int MAX_ATTEMPTS = 10_000;
    private final MemoryStore store;
    private final String origin;

    MemoryAutoCommit(MemoryStore store, String origin) {
        this.store = store;
        this.origin = origin;
    }

    @Override
    public StoredRecord get(CollectionSpec spec, Object key) {
        MemoryCollection c = store.collection(spec);
        c.checkDeclaration(spec);
        Version head = c.heads.get(key);
        while (head != null && head.commitSeq > store.commits.visible()) {
            // Its commit is in its section right now: wait for it to publish or to take it back.
            store.commits.awaitSection(head.commitSeq);
            head = c.heads.get(key);
        }
        return head == null || head.isTombstone() ? null : head;
    }

    @Override
    public List<StoredRecord> getAll(CollectionSpec spec, List<Object> keys) {
        return read(tx -> tx.getAll(spec, keys));
    }

    @Override
    public List<StoredRecord> query(CollectionSpec spec, QueryPlan plan) {
        return read(tx -> tx.query(spec, plan));
    }

    @Override
    public long count(CollectionSpec spec, QueryPlan plan) {
        if (plan.filters().isEmpty()) {
            MemoryCollection c = store.collection(spec);
            c.checkDeclaration(spec);
            return c.live.get();
        }
        return read(tx -> tx.count(spec, plan));
    }

    private <T> T read(Function<MemoryTransaction, T> work) {
        MemoryTransaction tx = new MemoryTransaction(store, origin);
        try {
            return work.apply(tx);
        } finally {
            tx.rollback();
        }
    }

    @Override
    public WriteResult write(CollectionSpec spec, Write w) {
        return new MemoryTransaction(store, origin).writeLatest(spec, w);
    }

    @Override
    public List<WriteResult> writeAll(CollectionSpec spec, List<Write> writes) {
        return writeOnce(tx -> tx.writeAll(spec, writes), rs -> rs.stream().allMatch(WriteResult::ok));
    }

    @Override
    public WriteResult delete(CollectionSpec spec, Object key, long expectedVersion) {
        return new MemoryTransaction(store, origin).deleteLatest(spec, key, expectedVersion);
    }

    /** Runs a write as its own transaction, committing when {@code succeeded}, retrying lost races. */
    <T> T writeOnce(Function<MemoryTransaction, T> work, java.util.function.Predicate<T> succeeded) {
        for (int attempt = 1; ; attempt++) {
            MemoryTransaction tx = new MemoryTransaction(store, origin);
            try {
                T result = work.apply(tx);
                if (succeeded.test(result)) {
                    tx.commit();
                } else {
                    tx.rollback();
                }
                return result;
            } catch (ConflictException e) {
                tx.rollback();
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                Thread.yield();
            } catch (RuntimeException | Error e) {
                tx.rollback();
                throw e;
            }
        }
    }

    @Override
    public void commit() {}

    @Override
    public void rollback() {}
}
