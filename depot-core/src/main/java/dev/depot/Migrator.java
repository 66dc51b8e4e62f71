package dev.depot;

import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How {@link Depot#migrate} applies migrations: the ledger is one record of the reserved collection
 * {@value #COLLECTION}, and every migration's transaction rewrites it. That one key is what makes
 * concurrent migrators safe on every backend without a lock: first committer wins, so of two
 * processes applying the same step (or different ones) only one commits, and the other's retry reads
 * the ledger again and skips what is recorded. It also gives the ledger its order.
 */
final class Migrator {
    static final String COLLECTION = "depot_migrations";
    static final Schema<String, JsonNode> LEDGER = Schema.json(COLLECTION).key("/key").build();
    private static final String KEY = "applied";
    private static final Retry RETRY = Retry.onConflict(20);

    private Migrator() {}

    static List<String> migrate(Depot depot, List<Migration> migrations, InstantSource clock) {
        List<Migration> steps = checked(migrations);
        Set<String> applied = ids(read(depot.records(LEDGER).get(KEY)));
        checkOrder(steps, applied);
        List<String> done = new ArrayList<>();
        for (Migration m : steps) {
            if (!applied.contains(m.id()) && apply(depot, m, clock, done)) {
                done.add(m.id());
            }
        }
        return List.copyOf(done);
    }

    static List<AppliedMigration> applied(Depot depot) {
        return read(depot.records(LEDGER).get(KEY));
    }

    /** True if this call applied {@code m}; false if another depot recorded it first. */
    private static boolean apply(Depot depot, Migration m, InstantSource clock, List<String> done) {
        try {
            return depot.transact(RETRY, tx -> {
                Records<String, JsonNode> ledger = tx.records(LEDGER);
                List<AppliedMigration> now = read(ledger.get(KEY)); // first read: the step's snapshot
                if (ids(now).contains(m.id())) {
                    return false;
                }
                runStep(m, tx, done);
                if (tx.isRollbackOnly()) {
                    throw new MigrationFailedException(m.id(), done, "called setRollbackOnly", null);
                }
                List<AppliedMigration> next = new ArrayList<>(now);
                next.add(new AppliedMigration(m.id(), clock.instant(), depot.origin(), tx.id()));
                ledger.save(write(next));
                return true;
            });
        } catch (MigrationFailedException e) {
            throw e;
        } catch (ConflictException e) {
            throw new MigrationFailedException(m.id(), done, "lost " + (RETRY.maxRetries() + 1)
                    + " races with concurrent writers", e);
        } catch (RuntimeException e) {
            throw new MigrationFailedException(m.id(), done, "could not commit (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static void runStep(Migration m, Transaction tx, List<String> done) {
        try {
            m.step().run(tx);
        } catch (ConflictException e) {
            throw e; // a race: the whole transaction runs again on a fresh snapshot
        } catch (RuntimeException e) {
            throw new MigrationFailedException(m.id(), done, "threw " + e.getClass().getName(), e);
        }
    }

    private static List<Migration> checked(List<Migration> migrations) {
        Objects.requireNonNull(migrations, "migrations");
        List<Migration> steps = new ArrayList<>(migrations);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Migration m = steps.get(i);
            if (m == null) {
                throw new NullPointerException("migrations[" + i + "] is null");
            }
            Integer earlier = seen.putIfAbsent(m.id(), i);
            if (earlier != null) {
                throw new IllegalArgumentException("migration id '" + m.id() + "' is listed twice: migrations["
                        + earlier + "] and migrations[" + i + "]");
            }
        }
        return steps;
    }

    /** A migration listed before an applied one but not applied itself would run after its successor. */
    private static void checkOrder(List<Migration> steps, Set<String> applied) {
        String firstPending = null;
        for (Migration m : steps) {
            if (!applied.contains(m.id())) {
                if (firstPending == null) {
                    firstPending = m.id();
                }
            } else if (firstPending != null) {
                throw new IllegalStateException("migration '" + firstPending + "' is not applied, but '" + m.id()
                        + "', listed after it, is: list new migrations after every applied one; nothing was applied");
            }
        }
    }

    private static Set<String> ids(List<AppliedMigration> applied) {
        Set<String> ids = new HashSet<>();
        applied.forEach(a -> ids.add(a.id()));
        return ids;
    }

    private static List<AppliedMigration> read(Optional<JsonNode> doc) {
        if (doc.isEmpty()) {
            return List.of();
        }
        JsonNode list = doc.get().get("migrations");
        if (list == null || !list.isArray()) {
            throw foreign();
        }
        List<AppliedMigration> out = new ArrayList<>(list.size());
        for (JsonNode e : list) {
            try {
                out.add(new AppliedMigration(text(e, "id"), Instant.parse(text(e, "appliedAt")), text(e, "origin"),
                        text(e, "commitId")));
            } catch (DateTimeParseException ex) {
                throw foreign();
            }
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        if (v == null || !v.isString()) {
            throw foreign();
        }
        return v.stringValue();
    }

    private static IllegalStateException foreign() {
        return new IllegalStateException("collection '" + COLLECTION + "' holds a record '" + KEY
                + "' that Depot.migrate did not write; the collection is reserved for the migration ledger");
    }

    private static JsonNode write(List<AppliedMigration> applied) {
        ObjectNode doc = JsonCodec.MAPPER.createObjectNode();
        doc.put("key", KEY);
        ArrayNode list = doc.putArray("migrations");
        for (AppliedMigration a : applied) {
            list.addObject()
                    .put("id", a.id())
                    .put("appliedAt", a.appliedAt().toString())
                    .put("origin", a.origin())
                    .put("commitId", a.commitId());
        }
        return doc;
    }
}
