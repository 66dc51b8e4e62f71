package dev.depot.memory;

import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.util.Comparator;

/**
 * An entry of an ordered secondary index: (value, key). An entry means "some retained version of
 * this key has this value"; readers confirm against the version visible to their snapshot.
 * {@link #LOW} and {@link #HIGH} are sentinel keys for range bounds. The value is always in its
 * {@link StoredIndexValues stored form} (a {@code String} given is stored), so the runs and range
 * bounds compare like with like.
 */
record IndexEntry(Object value, Object key) {
    IndexEntry {
        value = StoredIndexValues.store(value);
    }

    static final Object LOW = new Object();
    static final Object HIGH = new Object();

    /** Order: value with nulls first, then key; sentinels below/above every key. */
    static Comparator<IndexEntry> comparator(IndexType valueType, KeyType keyType) {
        return (a, b) -> {
            int c = StoredIndexValues.compareNullsFirst(valueType, a.value, b.value);
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
