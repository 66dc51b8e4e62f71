package dev.depot.memory;

import dev.depot.spi.IndexSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many of one collection's pending writes in a transaction hold each unique index value, so a
 * write checks its values against the transaction's own writes in constant time. Scanning every
 * pending write instead made a transaction of n writes cost n²: a {@code saveAll} of 50,000
 * records with a unique index inside a transaction ran for minutes on memory while every database
 * took seconds ({@code RecordsScaleProbeTest}).
 */
final class OwnUniqueValues {
    private final List<IndexSpec> specs;
    /** Per index position, live pending writes per value; null for non-unique indexes. */
    private final Map<Object, Integer>[] counts;

    @SuppressWarnings("unchecked")
    OwnUniqueValues(List<IndexSpec> specs) {
        this.specs = specs;
        this.counts = new Map[specs.size()];
        for (int i = 0; i < counts.length; i++) {
            if (specs.get(i).unique()) {
                counts[i] = new HashMap<>();
            }
        }
    }

    /** The counts of {@code pending}, as rebuilt after a batch is undone. */
    static OwnUniqueValues of(List<IndexSpec> specs, Map<Object, Pending> pending) {
        OwnUniqueValues out = new OwnUniqueValues(specs);
        for (Pending p : pending.values()) {
            out.add(p, 1);
        }
        return out;
    }

    /** Replaces {@code before} (null if the key had no pending write) with {@code after}. */
    void replace(Pending before, Pending after) {
        if (before != null) {
            add(before, -1);
        }
        add(after, 1);
    }

    /**
     * Whether a pending write other than {@code own} (the key's current pending write, or null)
     * holds {@code value} in unique index {@code index}.
     */
    boolean heldByAnother(int index, Object value, Pending own) {
        Integer n = counts[index].get(value);
        int mine = own != null && !own.isDelete() && value.equals(own.indexValues()[index]) ? 1 : 0;
        return n != null && n - mine > 0;
    }

    private void add(Pending p, int delta) {
        if (p.isDelete()) {
            return;
        }
        for (int i = 0; i < counts.length; i++) {
            Object v = p.indexValues()[i];
            if (counts[i] != null && v != null) {
                counts[i].merge(v, delta, (a, b) -> a + b == 0 ? null : a + b);
            }
        }
    }

    List<IndexSpec> specs() {
        return specs;
    }
}
