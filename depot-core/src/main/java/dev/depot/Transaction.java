package dev.depot;

/**
 * A unit of work passed to {@link Depot#transact}. It reads one consistent snapshot, taken at its
 * first operation, plus its own writes. Its writes become visible together when the callback
 * returns, or not at all: when the callback throws, or has called {@link #setRollbackOnly()}.
 */
public interface Transaction {

    /** The records of a collection, read and written as part of this transaction. */
    <K, V> Records<K, V> records(Schema<K, V> schema);

    /**
     * This transaction's commit id: made by the client when the transaction begins (no round trip),
     * unique across processes, stored with the commit's change events. If the commit fails with
     * {@link CommitOutcomeUnknownException} (which carries the same id), {@link
     * Depot#commitOutcome(String)} tells whether it was applied. Each attempt of a retried callback is
     * a new transaction with a new id. Usable also after the callback returned.
     */
    String id();

    /**
     * The work queue {@code name}, acted on as part of this transaction: what is produced,
     * completed, retried or dead-lettered here takes effect at commit with the record writes, or
     * not at all.
     */
    TransactionQueue queue(String name);

    /**
     * Marks the transaction to roll back when its callback returns, instead of committing: nothing
     * it wrote (records, queue actions) takes effect, no change event is recorded, and the callback's
     * result is returned without an error. Irreversible. The transaction stays usable until its
     * callback returns, still seeing its own writes.
     */
    void setRollbackOnly();

    /** Whether {@link #setRollbackOnly()} was called. */
    boolean isRollbackOnly();
}
