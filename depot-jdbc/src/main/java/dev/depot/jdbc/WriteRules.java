package dev.depot.jdbc;

import dev.depot.ChangeEvent;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The preconditions of writes and deletes, evaluated against a {@link View}: existence, expected
 * version, unique indexes. A write that passes is recorded in the view's overlay with its change
 * event; one that fails changes nothing. The same rules serve transactions (on their snapshot) and
 * auto-commit calls (on the latest committed state of the locked keys), so they cannot drift apart.
 */
final class WriteRules {
    private WriteRules() {}

    static WriteResult write(View v, Table t, Write w, List<PendingEvent> events) throws SQLException {
        TableOverlay o = v.overlay.of(t);
        Object key = w.key();
        Pending p = o.pending(key);
        Base base = p != null ? p.base() : v.base(t, key);
        boolean exists = p != null ? p.present() : base.exists();
        long current = p != null ? p.version() : base.version();
        WriteResult refused = w.precondition(exists, current);
        if (refused != null) {
            return refused;
        }
        int violated = v.uniqueViolation(t, key, w.indexValues());
        if (violated >= 0) {
            return WriteResult.unique(violated);
        }
        long version = Write.nextVersion(exists, current);
        o.put(new Pending(base, version, w.document(), w.indexValues(), w.anyKeyOrder()));
        events.add(new PendingEvent(t.spec.name(), t.spec.keyType().text(key), Write.op(exists), version));
        return WriteResult.ok(version);
    }

    /** All or nothing: the first failure undoes the batch's earlier writes and is returned alone. */
    static List<WriteResult> writeAll(View v, Table t, List<Write> writes, List<PendingEvent> events) throws SQLException {
        List<Object> keys = new ArrayList<>(writes.size());
        for (Write w : writes) {
            keys.add(w.key());
        }
        v.prefetch(t, keys);
        TableOverlay o = v.overlay.of(t);
        TableOverlay.Mark mark = o.mark();
        int eventsBefore = events.size();
        List<WriteResult> out = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            WriteResult r = write(v, t, writes.get(i), events);
            if (!r.ok()) {
                o.restore(mark);
                events.subList(eventsBefore, events.size()).clear();
                return List.of(r.at(i));
            }
            out.add(r);
        }
        return out;
    }

    static WriteResult delete(View v, Table t, Object key, long expectedVersion, List<PendingEvent> events)
            throws SQLException {
        TableOverlay o = v.overlay.of(t);
        Pending p = o.pending(key);
        Base base = p != null ? p.base() : v.base(t, key);
        boolean exists = p != null ? p.present() : base.exists();
        long current = p != null ? p.version() : base.version();
        WriteResult refused = Write.deletePrecondition(exists, current, expectedVersion);
        if (refused != null) {
            return refused;
        }
        o.put(new Pending(base, current, null, null, false));
        events.add(new PendingEvent(t.spec.name(), t.spec.keyType().text(key), ChangeEvent.Op.DELETE, current));
        return WriteResult.ok(current);
    }
}
