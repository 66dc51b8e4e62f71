package dev.depot;

import dev.depot.spi.StoredRecord;

/**
 * Turns a stored record into the value a reader gets, isolated from every other reader and from
 * the store, as cheaply as the value type allows:
 * <ul>
 *   <li>a deeply immutable type: one decoded instance, cached on the record, shared by all;</li>
 *   <li>a {@code frozenCollections()} schema: each decode is frozen ({@link ValueFreezer}: its
 *       collections made unmodifiable), cached and shared like a deeply immutable value; on a
 *       backend that keeps no cache every read decodes and freezes;</li>
 *   <li>a type {@link ValueCopier} can copy: the decoded instance is cached on the record and never
 *       handed out; each read gets a structural copy of it (mutable parts new, immutable leaves
 *       shared);</li>
 *   <li>anything else (a custom codec, a polymorphic or annotated type): a decode per read.</li>
 * </ul>
 * A backend that keeps no cache (SQL) gets a plain decode, which is already the caller's alone. On
 * the first read the caller gets the fresh decode and the cache a copy of it: made in one burst,
 * its parts lie together in memory, and every later read walks them.
 */
final class StoredValues {
    /** Cached in place of a value whose runtime shape the copier does not know: decode it every time. */
    private static final Object UNCOPYABLE = new Object();
    /** Offered to the cache to learn whether the backend keeps one; readers treat it as no value. */
    private static final Object PROBE = new Object();

    private StoredValues() {}

    static <V> V read(Schema<?, V> schema, StoredRecord r) {
        Class<V> type = schema.valueType();
        Object cached = r.cachedValue();
        if (schema.immutableValues()) {
            if (type.isInstance(cached)) {
                return type.cast(cached);
            }
            V v = Documents.decode(schema, r.key(), r.document());
            r.cacheValue(v);
            return v;
        }
        ValueFreezer<V> freezer = schema.freezer();
        if (freezer != null) {
            if (type.isInstance(cached)) {
                return type.cast(cached);
            }
            V v = freezer.freeze(Documents.decode(schema, r.key(), r.document()));
            r.cacheValue(v);
            return v;
        }
        ValueCopier<V> copier = schema.copier();
        if (copier == null || !copier.on() || cached == UNCOPYABLE) {
            return Documents.decode(schema, r.key(), r.document());
        }
        if (type.isInstance(cached)) {
            return copied(schema, copier, r, cached);
        }
        // First read: the caller gets the fresh decode; the store caches a copy of it, made in one
        // burst so that its parts lie together in memory, which the copies of later reads walk.
        V fresh = Documents.decode(schema, r.key(), r.document());
        r.cacheValue(PROBE);
        if (r.cachedValue() != PROBE) {
            return fresh; // this backend keeps no cache (SQL), or another reader's copy just landed
        }
        V kept = copier.copy(fresh);
        if (kept == null) {
            r.cacheValue(UNCOPYABLE);
            return fresh;
        }
        if (!copier.verified() && !copier.verify(kept, fresh, schema.codec())) {
            return fresh;
        }
        r.cacheValue(kept);
        return fresh;
    }

    private static <V> V copied(Schema<?, V> schema, ValueCopier<V> copier, StoredRecord r, Object cached) {
        V copy = copier.copy(cached);
        if (copy == null) {
            r.cacheValue(UNCOPYABLE);
            return Documents.decode(schema, r.key(), r.document());
        }
        if (!copier.verified() && !copier.verify(copy, Documents.decode(schema, r.key(), r.document()), schema.codec())) {
            r.cacheValue(null);
            return Documents.decode(schema, r.key(), r.document());
        }
        return copy;
    }
}
