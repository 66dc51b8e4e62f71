package dev.depot;

import java.time.Instant;
import java.util.Objects;

/**
 * A {@link Migration} as the depot recorded it, in the order applied: see {@link Depot#migrations()}.
 *
 * @param id the migration's id
 * @param appliedAt when its transaction began committing, by the clock of the depot that applied it
 * @param origin the {@link Depot#origin()} of the depot that applied it
 * @param commitId the id of the transaction that applied it (its writes' change events carry it)
 */
public record AppliedMigration(String id, Instant appliedAt, String origin, String commitId) {
    public AppliedMigration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(appliedAt, "appliedAt");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(commitId, "commitId");
    }
}
