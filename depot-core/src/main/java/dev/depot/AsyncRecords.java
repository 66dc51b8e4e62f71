package dev.depot;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A collection's {@link Records} with every call returning a {@link CompletableFuture} (see
 * {@link AsyncDepot} for where calls run and how they complete). Each method does what the
 * {@link Records} method of the same name does, with the same exceptions, delivered through the
 * future.
 */
public interface AsyncRecords<K, V> {
    /** The blocking records this view calls. */
    Records<K, V> sync();

    CompletableFuture<Long> insert(V value);

    CompletableFuture<Long> update(V value);

    CompletableFuture<Long> update(V value, long expectedVersion);

    CompletableFuture<Long> save(V value);

    CompletableFuture<List<Long>> saveAll(Collection<? extends V> values);

    CompletableFuture<Optional<V>> get(K key);

    CompletableFuture<Optional<Versioned<V>>> getVersioned(K key);

    CompletableFuture<Map<K, V>> getAll(Collection<? extends K> keys);

    CompletableFuture<Boolean> exists(K key);

    CompletableFuture<Boolean> delete(K key);

    CompletableFuture<Boolean> delete(K key, long expectedVersion);

    CompletableFuture<Long> count();

    CompletableFuture<Void> clear();

    /**
     * Builds and runs a query on the executor: {@code async.query(q -> q.where(Q.field("score").gt(10)).list())}.
     * {@code run} gets a fresh {@link Records#query()} and returns what its terminal call returns.
     */
    <T> CompletableFuture<T> query(Function<? super Query<V>, ? extends T> run);
}
