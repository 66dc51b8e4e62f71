package dev.depot;

import dev.depot.spi.Conflicts;
import dev.depot.spi.WriteResult;

/**
 * The one wording of every record error, so messages are the same on every backend. Messages name
 * the collection and key, never a stored value.
 */
final class Failures {
    private Failures() {}

    /** The exception for a failed write or delete; {@code expectedVersion} words a STALE result. */
    static DepotException of(WriteResult r, Schema<?, ?> schema, Object storedKey, long expectedVersion) {
        String key = schema.keys().text(storedKey);
        String where = schema.name() + ": key " + key;
        return switch (r.status()) {
            case EXISTS -> new AlreadyExistsException(where + " already exists", schema.name(), key);
            case MISSING -> new NotFoundException(where + " does not exist", schema.name(), key);
            case STALE -> versionConflict(schema, storedKey, expectedVersion, r.version());
            case UNIQUE -> Conflicts.unique(schema.name(), schema.keys().text(storedKey),
                    schema.spec().index(r.index()).name());
            case OK -> throw new IllegalStateException("not a failure");
        };
    }

    private static VersionConflictException versionConflict(Schema<?, ?> schema, Object storedKey, long expected, long actual) {
        String key = schema.keys().text(storedKey);
        return new VersionConflictException(schema.name() + ": key " + key + " is at version " + actual + ", expected " + expected,
                schema.name(), key, expected, actual);
    }
}
