package dev.depot;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records of one collection. Obtained from {@link Depot#records(Schema)} (each call is its own
 * atomic transaction) or {@link Transaction#records(Schema)} (calls join the transaction).
 *
 * <p>The store owns its values: every value returned is a copy decoded from the stored bytes (or an
 * instance of a deeply immutable type, which cannot be changed); mutating it changes nothing in the
 * store until it is written back.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Records<K, V> {

    /** The schema this view was opened with. */
    Schema<K, V> schema();

    /**
     * Inserts a new record.
     *
     * @return its version, 1
     * @throws AlreadyExistsException if the key exists
     * @throws UniqueConstraintException if a unique index value is taken
     */
    long insert(V value);

    /**
     * Replaces an existing record.
     *
     * @return the new version
     * @throws NotFoundException if the key does not exist
     */
    long update(V value);

    /**
     * Replaces an existing record if it is still at {@code expectedVersion} (optimistic locking).
     *
     * @throws NotFoundException if the key does not exist
     * @throws VersionConflictException if the current version differs
     */
    long update(V value, long expectedVersion);

    /** Inserts or replaces. Returns the new version. */
    long save(V value);

    /**
     * Saves every value in one atomic batch: either all are written or, on any error, none. Returns
     * the new versions in the order given. A key may appear only once.
     */
    List<Long> saveAll(Collection<? extends V> values);

    Optional<V> get(K key);

    Optional<Versioned<V>> getVersioned(K key);

    /** The values of the keys that exist, in the order of {@code keys}; missing keys are absent. */
    Map<K, V> getAll(Collection<? extends K> keys);

    boolean exists(K key);

    /** Deletes a record. Returns false if it did not exist. */
    boolean delete(K key);

    /**
     * Deletes a record if it is still at {@code expectedVersion}. Returns false if it did not exist.
     *
     * @throws VersionConflictException if the current version differs
     */
    boolean delete(K key, long expectedVersion);

    /** Number of records in the collection. */
    long count();

    /** Deletes every record of the collection (emitting one change event per record). */
    void clear();

    /** Starts a query; see {@link Query} for the order guarantees. */
    Query<V> query();
}
