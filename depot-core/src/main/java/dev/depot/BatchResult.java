package dev.depot;

import java.util.List;

/**
 * The outcome of a batch {@code complete} or {@code retry}: each lease is handled on its own, the
 * current ones took effect and the stale ones (expired, or already settled) changed nothing.
 *
 * @param applied the leases that took effect, in call order
 * @param stale the leases that were no longer current, in call order
 */
public record BatchResult(List<Lease> applied, List<Lease> stale) {
    public BatchResult {
        applied = List.copyOf(applied);
        stale = List.copyOf(stale);
    }

    public boolean allApplied() {
        return stale.isEmpty();
    }
}
