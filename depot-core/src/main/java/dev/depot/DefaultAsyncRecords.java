package dev.depot;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** {@link AsyncRecords} over blocking records. */
final class DefaultAsyncRecords<K, V> implements AsyncRecords<K, V> {
    private final Records<K, V> records;
    private final DefaultAsyncDepot async;

    DefaultAsyncRecords(Records<K, V> records, DefaultAsyncDepot async) {
        this.records = records;
        this.async = async;
    }

    @Override
    public Records<K, V> sync() {
        return records;
    }

    @Override
    public CompletableFuture<Long> insert(V value) {
        return async.run(() -> records.insert(value));
    }

    @Override
    public CompletableFuture<Long> update(V value) {
        return async.run(() -> records.update(value));
    }

    @Override
    public CompletableFuture<Long> update(V value, long expectedVersion) {
        return async.run(() -> records.update(value, expectedVersion));
    }

    @Override
    public CompletableFuture<Long> save(V value) {
        return async.run(() -> records.save(value));
    }

    @Override
    public CompletableFuture<List<Long>> saveAll(Collection<? extends V> values) {
        return async.run(() -> records.saveAll(values));
    }

    @Override
    public CompletableFuture<Optional<V>> get(K key) {
        return async.run(() -> records.get(key));
    }

    @Override
    public CompletableFuture<Optional<Versioned<V>>> getVersioned(K key) {
        return async.run(() -> records.getVersioned(key));
    }

    @Override
    public CompletableFuture<Map<K, V>> getAll(Collection<? extends K> keys) {
        return async.run(() -> records.getAll(keys));
    }

    @Override
    public CompletableFuture<Boolean> exists(K key) {
        return async.run(() -> records.exists(key));
    }

    @Override
    public CompletableFuture<Boolean> delete(K key) {
        return async.run(() -> records.delete(key));
    }

    @Override
    public CompletableFuture<Boolean> delete(K key, long expectedVersion) {
        return async.run(() -> records.delete(key, expectedVersion));
    }

    @Override
    public CompletableFuture<Long> count() {
        return async.run(records::count);
    }

    @Override
    public CompletableFuture<Void> clear() {
        return async.run(() -> {
            records.clear();
            return null;
        });
    }

    @Override
    public <T> CompletableFuture<T> query(Function<? super Query<V>, ? extends T> run) {
        Objects.requireNonNull(run, "run");
        return async.run(() -> run.apply(records.query()));
    }

    @Override
    public String toString() {
        return "AsyncRecords[" + records.schema().name() + "]";
    }
}
