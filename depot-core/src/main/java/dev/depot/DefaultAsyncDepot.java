package dev.depot;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@link AsyncDepot} over a blocking depot and an executor. */
final class DefaultAsyncDepot implements AsyncDepot {
    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().name("depot-async-", 0).factory();
    /** A virtual thread per call: never full, nothing to close. */
    static final Executor VIRTUAL_THREADS = command -> VIRTUAL.newThread(command).start();

    private final Depot depot;
    private final Executor executor;

    DefaultAsyncDepot(Depot depot, Executor executor) {
        this.depot = Objects.requireNonNull(depot, "depot");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public <K, V> AsyncRecords<K, V> records(Schema<K, V> schema) {
        return new DefaultAsyncRecords<>(depot.records(schema), this);
    }

    @Override
    public <T> CompletableFuture<T> transact(TransactionWork<T> work) {
        Objects.requireNonNull(work, "work");
        return run(() -> depot.transact(work));
    }

    @Override
    public <T> CompletableFuture<T> transact(Retry retry, TransactionWork<T> work) {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(work, "work");
        return run(() -> depot.transact(retry, work));
    }

    @Override
    public <T> CompletableFuture<T> call(Function<? super Depot, ? extends T> work) {
        Objects.requireNonNull(work, "work");
        return run(() -> work.apply(depot));
    }

    @Override
    public Depot sync() {
        return depot;
    }

    /**
     * Runs {@code work} on the executor; the future completes with its result or with exactly what
     * it threw (supplyAsync would wrap that in a CompletionException for every dependent stage).
     */
    <T> CompletableFuture<T> run(Supplier<? extends T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(work.get());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RuntimeException rejected) {
            f.completeExceptionally(rejected); // a full or shut-down executor of the caller's
        }
        return f;
    }

    @Override
    public String toString() {
        return "AsyncDepot[" + depot + "]";
    }
}
