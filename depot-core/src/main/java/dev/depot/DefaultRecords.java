package dev.depot;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Session;
import dev.depot.spi.StoredRecord;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Records over any backend session: encodes, extracts index values, validates, and turns backend
 * results into the contract's exceptions. The one place these rules live.
 */
final class DefaultRecords<K, V> implements Records<K, V> {
    private final Schema<K, V> schema;
    private final CollectionSpec spec;
    private final Supplier<Session> session;
    private final Runnable clearOutsideTransaction;

    /**
     * @param clearOutsideTransaction the backend's bulk clear, or null inside a transaction, where
     *     clear deletes record by record through the transaction
     */
    DefaultRecords(Schema<K, V> schema, Supplier<Session> session, Runnable clearOutsideTransaction) {
        this.schema = schema;
        this.spec = schema.spec();
        this.session = session;
        this.clearOutsideTransaction = clearOutsideTransaction;
    }

    @Override
    public Schema<K, V> schema() {
        return schema;
    }

    @Override
    public long insert(V value) {
        return write(value, Write.Mode.INSERT, Write.ANY_VERSION);
    }

    @Override
    public long update(V value) {
        return write(value, Write.Mode.UPDATE, Write.ANY_VERSION);
    }

    @Override
    public long update(V value, long expectedVersion) {
        return write(value, Write.Mode.UPDATE, checkExpected(expectedVersion));
    }

    @Override
    public long save(V value) {
        return write(value, Write.Mode.UPSERT, Write.ANY_VERSION);
    }

    private long write(V value, Write.Mode mode, long expected) {
        Write w = prepareWrite(value, mode, expected);
        WriteResult r = session.get().write(spec, w);
        if (!r.ok()) {
            throw Failures.of(r, schema, w.key(), expected);
        }
        return r.version();
    }

    @Override
    public List<Long> saveAll(Collection<? extends V> values) {
        Objects.requireNonNull(values, "values");
        List<Write> writes = new ArrayList<>(values.size());
        Set<Object> seen = new HashSet<>();
        for (V v : values) {
            Write w = prepareWrite(v, Write.Mode.UPSERT, Write.ANY_VERSION);
            if (!seen.add(w.key())) {
                throw new IllegalArgumentException(schema.name() + ": key " + schema.keys().text(w.key())
                        + " appears twice in one saveAll");
            }
            writes.add(w);
        }
        if (writes.isEmpty()) {
            return List.of();
        }
        List<WriteResult> results = session.get().writeAll(spec, writes);
        List<Long> versions = new ArrayList<>(results.size());
        for (WriteResult r : results) {
            if (!r.ok()) {
                throw Failures.of(r, schema, writes.get(Math.max(0, r.position())).key(), Write.ANY_VERSION);
            }
            versions.add(r.version());
        }
        return List.copyOf(versions);
    }

    /** Validates and encodes before anything reaches the backend, so bad input changes nothing. */
    private Write prepareWrite(V value, Write.Mode mode, long expected) {
        Objects.requireNonNull(value, () -> schema.name() + ": value must not be null");
        Object key = schema.keys().toStored(schema.keyOf(value));
        Object[] indexValues = RecordIndexes.extract(schema, key, value);
        byte[] doc = Documents.encode(schema, key, value);
        return new Write(key, mode, expected, doc, indexValues, schema.anyKeyOrder());
    }

    @Override
    public Optional<V> get(K key) {
        StoredRecord r = session.get().get(spec, schema.keys().toStored(key));
        return r == null ? Optional.empty() : Optional.of(decode(r));
    }

    @Override
    public Optional<Versioned<V>> getVersioned(K key) {
        StoredRecord r = session.get().get(spec, schema.keys().toStored(key));
        return r == null ? Optional.empty() : Optional.of(new Versioned<>(decode(r), r.version()));
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        Objects.requireNonNull(keys, "keys");
        List<Object> stored = new ArrayList<>(keys.size());
        for (K k : keys) {
            stored.add(schema.keys().toStored(k));
        }
        Map<Object, StoredRecord> found = new HashMap<>();
        for (StoredRecord r : session.get().getAll(spec, stored)) {
            found.put(r.key(), r);
        }
        Map<K, V> out = new LinkedHashMap<>();
        for (Object s : stored) {
            StoredRecord r = found.get(s);
            if (r != null) {
                out.put(schema.keys().fromStored(s), decode(r));
            }
        }
        return out;
    }

    @Override
    public boolean exists(K key) {
        return session.get().get(spec, schema.keys().toStored(key)) != null;
    }

    @Override
    public boolean delete(K key) {
        return deleteAt(key, Write.ANY_VERSION);
    }

    @Override
    public boolean delete(K key, long expectedVersion) {
        return deleteAt(key, checkExpected(expectedVersion));
    }

    private long checkExpected(long expectedVersion) {
        if (expectedVersion < 1) {
            throw new IllegalArgumentException(schema.name() + ": expected version must be >= 1, was " + expectedVersion);
        }
        return expectedVersion;
    }

    private boolean deleteAt(K key, long expected) {
        Object stored = schema.keys().toStored(key);
        WriteResult r = session.get().delete(spec, stored, expected);
        return switch (r.status()) {
            case OK -> true;
            case MISSING -> false;
            default -> throw Failures.of(r, schema, stored, expected);
        };
    }

    @Override
    public long count() {
        return session.get().count(spec, DefaultQuery.ALL);
    }

    @Override
    public void clear() {
        Session s = session.get(); // fails fast when the depot is closed or the transaction ended
        if (clearOutsideTransaction != null) {
            clearOutsideTransaction.run();
            return;
        }
        for (StoredRecord r : s.query(spec, DefaultQuery.ALL)) {
            s.delete(spec, r.key(), Write.ANY_VERSION);
        }
    }

    @Override
    public Query<V> query() {
        return new DefaultQuery<>(this);
    }

    // ---- used by DefaultQuery ----

    Schema<K, V> schemaInternal() {
        return schema;
    }

    CollectionSpec spec() {
        return spec;
    }

    Session session() {
        return session.get();
    }

    V decode(StoredRecord r) {
        return StoredValues.read(schema, r);
    }
}
