package dev.depot.spi;

import java.util.List;

/**
 * The record primitives a backend implements. A session is either auto-commit ({@link
 * Backend#autoCommit()}: every call is its own atomic transaction, and the session is thread-safe)
 * or a transaction ({@link Backend#begin()}: used by one thread, reads one snapshot taken at its
 * first call plus its own writes, and ends with {@link #commit()} or {@link #rollback()}).
 *
 * <p>Every write that changes something appends its change event atomically with it.
 */
public interface Session {

    /** The record, or null if absent. */
    StoredRecord get(CollectionSpec collection, Object key);

    /** The records of the keys that exist, in any order. */
    List<StoredRecord> getAll(CollectionSpec collection, List<Object> keys);

    WriteResult write(CollectionSpec collection, Write write);

    /**
     * Applies every write atomically, or none: on the first failing write, returns its result (with
     * its batch position) and leaves nothing behind. On success returns OK results in order.
     */
    List<WriteResult> writeAll(CollectionSpec collection, List<Write> writes);

    /**
     * Deletes a record. {@code expectedVersion} is {@link Write#ANY_VERSION} or the version the
     * record must be at. Result: OK with the deleted version, MISSING, or STALE.
     */
    WriteResult delete(CollectionSpec collection, Object key, long expectedVersion);

    /** Matching records in the plan's order; see {@link QueryPlan}. */
    List<StoredRecord> query(CollectionSpec collection, QueryPlan plan);

    /** Number of records matching the plan's predicates (ignores order, bound, offset, limit). */
    long count(CollectionSpec collection, QueryPlan plan);

    /**
     * Makes the transaction's writes visible, atomically. Throws {@code ConflictException} (and
     * applies nothing) if another transaction committed a write to a key this one wrote after this
     * one's snapshot. No-op on an auto-commit session.
     */
    void commit();

    /**
     * Commits as {@link #commit()}, storing {@code commitId} with the commit's change events so that
     * {@link ChangeLog#lookup} finds them, at no extra round trip. A transaction's session must
     * implement it; an auto-commit session ignores the id.
     */
    default void commit(String commitId) {
        commit();
    }

    /** Discards everything the transaction did. No-op on an auto-commit session; safe to repeat. */
    void rollback();

    /**
     * Buffers a queue operation of a transaction, to be applied by {@link #commit()} atomically with
     * the record writes; a lease that is no longer current then fails the whole commit with
     * {@code LeaseExpiredException}. Only backends declaring {@code QUEUES} implement it.
     */
    default void queue(QueueOp op) {
        throw new UnsupportedOperationException("this backend has no work queues");
    }
}
