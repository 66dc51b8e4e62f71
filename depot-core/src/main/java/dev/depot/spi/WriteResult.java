package dev.depot.spi;

/**
 * What a backend did with a write or delete. Backends report; core turns failures into the
 * exceptions of the contract, with one wording everywhere.
 *
 * @param status the outcome
 * @param version the new version for a write, the deleted version for a delete, the current version
 *     for {@link Status#STALE}
 * @param index position of the violated unique index for {@link Status#UNIQUE}, else -1
 * @param position for batches: which write of the batch failed, else -1
 */
public record WriteResult(Status status, long version, int index, int position) {
    public enum Status {
        OK,
        /** Insert of an existing key. */
        EXISTS,
        /** Update or delete of a missing key. */
        MISSING,
        /** Expected version differs from the current one. */
        STALE,
        /** A unique index value is taken by another key. */
        UNIQUE
    }

    public static WriteResult ok(long version) {
        return new WriteResult(Status.OK, version, -1, -1);
    }

    public static WriteResult of(Status status) {
        return new WriteResult(status, 0, -1, -1);
    }

    public static WriteResult stale(long currentVersion) {
        return new WriteResult(Status.STALE, currentVersion, -1, -1);
    }

    public static WriteResult unique(int index) {
        return new WriteResult(Status.UNIQUE, 0, index, -1);
    }

    public WriteResult at(int batchPosition) {
        return new WriteResult(status, version, index, batchPosition);
    }

    public boolean ok() {
        return status == Status.OK;
    }
}
