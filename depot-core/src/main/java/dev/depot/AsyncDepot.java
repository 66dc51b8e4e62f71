package dev.depot;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A depot's calls as {@link CompletableFuture}s, for code written against an asynchronous storage
 * API. Each call runs the blocking call of the same name on the view's executor and completes with
 * its result, or exceptionally with the very exception the blocking call threw ({@code join()} wraps
 * it in a {@code CompletionException}, {@code get()} in an {@code ExecutionException}, as always).
 * The semantics are the blocking call's, on every backend: each records call is its own atomic
 * transaction; a transaction's work runs on one thread, start to commit.
 *
 * <p>A call reads its arguments when it runs, not when it is made: do not change a value or a
 * collection passed in until its future completes. Calls made one after another without waiting
 * may run in any order; chain them ({@code thenCompose}) when order matters.
 *
 * <p>From {@link Depot#async()}: a new virtual thread per call (nothing to size or close); from
 * {@link Depot#async(java.util.concurrent.Executor)}: the caller's executor.
 */
public interface AsyncDepot {
    /** The collection's records, asynchronously. */
    <K, V> AsyncRecords<K, V> records(Schema<K, V> schema);

    /** {@link Depot#transact(TransactionWork)} on the executor. */
    <T> CompletableFuture<T> transact(TransactionWork<T> work);

    /** {@link Depot#transact(Retry, TransactionWork)} on the executor. */
    <T> CompletableFuture<T> transact(Retry retry, TransactionWork<T> work);

    /**
     * Runs any blocking work with the depot on the executor — blobs, queues, feed reads:
     * {@code async.call(d -> d.queue("mail").produce(payload))}.
     */
    <T> CompletableFuture<T> call(Function<? super Depot, ? extends T> work);

    /** The blocking depot this view calls. */
    Depot sync();
}
