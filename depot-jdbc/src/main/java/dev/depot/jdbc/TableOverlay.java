package dev.depot.jdbc;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One collection's part of a transaction: the keys it wrote (latest state each), the committed
 * state it read for keys it touched, and for every unique index which written key now holds which
 * value, so uniqueness against the transaction's own writes costs a map lookup.
 */
final class TableOverlay {
    final Table table;
    private LinkedHashMap<Object, Pending> pending = new LinkedHashMap<>();
    private final Map<Object, Base> bases = new HashMap<>();
    private Map<Object, Object>[] holders;

    @SuppressWarnings("unchecked")
    TableOverlay(Table table) {
        this.table = table;
        this.holders = new Map[table.columns.size()];
        for (int i = 0; i < holders.length; i++) {
            holders[i] = table.spec.index(i).unique() ? new HashMap<>() : null;
        }
    }

    Pending pending(Object key) {
        return pending.get(key);
    }

    Collection<Pending> pendings() {
        return pending.values();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    int size() {
        return pending.size();
    }

    Base cachedBase(Object key) {
        return bases.get(key);
    }

    void cacheBase(Base base) {
        bases.put(base.key(), base);
    }

    /** The written key that now holds {@code value} in unique index {@code index}, or null. */
    Object holder(int index, Object value) {
        return holders[index].get(value);
    }

    void put(Pending p) {
        Object key = p.key();
        Pending old = pending.put(key, p);
        for (int i = 0; i < holders.length; i++) {
            if (holders[i] == null) {
                continue;
            }
            if (old != null && old.present() && old.values()[i] != null) {
                holders[i].remove(old.values()[i], key);
            }
            if (p.present() && p.values()[i] != null) {
                holders[i].put(p.values()[i], key);
            }
        }
    }

    /** The writes at some point, to undo a failed batch with {@link #restore}. */
    record Mark(LinkedHashMap<Object, Pending> pending, Map<Object, Object>[] holders) {}

    @SuppressWarnings("unchecked")
    Mark mark() {
        Map<Object, Object>[] h = new Map[holders.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = holders[i] == null ? null : new HashMap<>(holders[i]);
        }
        return new Mark(new LinkedHashMap<>(pending), h);
    }

    void restore(Mark mark) {
        pending = mark.pending();
        holders = mark.holders();
    }
}
