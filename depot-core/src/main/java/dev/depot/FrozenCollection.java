package dev.depot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Freezes a collection declared as an interface: a private copy of it, each element frozen in turn,
 * behind the JDK's unmodifiable view of the declared interface. The copy keeps what the decode
 * gave: the iteration order (a {@code LinkedHashSet} filled in the decoded set's order), null
 * elements (which {@code List.copyOf} would reject) and a sorted set's comparator. Nobody holds the
 * copy but the view, so the result cannot change and may be shared by every reader.
 */
final class FrozenCollection implements Copier {
    /** The unmodifiable shape that stands in for a declared interface. */
    enum Kind { LIST, SET, SORTED_SET }

    private final Kind kind;
    private final Copier elements;

    FrozenCollection(Kind kind, Copier elements) {
        this.kind = kind;
        this.elements = elements;
    }

    /**
     * The shape for a declared collection type ({@code Collection} decodes into a list, so it stays
     * one), or null when no unmodifiable view can stand in for it.
     */
    static Kind kindOf(Class<?> declared) {
        if (declared == List.class || declared == Collection.class) {
            return Kind.LIST;
        }
        if (declared == Set.class) {
            return Kind.SET;
        }
        if (declared == SortedSet.class || declared == NavigableSet.class) {
            return Kind.SORTED_SET;
        }
        return null;
    }

    @Override
    public Object copy(Object value) {
        if (value == null) {
            return null;
        }
        Collection<?> source = (Collection<?>) value;
        return switch (kind) {
            case LIST -> Collections.unmodifiableList(elements == SHARE ? new ArrayList<>(source)
                    : fill(new ArrayList<>(source.size()), source));
            case SET -> Collections.unmodifiableSet(fill(new LinkedHashSet<>(Math.max(16, (int) (source.size() / .75f) + 1)), source));
            case SORTED_SET -> Collections.unmodifiableNavigableSet(fill(
                    new TreeSet<>(source instanceof SortedSet<?> s ? comparator(s) : null), source));
        };
    }

    @SuppressWarnings("unchecked")
    private static Comparator<Object> comparator(SortedSet<?> s) {
        return (Comparator<Object>) s.comparator();
    }

    @SuppressWarnings("unchecked")
    private <C extends Collection<?>> C fill(C target, Collection<?> source) {
        Collection<Object> t = (Collection<Object>) target;
        for (Object e : source) {
            t.add(elements.copy(e));
        }
        return target;
    }
}
