package dev.depot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.TreeSet;

/**
 * Copies a {@link Collection} into a new one of the same class, each element through the element
 * copier. Knows the classes Jackson decodes into ({@code ArrayList} for a {@code List} or {@code
 * Collection}, {@code HashSet} for a {@code Set}, {@code TreeSet} for a {@code SortedSet}...) and
 * the JDK's unmodifiable ones, which it shares when their elements are immutable (nobody can
 * change them). Elements are added in the source's iteration order into a collection built the way
 * a decode builds it, so a copied {@code HashSet} iterates exactly as a freshly decoded one.
 */
final class CollectionCopier implements Copier {
    private final Copier elements;

    CollectionCopier(Copier elements) {
        this.elements = elements;
    }

    @Override
    public Object copy(Object value) {
        if (value == null) {
            return null;
        }
        Class<?> c = value.getClass();
        Collection<?> source = (Collection<?>) value;
        if (c == ArrayList.class) {
            if (elements == SHARE) {
                return new ArrayList<>(source);
            }
            return fill(new ArrayList<>(source.size()), source);
        }
        if (c == HashSet.class) {
            return fill(new HashSet<>(), source);
        }
        if (c == LinkedHashSet.class) {
            return fill(new LinkedHashSet<>(), source);
        }
        if (c == TreeSet.class) {
            return fill(new TreeSet<>(((TreeSet<?>) source).comparator()), source);
        }
        if (c == LinkedList.class) {
            return fill(new LinkedList<>(), source);
        }
        if (c == ArrayDeque.class) {
            return fill(new ArrayDeque<>(source.size()), source);
        }
        if (elements == SHARE && JdkUnmodifiable.is(c)) {
            return value;
        }
        throw Uncopyable.INSTANCE;
    }

    @SuppressWarnings("unchecked")
    private Collection<?> fill(Collection<?> target, Collection<?> source) {
        Collection<Object> t = (Collection<Object>) target;
        for (Object e : source) {
            t.add(elements.copy(e));
        }
        return target;
    }
}
