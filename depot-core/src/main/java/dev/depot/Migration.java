package dev.depot;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One step of a depot's data history, applied at most once per depot by {@link Depot#migrate}: its
 * writes through the transaction it is given commit together with the line that records it as
 * applied, or not at all.
 *
 * <pre>{@code
 * depot.migrate(
 *     Migration.of("2026-12-01-default-tier", tx -> {
 *         Records<UUID, Player> players = tx.records(PLAYERS);
 *         players.query().where(Q.field("tier").isNull()).list()
 *                 .forEach(p -> players.save(p.withTier("free")));
 *     }));
 * }</pre>
 *
 * @param id what the step is recorded as: 1 to 128 characters, letters, digits, {@code . _ -},
 *     starting with a letter or digit; never reuse one for a different step
 * @param step the work, run inside a transaction (on a conflict it runs again, on a fresh snapshot)
 */
public record Migration(String id, TransactionAction step) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public Migration {
        Objects.requireNonNull(id, "migration id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("migration id " + quoted(id)
                    + " is invalid: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        Objects.requireNonNull(step, () -> "migration '" + id + "': step");
    }

    /** The step {@code id} doing {@code step}. */
    public static Migration of(String id, TransactionAction step) {
        return new Migration(id, step);
    }

    /** The id as it can be shown: quoted, cut at 40 characters, control characters escaped. */
    private static String quoted(String id) {
        StringBuilder b = new StringBuilder("'");
        id.codePoints().limit(40).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append(id.codePointCount(0, id.length()) > 40 ? "…'" : "'").toString();
    }
}
