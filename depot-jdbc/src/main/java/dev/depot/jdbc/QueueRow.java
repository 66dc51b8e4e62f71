package dev.depot.jdbc;

import dev.depot.Attempt;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code queue_items}, read into Java, changed by the state machine of CONTRACT.md
 * "Queues" (the same transitions as memory's {@code MemoryQueue}), and written back. Instants are
 * epoch microseconds; {@code dueAt} is the next timed transition of the row's state (see
 * {@link QueueTables}). Used by one thread, inside the database transaction that locked the row.
 */
final class QueueRow {
    static final ItemState[] STATES = ItemState.values();

    final long id;
    String queue;
    ItemState state;
    long readyAt;
    long rseq;
    Long dueAt;
    int attempts;
    String token;
    Long leasedAt;
    String holder;
    final long producedAt;
    Long deadline;
    /** The dedup key while the item holds it (live), else null. */
    String dedup;
    final String dedupKey;
    String deadFrom;
    String deadReason;
    Long deadAt;
    final Map<String, String> headers;
    List<Attempt> history;
    /** Null when the payload was not read (settling needs no payload). */
    byte[] payload;
    /** The row's version as read (0 for a new row); writes are conditional on it. */
    long ver;
    /** Set when the item left the table (completed, or past its dead-item retention). */
    boolean deleted;

    QueueRow(long id, String queue, long producedAt, String dedupKey, Map<String, String> headers, byte[] payload) {
        this.id = id;
        this.queue = queue;
        this.producedAt = producedAt;
        this.dedupKey = dedupKey;
        this.headers = headers;
        this.payload = payload;
        this.history = List.of();
    }

    /** Reads the row from {@link QueueTables#ITEM_COLUMNS} (then payload, if {@code withPayload}). */
    static QueueRow read(ResultSet rs, boolean withPayload) throws SQLException {
        QueueRow r = new QueueRow(rs.getLong(1), rs.getString(2), rs.getLong(11), rs.getString(14),
                QueueCodec.headers(rs.getBytes(18)), withPayload ? rs.getBytes(21) : null);
        r.state = STATES[rs.getInt(3)];
        r.readyAt = rs.getLong(4);
        r.rseq = rs.getLong(5);
        r.dueAt = nullableLong(rs, 6);
        r.attempts = rs.getInt(7);
        r.token = rs.getString(8);
        r.leasedAt = nullableLong(rs, 9);
        r.holder = rs.getString(10);
        r.deadline = nullableLong(rs, 12);
        r.dedup = rs.getString(13);
        r.deadFrom = rs.getString(15);
        r.deadReason = rs.getString(16);
        r.deadAt = nullableLong(rs, 17);
        r.history = QueueCodec.history(rs.getBytes(19));
        r.ver = rs.getLong(20);
        return r;
    }

    private static Long nullableLong(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    /** Binds {@link QueueTables#insert}: the mutable columns, then id, produced_at, dedup_key, headers, payload. */
    void bindInsert(PreparedStatement ps) throws SQLException {
        bindInsert(ps, 0);
    }

    /**
     * Binds the {@value QueueTables#INSERT_COLUMNS} columns of {@link QueueTables#insert} from parameter
     * {@code base + 1}: one row of a statement that inserts several ({@link QueueTables#lockedInsert}).
     */
    void bindInsert(PreparedStatement ps, int base) throws SQLException {
        bindMutable(ps, base);
        ps.setLong(base + 17, id);
        ps.setLong(base + 18, producedAt);
        ps.setString(base + 19, dedupKey);
        setBytes(ps, base + 20, QueueCodec.headers(headers));
        ps.setBytes(base + 21, payload);
    }

    /** The bytes of payload, headers and dedup key this row sends when inserted (before any escaping). */
    long wireBytes() {
        long n = payload == null ? 0 : payload.length;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            n += 8 + 3L * (e.getKey().length() + e.getValue().length()); // UTF-8 takes at most 3 bytes a char
        }
        return n + (dedupKey == null ? 0 : 3L * dedupKey.length());
    }

    /** Binds {@link QueueTables#update}: the mutable columns, then the id and the version read. */
    void bindUpdate(PreparedStatement ps) throws SQLException {
        bindMutable(ps, 0);
        ps.setLong(17, id);
        ps.setLong(18, ver);
    }

    /** The 16 columns of {@link QueueTables#MUTABLE}, from parameter {@code base + 1}. */
    private void bindMutable(PreparedStatement ps, int base) throws SQLException {
        int i = base + 1;
        ps.setString(i, queue);
        ps.setInt(i + 1, state.ordinal());
        ps.setLong(i + 2, readyAt);
        ps.setLong(i + 3, rseq);
        setLong(ps, i + 4, dueAt);
        ps.setInt(i + 5, attempts);
        ps.setString(i + 6, token);
        setLong(ps, i + 7, leasedAt);
        ps.setString(i + 8, holder);
        setLong(ps, i + 9, deadline);
        ps.setString(i + 10, dedup);
        ps.setString(i + 11, deadFrom);
        ps.setString(i + 12, deadReason);
        setLong(ps, i + 13, deadAt);
        setBytes(ps, i + 14, QueueCodec.history(history));
        ps.setLong(i + 15, ver + 1);
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    static void setBytes(PreparedStatement ps, int i, byte[] v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARBINARY);
        } else {
            ps.setBytes(i, v);
        }
    }

    // ---- the state machine (CONTRACT.md "Queues"; the same rules as MemoryQueue) ----

    /** Whether {@code lease} is this row's current lease at {@code now} (its expiry is exclusive). */
    boolean holds(Lease lease, long now) {
        return !deleted && state == ItemState.LEASED && lease.token().equals(token) && dueAt != null && dueAt > now;
    }

    /**
     * Lowers the ready-order number of a row made ready by due work: a call first processes what is
     * due, then acts (CONTRACT.md "SQL specifics", memory alike), so among items ready at the same
     * instant those made ready by due work come first, whichever call processed them.
     */
    static final long DUE_FIRST = 1L << 62;

    /** Processes what became due by {@code now}; returns whether it became ready (for waking consumers). */
    boolean catchUp(long now, QueueOptions options, Wakeups store) {
        boolean madeReady = false;
        while (!deleted) {
            if (state == ItemState.LEASED && dueAt <= now) {
                long at = dueAt;
                endAttempt(at, Attempt.Outcome.EXPIRED, "lease expired");
                madeReady |= requeue(at, at, "lease expired", options, store, now);
            } else if (state == ItemState.SCHEDULED && (readyAt <= now || deadline != null && deadline <= now)) {
                if (deadline != null && deadline <= readyAt) {
                    die("expired", deadline, options, store, now);
                } else {
                    makeReady(readyAt, store);
                    madeReady = true;
                }
            } else if (state == ItemState.READY && deadline != null && deadline <= now) {
                madeReady = false;
                die("expired", deadline, options, store, now);
            } else if (state == ItemState.DEAD && dueAt != null && dueAt <= now) {
                long end = deadAt + retention(options);
                if (end <= now) {
                    deleted = true;
                } else {
                    dueAt = end; // the retention was lengthened since it died
                    break;
                }
            } else {
                break;
            }
        }
        boolean ready = madeReady && state == ItemState.READY && !deleted;
        if (ready) {
            rseq -= DUE_FIRST;
        }
        return ready;
    }

    void lease(String holder, String token, long now, long expiry) {
        state = ItemState.LEASED;
        attempts++;
        this.token = token;
        this.leasedAt = now;
        this.holder = holder;
        this.dueAt = expiry;
    }

    /** After a retry: returns whether the item is ready now. */
    boolean retry(long now, long delayMicros, QueueOptions options, Wakeups store) {
        endAttempt(now, Attempt.Outcome.RETRIED, "retried");
        return requeue(now + delayMicros, now, "retried", options, store, now);
    }

    void deadLetter(long now, String reason, QueueOptions options, Wakeups store) {
        endAttempt(now, Attempt.Outcome.DEAD_LETTERED, reason);
        die(reason, now, options, store, now);
    }

    private void endAttempt(long at, Attempt.Outcome outcome, String reason) {
        List<Attempt> more = new ArrayList<>(history.size() + 1);
        more.addAll(history);
        more.add(new Attempt(attempts, EpochMicros.toInstant(leasedAt), EpochMicros.toInstant(at), holder, outcome, reason));
        history = List.copyOf(more);
        token = null;
        leasedAt = null;
        holder = null;
        dueAt = null;
    }

    private boolean requeue(long ready, long ended, String how, QueueOptions options, Wakeups store, long now) {
        int max = options.maxAttempts();
        if (attempts >= max) {
            die(how + " on its last attempt (" + attempts + " of " + max + ")", ended, options, store, now);
            return false;
        }
        if (deadline != null && deadline <= ended) {
            die("expired", ended, options, store, now);
            return false;
        } // a retry delay past the deadline schedules it: it dies at the deadline, scheduled (catchUp)
        if (ready > ended) {
            state = ItemState.SCHEDULED;
            readyAt = ready;
            rseq = store.nextId();
            dueAt = deadline == null ? ready : Math.min(ready, deadline);
            return false;
        }
        makeReady(ready, store);
        return true;
    }

    void makeReady(long at, Wakeups store) {
        state = ItemState.READY;
        readyAt = at;
        rseq = store.nextId();
        dueAt = deadline;
    }

    /**
     * The item failed for good: to the dead-letter queue as a fresh ready item (if there is one and
     * it did not come from one), else it stays here as DEAD until the retention passes.
     */
    private void die(String reason, long at, QueueOptions options, Wakeups store, long now) {
        dedup = null;
        deadReason = reason;
        deadAt = at;
        token = null;
        leasedAt = null;
        holder = null;
        String dlq = options.deadLetterQueue();
        if (dlq != null && deadFrom == null) {
            deadFrom = queue;
            queue = dlq;
            attempts = 0;
            deadline = null;
            makeReady(now, store);
            store.arrived(this);
        } else {
            state = ItemState.DEAD;
            dueAt = at + retention(options);
        }
    }

    private static long retention(QueueOptions options) {
        return options.deadRetention().toNanos() / 1_000;
    }

    // ---- what callers see ----

    Lease lease() {
        return new Lease(queue, Long.toString(id), token, payload, headers, dedupKey, attempts, EpochMicros.toInstant(producedAt),
                EpochMicros.toInstant(leasedAt), EpochMicros.toInstant(dueAt), holder, history);
    }

    QueueItem item() {
        return new QueueItem(Long.toString(id), state, payload, headers, dedupKey, attempts, EpochMicros.toInstant(producedAt),
                EpochMicros.toInstant(readyAt), instant(deadline), state == ItemState.LEASED ? instant(dueAt) : null, holder, deadReason,
                deadFrom, history);
    }

    private static Instant instant(Long micros) {
        return micros == null ? null : EpochMicros.toInstant(micros);
    }
}
