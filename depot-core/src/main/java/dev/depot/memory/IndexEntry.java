package dev.depot.memory;

import dev.depot.spi.KeyType;
import java.util.Comparator;

/**
 * An entry of an ordered secondary index: (value, key), the value being the slice {@code
 * [from, to)} of an {@link IndexRow} (an entry a version adds points into that version's row; a
 * bound holds its own one-value slice). An entry means "some retained version of this key has this
 * value"; readers confirm against the version visible to their snapshot. {@link #LOW} and
 * {@link #HIGH} are sentinel keys for range bounds.
 */
record IndexEntry(byte[] row, int from, int to, Object key) {
    static final Object LOW = new Object();
    static final Object HIGH = new Object();

    /** The entry of index {@code i} of a version with {@code row}. */
    static IndexEntry of(byte[] row, int i, Object key) {
        int from = IndexRow.start(row, i);
        return new IndexEntry(row, from, IndexRow.end(row, from), key);
    }

    /** An entry (or bound) for a normalised value. */
    static IndexEntry bound(Object value, Object key) {
        byte[] slice = IndexRow.single(value);
        return new IndexEntry(slice, 0, slice.length, key);
    }

    /** The same value with another key (a bound at the other end of the value's entries). */
    IndexEntry withKey(Object other) {
        return new IndexEntry(row, from, to, other);
    }

    /** The normalised value (decoded: a new object each call). */
    Object value() {
        return IndexRow.decode(row, from);
    }

    /** Order: value with nulls first, then key; sentinels below/above every key. */
    static Comparator<IndexEntry> comparator(KeyType keyType) {
        return (a, b) -> {
            int c = IndexRow.compare(a.row, a.from, a.to, b.row, b.from, b.to);
            return c != 0 ? c : compareKeys(keyType, a.key, b.key);
        };
    }

    static int compareKeys(KeyType keyType, Object a, Object b) {
        if (a == b) {
            return 0;
        }
        if (a == LOW || b == HIGH) {
            return -1;
        }
        if (a == HIGH || b == LOW) {
            return 1;
        }
        return keyType.compare(a, b);
    }
}
