package dev.depot;

import java.util.List;

/**
 * A {@link Migration} did not complete: its step threw (the cause), called {@link
 * Transaction#setRollbackOnly()}, kept losing races, or its commit failed. Nothing of it was
 * applied, nor of the migrations listed after it; those applied before it by the same call stay
 * applied ({@link #appliedBefore()}). Calling {@link Depot#migrate} again is always safe: it applies
 * only what the depot has not recorded.
 */
public final class MigrationFailedException extends DepotException {
    private final String migration;
    private final List<String> appliedBefore;

    MigrationFailedException(String migration, List<String> appliedBefore, String why, Throwable cause) {
        super("migration '" + migration + "' " + why + "; it was not applied, nor any listed after it"
                + (appliedBefore.isEmpty() ? "" : "; applied before it by this call: " + appliedBefore), cause);
        this.migration = migration;
        this.appliedBefore = List.copyOf(appliedBefore);
    }

    /** The id of the migration that failed. */
    public String migration() {
        return migration;
    }

    /** The ids this call applied before the failure, in order. */
    public List<String> appliedBefore() {
        return appliedBefore;
    }
}
