package dev.depot;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Copies a {@link Map} with immutable keys into a new map of the same class, each value through the
 * value copier: {@code LinkedHashMap} (what Jackson decodes a {@code Map} into), {@code HashMap},
 * {@code TreeMap}; the JDK's unmodifiable maps are shared when their values are immutable. Entries
 * go in in the source's iteration order into a map built as a decode builds it (default capacity),
 * so the copy iterates as a freshly decoded map does.
 */
final class MapCopier implements Copier {
    private final Copier values;

    MapCopier(Copier values) {
        this.values = values;
    }

    @Override
    public Object copy(Object value) {
        if (value == null) {
            return null;
        }
        Class<?> c = value.getClass();
        Map<?, ?> source = (Map<?, ?>) value;
        if (c == LinkedHashMap.class) {
            return fill(new LinkedHashMap<>(), source);
        }
        if (c == HashMap.class) {
            return fill(new HashMap<>(), source);
        }
        if (c == TreeMap.class) {
            return fill(new TreeMap<>(((TreeMap<?, ?>) source).comparator()), source);
        }
        if (values == SHARE && JdkUnmodifiable.is(c)) {
            return value;
        }
        throw Uncopyable.INSTANCE;
    }

    @SuppressWarnings("unchecked")
    private Map<?, ?> fill(Map<?, ?> target, Map<?, ?> source) {
        Map<Object, Object> t = (Map<Object, Object>) target;
        for (Map.Entry<?, ?> e : source.entrySet()) {
            t.put(e.getKey(), values.copy(e.getValue()));
        }
        return target;
    }
}
