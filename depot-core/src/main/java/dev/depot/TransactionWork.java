package dev.depot;

/** The body of a transaction; see {@link Depot#transact(TransactionWork)}. */
@FunctionalInterface
public interface TransactionWork<T> {
    T run(Transaction tx);
}
