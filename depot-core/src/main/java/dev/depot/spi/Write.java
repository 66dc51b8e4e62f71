package dev.depot.spi;

import dev.depot.ChangeEvent;

/**
 * One record write for a backend.
 *
 * @param key normalised key
 * @param mode insert, update or upsert
 * @param expectedVersion the version the record must be at, or {@link #ANY_VERSION}
 * @param document encoded value
 * @param indexValues normalised index values, by index position (elements may be null)
 * @param anyKeyOrder whether the document's reader decodes it to an equal value whatever the order
 *     of the members of its JSON objects (the default JSON codec reading a record by member names).
 *     A backend whose JSON column sorts keys may then give the document back in its own key order
 *     instead of keeping the exact bytes; when false it must give back exactly {@code document}.
 */
public record Write(Object key, Mode mode, long expectedVersion, byte[] document, Object[] indexValues, boolean anyKeyOrder) {
    public static final long ANY_VERSION = -1;

    /** A write whose document must come back byte for byte ({@code anyKeyOrder} false). */
    public Write(Object key, Mode mode, long expectedVersion, byte[] document, Object[] indexValues) {
        this(key, mode, expectedVersion, document, indexValues, false);
    }

    /**
     * The contract's preconditions, checked once here for every backend: insert needs the key
     * absent, update needs it present (at {@code expectedVersion}, when given). Returns the failure,
     * or null when the write may go ahead.
     *
     * @param exists whether the key exists in the view the write is checked against
     * @param currentVersion its version there (ignored when absent)
     */
    public WriteResult precondition(boolean exists, long currentVersion) {
        return switch (mode) {
            case INSERT -> exists ? WriteResult.of(WriteResult.Status.EXISTS) : null;
            case UPDATE -> !exists ? WriteResult.of(WriteResult.Status.MISSING)
                    : stale(expectedVersion, currentVersion) ? WriteResult.stale(currentVersion) : null;
            case UPSERT -> null;
        };
    }

    /** The version the record has after this write: 1 for a new key, else one more. */
    public static long nextVersion(boolean exists, long currentVersion) {
        return exists ? currentVersion + 1 : 1;
    }

    /** The change a successful write records: an upsert of an existing key is an update. */
    public static ChangeEvent.Op op(boolean exists) {
        return exists ? ChangeEvent.Op.UPDATE : ChangeEvent.Op.INSERT;
    }

    /** The preconditions of a delete: MISSING or STALE, or null when it may go ahead. */
    public static WriteResult deletePrecondition(boolean exists, long currentVersion, long expectedVersion) {
        if (!exists) {
            return WriteResult.of(WriteResult.Status.MISSING);
        }
        return stale(expectedVersion, currentVersion) ? WriteResult.stale(currentVersion) : null;
    }

    private static boolean stale(long expectedVersion, long currentVersion) {
        return expectedVersion != ANY_VERSION && currentVersion != expectedVersion;
    }

    public enum Mode {
        /** The key must not exist. */
        INSERT,
        /** The key must exist (and be at {@code expectedVersion}, when given). */
        UPDATE,
        /** Insert or replace. */
        UPSERT
    }
}
