package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a session sees: the database through one connection (a snapshot in a transaction; in an
 * auto-commit write, the latest committed state of the keys it writes, which it locks as it reads
 * them) with the session's own writes laid over it.
 */
final class View {
    final Connection conn;
    final Overlay overlay;
    private final boolean lock;
    private final java.util.function.Predicate<Table> unseen;

    /**
     * A snapshot's view: reads lock nothing. Tables for which {@code unseen} holds were created after
     * the snapshot began: the database is not asked about them (it may refuse, or show later
     * commits); they read as empty, with the session's own writes laid over.
     */
    View(Connection conn, Overlay overlay, java.util.function.Predicate<Table> unseen) {
        this.conn = conn;
        this.overlay = overlay;
        this.lock = false;
        this.unseen = unseen;
    }

    /** With {@code lock}, the bases of keys to write are read with a row lock held until commit. */
    View(Connection conn, Overlay overlay, boolean lock) {
        this.conn = conn;
        this.overlay = overlay;
        this.lock = lock;
        this.unseen = t -> false;
    }

    /** Whether {@code t} did not exist in this view's snapshot (so it holds no committed rows here). */
    boolean unseen(Table t) {
        return unseen.test(t);
    }

    /** The committed state of {@code key}, read once per transaction and then remembered. */
    Base base(Table t, Object key) throws SQLException {
        TableOverlay o = overlay.of(t);
        Base b = o.cachedBase(key);
        if (b == null) {
            b = unseen(t) ? Base.absent(key) : Reads.bases(conn, t, List.of(key), lock).get(0);
            o.cacheBase(b);
        }
        return b;
    }

    /** Reads the bases of many keys with a few IN queries, ahead of a batch. */
    void prefetch(Table t, List<Object> keys) throws SQLException {
        TableOverlay o = overlay.of(t);
        List<Object> missing = new ArrayList<>();
        java.util.Set<Object> seen = new java.util.HashSet<>();
        for (Object k : keys) {
            if (o.pending(k) == null && o.cachedBase(k) == null && seen.add(k)) {
                missing.add(k);
            }
        }
        if (!missing.isEmpty() && !unseen(t)) {
            for (Base b : Reads.bases(conn, t, missing, lock)) {
                o.cacheBase(b);
            }
        }
    }

    /**
     * Position of a unique index in which another key already holds the value {@code key} would
     * get, counting this session's writes, or -1.
     */
    int uniqueViolation(Table t, Object key, Object[] values) throws SQLException {
        TableOverlay o = overlay.of(t);
        for (int i = 0; i < values.length; i++) {
            if (!t.spec.index(i).unique() || values[i] == null) {
                continue;
            }
            Object holder = o.holder(i, values[i]);
            if (holder != null && !holder.equals(key)) {
                return i;
            }
            if (unseen(t)) {
                continue;
            }
            for (Object other : Reads.uniqueHolders(conn, t, i, values[i])) {
                // A holder this session rewrote no longer counts; if it still holds the value the map above said so.
                if (!other.equals(key) && o.pending(other) == null) {
                    return i;
                }
            }
        }
        return -1;
    }
}
