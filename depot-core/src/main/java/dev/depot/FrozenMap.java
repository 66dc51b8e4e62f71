package dev.depot;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Freezes a map declared as {@code Map}, {@code SortedMap} or {@code NavigableMap} (keys are
 * immutable leaves, checked when the freezer is built): a private {@code LinkedHashMap} filled in
 * the decoded map's iteration order, or a {@code TreeMap} with its comparator, each value frozen,
 * behind the JDK's unmodifiable view. Null values are kept.
 */
final class FrozenMap implements Copier {
    private final boolean sorted;
    private final Copier values;

    FrozenMap(boolean sorted, Copier values) {
        this.sorted = sorted;
        this.values = values;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object copy(Object value) {
        if (value == null) {
            return null;
        }
        Map<?, ?> source = (Map<?, ?>) value;
        if (sorted) {
            Comparator<Object> order = source instanceof SortedMap<?, ?> s ? (Comparator<Object>) s.comparator() : null;
            return Collections.unmodifiableNavigableMap(fill(new TreeMap<>(order), source));
        }
        return Collections.unmodifiableMap(fill(new LinkedHashMap<>(Math.max(16, (int) (source.size() / .75f) + 1)), source));
    }

    private <M extends Map<Object, Object>> M fill(M target, Map<?, ?> source) {
        for (Map.Entry<?, ?> e : source.entrySet()) {
            target.put(e.getKey(), values.copy(e.getValue()));
        }
        return target;
    }
}
