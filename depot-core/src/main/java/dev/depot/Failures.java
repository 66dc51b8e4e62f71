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
        String where = schema.name() + ": key " + schema.keys().text(storedKey);
        return switch (r.status()) {
            case EXISTS -> new AlreadyExistsException(where + " already exists");
            case MISSING -> new NotFoundException(where + " does not exist");
            case STALE -> versionConflict(schema, storedKey, expectedVersion, r.version());
            case UNIQUE -> Conflicts.unique(schema.name(), schema.keys().text(storedKey),
                    schema.spec().index(r.index()).name());
            case OK -> throw new IllegalStateException("not a failure");
        };
    }

    private static VersionConflictException versionConflict(Schema<?, ?> schema, Object storedKey, long expected, long actual) {
        return new VersionConflictException(schema.name() + ": key " + schema.keys().text(storedKey)
                + " is at version " + actual + ", expected " + expected);
    }
}
