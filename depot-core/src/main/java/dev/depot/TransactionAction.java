package dev.depot;

/** The body of a transaction that returns nothing; see {@link Depot#inTransaction(TransactionAction)}. */
@FunctionalInterface
public interface TransactionAction {
    void run(Transaction tx);
}
