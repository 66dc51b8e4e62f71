package dev.depot.memory;

import dev.depot.Attempt;
import dev.depot.BatchResult;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.spi.QueueConflicts;
import dev.depot.spi.StoredQueue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One in-memory work queue.
 *
 * <p><b>Two locks per queue, as in {@link java.util.concurrent.LinkedBlockingQueue}.</b> Every item
 * state change happens under {@link #lock} (the queue lock), in one place. A plain produce (no
 * dedup key: nothing to look up) does not take it: it formats its ids outside any lock, then under
 * {@link #produceLock} reads the clock, builds its entries and appends them to {@link #incoming};
 * whoever takes the queue lock next takes the incoming list in ({@link
 * #catchUp}), merged in time order with due scheduled items and expired leases. So producers and
 * consumers no longer wait for each other, only for their own kind, and a batch is still taken in
 * whole. Lock order: queue lock, then produce lock, never the other way round (a producer releases
 * the produce lock before it takes the queue lock to wake waiting consumers). Neither lock is held
 * across user code, I/O or another queue's lock (dead items are handed to the dead-letter queue
 * after it is released). A produce with a dedup key, a transactional produce and a dead letter
 * arriving take both locks, so their clock reading and their place in the ready order agree with
 * plain produces. Both are ordinary locks (a {@link SpinningLock} tries a little before it parks): nothing
 * here needs a model checker to believe.
 *
 * <p><b>Waking consumers without a lost wakeup.</b> A consumer about to wait counts itself in
 * {@link #waiting} (volatile) and then looks at {@link #incomingCount} (volatile) once more; a
 * producer appends, sets {@code incomingCount} and then reads {@code waiting}. Both sides write one
 * volatile and then read the other, so either the consumer sees the items or the producer sees the consumer
 * and takes the queue lock to wake it (the consumer holds that lock until it waits, so the signal
 * cannot come too early).
 *
 * <p><b>Structures</b> (guarded by {@link #lock}, but for {@link #incoming}, which is the produce
 * lock's): ready items in a FIFO deque ordered by the
 * time they became ready (every operation first moves due scheduled items and expired leases over
 * in time order, so appends never go back in time); scheduled items in a priority queue by (ready
 * time, id); lease expiries in a priority queue; items by id and by dedup key in hash maps; dead
 * items in a priority queue by death time. Removal from the priority queues and the ready deque is lazy: an
 * element is skipped when its entry's state no longer matches, and the expiry queue is compacted
 * when stale marks outnumber leases.
 *
 * <p><b>Time</b> is the store's clock, never going back ({@link dev.depot.spi.QueueTime}), read under a lock (a consumer reads it after taking the
 * incoming list in, so nothing it takes in is younger than its clock reading), truncated to microseconds as every
 * stored instant is. Due work (scheduled items, expired leases, expireAfter deadlines, dead-item
 * retention) is processed lazily by whichever operation comes next.
 */
final class MemoryQueue implements StoredQueue {
    // Written out rather than Comparator.comparing(...): one call instead of three, and no JDK-made
    // lambdas in the queue's object graph, which Lincheck (MemoryQueueLincheckTest) cannot read.
    private static final Comparator<QueueEntry> BY_READY_TIME = (a, b) -> {
        int c = a.readyAt.compareTo(b.readyAt);
        return c != 0 ? c : Long.compare(a.order, b.order);
    };
    private static final Comparator<QueueEntry> BY_DEADLINE = (a, b) -> bySeq(a.deadline.compareTo(b.deadline), a, b);
    static final Comparator<QueueEntry> BY_DEATH = (a, b) -> bySeq(a.deadAt.compareTo(b.deadAt), a, b);

    private static int bySeq(int byTime, QueueEntry a, QueueEntry b) {
        return byTime != 0 ? byTime : Long.compare(a.seq, b.seq);
    }

    final String name;
    /** Lock order among queues, for transactions that lock several. */
    final long ordinal;
    private final MemoryQueues owner;
    volatile QueueOptions options = QueueOptions.defaults();
    /**
     * Whether the queue exists (is listed). False once dropped, until opened again: the object stays
     * in its store, so handles opened before the drop keep naming the queue and act on the new one.
     * Set false under both locks, so a producer that checks it under either sees the drop or is
     * emptied by it.
     */
    volatile boolean declared = true;
    /** Drops so far; a consumer waiting in lease returns empty when it changes. Under {@link #lock}. */
    private int drops;

    /**
     * How often a thread tries a queue's lock before it parks. A lease or complete of 100 items
     * holds it a few microseconds; parking costs more than that, and with more threads than cores
     * the woken thread then also waits for the scheduler (measured: BENCHMARKS.md, stop 20:
     * 1+1 and 4+4 threads 25–45 % faster than parking at once; 100, 500 and 2,000 tries alike).
     */
    private static final int LOCK_TRIES = 100;

    final ReentrantLock lock = new SpinningLock(LOCK_TRIES);
    private final Condition arrived = lock.newCondition();
    /** Guards {@link #incoming}; taken after {@link #lock} when both are needed. */
    private final ReentrantLock produceLock = new SpinningLock(LOCK_TRIES);
    /** Plain produces not yet taken in, in produce (and clock) order; guarded by {@link #produceLock}. */
    private ArrayList<QueueEntry> incoming = new ArrayList<>();
    /** Size of {@link #incoming}, written under the produce lock, read without it to skip an empty swap. */
    private volatile int incomingCount;

    private ArrayDeque<QueueEntry> ready = new ArrayDeque<>();
    private PriorityQueue<QueueEntry> scheduled = new PriorityQueue<>(BY_READY_TIME);
    /** Lease marks in expiry order as granted (the common case: one timeout, time moving forward). */
    private ArrayDeque<LeaseMark> expiries = new ArrayDeque<>();
    /** Marks that would break that order: extensions, a shortened timeout, a clock set back. */
    private PriorityQueue<LeaseMark> outOfOrder = new PriorityQueue<>();
    private PriorityQueue<QueueEntry> deadlines = new PriorityQueue<>(BY_DEADLINE);
    /** By death time: one catch-up kills leased items (at their expiry) before ready ones (at their earlier deadline). */
    private PriorityQueue<QueueEntry> dead = new PriorityQueue<>(BY_DEATH);
    private HashMap<String, QueueEntry> byId = new HashMap<>();
    private HashMap<String, QueueEntry> byDedup = new HashMap<>();
    private int readyCount;
    private int scheduledCount;
    private int leasedCount;
    private int deadCount;
    /** Consumers waiting in lease; changed under {@link #lock}, read by producers without it. */
    private volatile int waiting;
    private long tokens;
    /** Dead items bound for the dead-letter queue, moved there once this lock is released. */
    private List<QueueEntry> outgoing = new ArrayList<>();

    /**
     * When a lease ends unless extended; stale when the entry has moved on. Leases ending at one
     * instant end in the order they were granted: {@code order} is the item's ready order then.
     */
    private record LeaseMark(Instant at, long order, QueueEntry entry, String token) implements Comparable<LeaseMark> {
        LeaseMark(Instant at, QueueEntry entry) {
            this(at, entry.order, entry, entry.token);
        }

        boolean current() {
            return entry.state == ItemState.LEASED && entry.token == token && entry.leaseExpiresAt == at;
        }

        @Override
        public int compareTo(LeaseMark o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** Numbers items as they are queued ready or scheduled ({@link QueueEntry#order}); under the lock. */
    private long orders;

    MemoryQueue(String name, long ordinal, MemoryQueues owner) {
        this.name = name;
        this.ordinal = ordinal;
        this.owner = owner;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public QueueOptions options() {
        return options;
    }

    // ---- locking: every public operation is lock, catch up with the clock, act, release ----

    /** Takes the lock, takes incoming items in and processes what became due; returns the time the operation acts at. */
    Instant enter() {
        lock.lock();
        try {
            return catchUp();
        } catch (RuntimeException | Error e) {
            lock.unlock();
            throw e;
        }
    }

    /** Releases the lock, then hands dead items to their dead-letter queue, holding no queue lock. */
    void exit() {
        handOff(release());
    }

    /**
     * Releases the lock and returns the dead items to move, for {@link #handOff} once the caller
     * holds no queue lock at all (a transaction releases all its queues first): waiting for a
     * dead-letter queue's lock while holding another could deadlock with a transaction that locks
     * both in ordinal order.
     */
    List<QueueEntry> release() {
        List<QueueEntry> moving = List.of();
        if (!outgoing.isEmpty()) {
            moving = outgoing;
            outgoing = new ArrayList<>();
            moving.sort(BY_DEATH); // dead letters of one call arrive in the order they died, ties by id
        }
        lock.unlock();
        return moving;
    }

    /** Moves dead items into the dead-letter queues named when they died. */
    void handOff(List<QueueEntry> moving) {
        for (int i = 0; i < moving.size(); ) {
            String target = moving.get(i).movingTo;
            int j = i;
            while (j < moving.size() && moving.get(j).movingTo.equals(target)) {
                j++;
            }
            MemoryQueue dlq = owner.queue(target);
            dlq.enter();
            try {
                dlq.receiveDead(moving.subList(i, j), name);
            } finally {
                dlq.exit();
            }
            i = j;
        }
    }

    Instant now() {
        return owner.time.instant();
    }

    /** {@code d} after {@code t}, truncated to microseconds like every stored instant (as the SQL backends count). */
    private static Instant after(Instant t, Duration d) {
        return t.plus(d).truncatedTo(ChronoUnit.MICROS);
    }

    // ---- the operations ----

    @Override
    public List<String> produce(List<Message> messages) {
        for (Message m : messages) {
            if (m.dedupKey() != null) {
                enter();
                try {
                    if (!declared) {
                        throw QueueConflicts.dropped(name);
                    }
                    return produceLocked(messages);
                } finally {
                    exit();
                }
            }
        }
        int n = messages.size();
        long first = owner.reserveIds(n);
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Long.toString(first + i); // formatting ids is most of a produce's work: outside any lock
        }
        produceLock.lock();
        try {
            if (!declared) {
                throw QueueConflicts.dropped(name);
            }
            Instant now = now();
            incoming.ensureCapacity(incoming.size() + n);
            for (int i = 0; i < n; i++) {
                incoming.add(entry(first + i, ids[i], messages.get(i), now));
            }
            incomingCount = incoming.size(); // volatile, before reading waiting: see the class comment
        } finally {
            produceLock.unlock();
        }
        if (waiting > 0) {
            enter(); // takes the items in and wakes waiting consumers
            exit();
        }
        return List.of(ids);
    }

    /** A new entry produced at {@code now}: its ready time is its {@code notBefore} when that is later. */
    private static QueueEntry entry(long seq, String id, Message m, Instant now) {
        Instant deadline = m.expireAfter() == null ? null : after(now, m.expireAfter());
        QueueEntry e = new QueueEntry(seq, id, m.payload(), m.headers(), m.dedupKey(), now, deadline, List.of(), null, null);
        Instant notBefore = m.notBefore() == null ? null : m.notBefore().truncatedTo(ChronoUnit.MICROS); // stored as every instant
        e.readyAt = notBefore != null && notBefore.isAfter(now) ? notBefore : now;
        return e;
    }

    /**
     * A produce under the queue lock (dedup keys, transactions): it also takes the produce lock, so
     * that it reads the clock and takes its place after every plain produce before it.
     */
    List<String> produceLocked(List<Message> messages) {
        produceLock.lock();
        try {
            return produceBothLocked(messages, catchUp());
        } finally {
            produceLock.unlock();
        }
    }

    private List<String> produceBothLocked(List<Message> messages, Instant now) {
        long seq = owner.reserveIds(messages.size());
        List<String> ids = new ArrayList<>(messages.size());
        int madeReady = 0;
        for (Message m : messages) {
            String key = m.dedupKey();
            if (key != null) {
                QueueEntry existing = byDedup.get(key);
                if (existing != null) {
                    ids.add(existing.id);
                    seq++;
                    continue;
                }
            }
            QueueEntry e = entry(seq, Long.toString(seq), m, now);
            seq++;
            if (key != null) {
                byDedup.put(key, e);
            }
            if (admit(e)) {
                madeReady++;
            }
            ids.add(e.id);
        }
        wake(madeReady);
        return ids;
    }

    /** A produced entry joins the queue: by id, deadline tracked, then ready or scheduled by its ready time. Returns whether it is ready. */
    private boolean admit(QueueEntry e) {
        byId.put(e.id, e);
        if (e.deadline != null) {
            deadlines.add(e);
        }
        if (e.readyAt.isAfter(e.producedAt)) {
            e.state = ItemState.SCHEDULED;
            e.order = ++orders;
            scheduled.add(e);
            scheduledCount++;
            return false;
        }
        makeReady(e, e.producedAt);
        return true;
    }

    /** Swaps out the incoming list (under the produce lock, briefly); the caller holds the queue lock. */
    private List<QueueEntry> takeIncoming() {
        if (incomingCount == 0) {
            return List.of(); // most calls: no lock traffic with producers
        }
        produceLock.lock();
        try {
            List<QueueEntry> taken = incoming;
            incoming = new ArrayList<>(Math.max(16, taken.size()));
            incomingCount = 0;
            return taken;
        } finally {
            produceLock.unlock();
        }
    }

    /** Items that died elsewhere arrive as ordinary ready items, keeping id and history. */
    private void receiveDead(List<QueueEntry> entries, String from) {
        produceLock.lock(); // like a produce under the queue lock: after every plain produce before it
        try {
            Instant now = catchUp();
            declared = true; // a dead-letter queue exists once named; one dropped meanwhile is made again
            for (QueueEntry source : entries) {
                QueueEntry e = new QueueEntry(source, from);
                byId.put(e.id, e);
                makeReady(e, now);
            }
            wake(entries.size());
        } finally {
            produceLock.unlock();
        }
    }

    private static final BooleanSupplier NEVER = () -> false;

    @Override
    public List<Lease> lease(String holder, int max, Duration wait) {
        return lease(holder, max, wait, NEVER);
    }

    @Override
    public List<Lease> lease(String holder, int max, Duration wait, BooleanSupplier stop) {
        Instant now = enter();
        try {
            int limit = max;
            if (readyCount == 0 && wait.isPositive()) {
                waiting++;
                try {
                    int dropsSeen = drops;
                    now = catchUp(); // counted in as waiting: whatever a producer appended before seeing us is taken in here
                    now = await(now, System.nanoTime() + wait.toNanos(), stop, dropsSeen);
                    if (drops != dropsSeen) {
                        return List.of(); // the queue it waited on was dropped: the consumer decides what next
                    }
                    if (stop.getAsBoolean()) {
                        if (readyCount > 0) {
                            arrived.signal(); // a wakeup meant for an item goes to another waiter
                        }
                        return List.of(); // its depot closed: nothing leased through it
                    }
                    // Share what arrived with the other waiters rather than take it all.
                    limit = Math.min(max, (readyCount + waiting - 1) / waiting);
                } finally {
                    waiting--;
                }
            }
            List<Lease> out = leaseLocked(holder, limit, now);
            if (readyCount > 0 && waiting > 0) {
                arrived.signal(); // left some for another waiter
            }
            return out;
        } finally {
            exit();
        }
    }

    /** Waits (parked, lock released) until something is ready, the deadline passes or {@code stop} says so; returns the time then. */
    private Instant await(Instant now, long deadlineNanos, BooleanSupplier stop, int dropsSeen) {
        while (readyCount == 0 && !stop.getAsBoolean() && drops == dropsSeen) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                arrived.awaitNanos(Math.min(left, nanosUntilDue(now)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = catchUp();
        }
        return now;
    }

    /** Clock time until the next scheduled item or lease expiry, 1 to 100 ms; unbounded when none. */
    private long nanosUntilDue(Instant now) {
        Instant next = null;
        QueueEntry s = scheduled.peek();
        if (s != null) {
            next = s.readyAt;
        }
        LeaseMark m = nextMark();
        if (m != null && (next == null || m.at.isBefore(next))) {
            next = m.at;
        }
        if (next == null) {
            return Long.MAX_VALUE;
        }
        long nanos = Duration.between(now, next).toNanos();
        // At most 100 ms, as SQL queues poll: the clock may jump (a test clock advanced by an hour)
        // and make the item due long before that much real time has passed.
        return Math.min(Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(1)), MAX_PARK_NANOS);
    }

    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private List<Lease> leaseLocked(String holder, int max, Instant now) {
        int n = Math.min(max, readyCount);
        if (n == 0) {
            return List.of();
        }
        QueueOptions o = options;
        Instant expiry = after(now, o.leaseTimeout());
        List<Lease> out = new ArrayList<>(n);
        while (out.size() < n) {
            QueueEntry e = ready.poll();
            if (e.state != ItemState.READY) {
                continue; // died at its expireAfter deadline while waiting
            }
            readyCount--;
            e.state = ItemState.LEASED;
            e.attempts++;
            e.token = Long.toString(++tokens);
            e.leasedAt = now;
            e.leaseExpiresAt = expiry;
            e.holder = holder;
            leasedCount++;
            addMark(new LeaseMark(expiry, e));
            out.add(e.lease(name));
        }
        return out;
    }

    @Override
    public BatchResult complete(List<Lease> leases) {
        Instant now = enter();
        try {
            List<Lease> applied = new ArrayList<>(leases.size());
            List<Lease> stale = new ArrayList<>(0);
            for (Lease l : leases) {
                QueueEntry e = byId.remove(l.id()); // one hash lookup on the common path
                if (e == null || !e.holds(l)) {
                    if (e != null) {
                        byId.put(e.id, e);
                    }
                    stale.add(l);
                } else {
                    leasedCount--;
                    forget(e);
                    applied.add(l);
                }
            }
            compactExpiries();
            return new BatchResult(applied, stale);
        } finally {
            exit();
        }
    }

    /** The entry {@code lease} currently holds, or null if the lease is stale. Call after {@link #enter()}. */
    QueueEntry current(Lease lease) {
        QueueEntry e = byId.get(lease.id());
        return e != null && e.holds(lease) ? e : null;
    }

    void completeLocked(QueueEntry e) {
        leasedCount--;
        byId.remove(e.id);
        forget(e);
        compactExpiries();
    }

    @Override
    public BatchResult retry(List<Lease> leases, Duration delay) {
        Instant now = enter();
        try {
            List<Lease> applied = new ArrayList<>(leases.size());
            List<Lease> stale = new ArrayList<>(0);
            for (Lease l : leases) {
                QueueEntry e = current(l);
                if (e == null) {
                    stale.add(l);
                } else {
                    retryLocked(e, delay, now);
                    applied.add(l);
                }
            }
            return new BatchResult(applied, stale);
        } finally {
            exit();
        }
    }

    void retryLocked(QueueEntry e, Duration delay, Instant now) {
        leasedCount--;
        e.endAttempt(now, Attempt.Outcome.RETRIED, "retried");
        requeue(e, after(now, delay), now, "retried");
        compactExpiries();
    }

    @Override
    public boolean deadLetter(Lease lease, String reason) {
        Instant now = enter();
        try {
            QueueEntry e = current(lease);
            if (e == null) {
                return false;
            }
            deadLetterLocked(e, reason, now);
            return true;
        } finally {
            exit();
        }
    }

    void deadLetterLocked(QueueEntry e, String reason, Instant now) {
        leasedCount--;
        e.endAttempt(now, Attempt.Outcome.DEAD_LETTERED, reason);
        die(e, reason, now);
        compactExpiries();
    }

    @Override
    public Lease extend(Lease lease, Duration by) {
        Instant now = enter();
        try {
            QueueEntry e = current(lease);
            if (e == null) {
                return null;
            }
            e.leaseExpiresAt = after(now, by);
            addMark(new LeaseMark(e.leaseExpiresAt, e));
            compactExpiries();
            return lease.withExpiry(e.leaseExpiresAt);
        } finally {
            exit();
        }
    }

    @Override
    public QueueStats stats() {
        Instant now = enter();
        try {
            QueueEntry oldest = oldestReady();
            Duration age = oldest == null || oldest.readyAt.isAfter(now) ? Duration.ZERO : Duration.between(oldest.readyAt, now);
            return new QueueStats(readyCount, leasedCount, scheduledCount, deadCount, age, waiting);
        } finally {
            exit();
        }
    }

    private QueueEntry oldestReady() {
        QueueEntry head;
        while ((head = ready.peek()) != null && head.state != ItemState.READY) {
            ready.poll();
        }
        return head;
    }

    /**
     * Heap an item costs beyond its payload: the entry (~100 bytes), its id string, its map node and
     * its slot in the ready or scheduled order. An estimate, as the records' overhead is.
     */
    static final long ITEM_OVERHEAD_BYTES = 200;

    /** Heap bytes this queue's items hold, payloads and headers' text included; walks them, under the lock. */
    long heapBytes() {
        enter();
        try {
            long n = 0;
            for (QueueEntry e : byId.values()) {
                n += ITEM_OVERHEAD_BYTES + e.payload.length;
                for (Map.Entry<String, String> h : e.headers.entrySet()) {
                    n += 2L * (h.getKey().length() + h.getValue().length());
                }
            }
            return n;
        } finally {
            exit();
        }
    }

    @Override
    public Page<QueueItem> list(ItemState state, int limit, String cursor) {
        long after = parseCursor(cursor);
        enter();
        try {
            List<QueueEntry> matching = new ArrayList<>();
            for (QueueEntry e : byId.values()) {
                if (e.seq > after && (state == null || e.state == state)) {
                    matching.add(e);
                }
            }
            matching.sort(Comparator.comparingLong(e -> e.seq));
            List<QueueItem> items = new ArrayList<>(Math.min(limit, matching.size()));
            for (int i = 0; i < limit && i < matching.size(); i++) {
                items.add(matching.get(i).item());
            }
            String next = matching.size() > limit ? matching.get(limit - 1).id : null;
            return new Page<>(items, next);
        } finally {
            exit();
        }
    }

    private long parseCursor(String cursor) {
        if (cursor == null) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("queue " + name + ": invalid list cursor");
        }
    }

    @Override
    public Optional<QueueItem> inspect(String id) {
        enter();
        try {
            QueueEntry e = byId.get(id);
            return e == null ? Optional.empty() : Optional.of(e.item());
        } finally {
            exit();
        }
    }

    @Override
    public long clear() {
        enter(); // due work first, as every call: an item that died before is counted where it went, or is gone past retention
        try {
            return removeAll();
        } finally {
            exit();
        }
    }

    /** Makes a dropped queue exist again, empty, with the default options (it was emptied and reset when dropped). */
    void declare() {
        lock.lock();
        try {
            declared = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the queue: every item goes as in {@link #removeAll()} (their leases become stale, their
     * dedup keys free), the options go back to the defaults, it is no longer declared, and consumers
     * waiting in lease return empty. Returns whether it was declared.
     */
    boolean drop() {
        lock.lock();
        produceLock.lock();
        try {
            boolean was = declared;
            removeAll();
            outgoing = new ArrayList<>(); // nothing is pending here (handed off at every release), but nothing of it may leave
            options = QueueOptions.defaults();
            declared = false;
            drops++;
            arrived.signalAll();
            return was;
        } finally {
            produceLock.unlock();
            lock.unlock();
        }
    }

    /** Removes every item as it stands, due work unprocessed: for {@code depot.clear()}, which moves nothing between queues. */
    long removeAll() {
        lock.lock();
        produceLock.lock();
        try {
            long n = byId.size() + incoming.size();
            incoming = new ArrayList<>();
            incomingCount = 0;
            for (QueueEntry e : byId.values()) {
                e.state = null;
            }
            ready = new ArrayDeque<>();
            scheduled = new PriorityQueue<>(BY_READY_TIME);
            expiries = new ArrayDeque<>();
            outOfOrder = new PriorityQueue<>();
            deadlines = new PriorityQueue<>(BY_DEADLINE);
            dead = new PriorityQueue<>(BY_DEATH);
            byId = new HashMap<>();
            byDedup = new HashMap<>();
            readyCount = scheduledCount = leasedCount = deadCount = 0;
            return n;
        } finally {
            produceLock.unlock();
            lock.unlock();
        }
    }

    // ---- the state machine ----

    /**
     * Takes the incoming items in, reads the clock, and processes in time order what became due by
     * then: incoming items join, scheduled items become ready and expired leases end (their item
     * goes to the tail, or dies on its last attempt), so the ready deque stays ordered by ready
     * time; then items past their {@code expireAfter} deadline and dead items past their retention
     * go. Returns the clock reading. Under the queue lock.
     */
    private Instant catchUp() {
        List<QueueEntry> fresh = takeIncoming();
        Instant now = now(); // after the swap: every item taken in was produced at or before it
        int madeReady = 0;
        int next = 0;
        while (true) {
            LeaseMark m = nextMark();
            QueueEntry s = scheduled.peek();
            if (s != null && s.state != ItemState.SCHEDULED) {
                scheduled.poll();
                continue;
            }
            boolean leaseDue = m != null && !m.at.isAfter(now);
            boolean scheduleDue = s != null && !s.readyAt.isAfter(now);
            if (next < fresh.size()) {
                // A produced item goes before due work only if strictly older (a produce under the lock caught up first).
                QueueEntry in = fresh.get(next);
                Instant p = in.producedAt;
                if ((!leaseDue || p.isBefore(m.at)) && (!scheduleDue || p.isBefore(s.readyAt))) {
                    next++;
                    if (admit(in)) {
                        madeReady++;
                    }
                    continue;
                }
            }
            if (leaseDue && (!scheduleDue || !s.readyAt.isBefore(m.at))) {
                removeMark(m);
                QueueEntry e = m.entry;
                leasedCount--;
                e.endAttempt(m.at, Attempt.Outcome.EXPIRED, "lease expired");
                if (requeue(e, m.at, m.at, "lease expired")) {
                    madeReady++;
                }
            } else if (scheduleDue) {
                scheduled.poll();
                scheduledCount--;
                if (s.deadline != null && !s.deadline.isAfter(s.readyAt)) {
                    die(s, "expired", s.deadline);
                } else {
                    makeReady(s, s.readyAt);
                    madeReady++;
                }
            } else {
                break;
            }
        }
        QueueEntry d;
        while ((d = deadlines.peek()) != null && (d.state == null || d.state == ItemState.DEAD || !d.deadline.isAfter(now))) {
            deadlines.poll();
            if (d.state == ItemState.READY || d.state == ItemState.SCHEDULED) {
                if (d.state == ItemState.READY) {
                    readyCount--; // its deque slot is skipped later
                } else {
                    scheduledCount--;
                }
                die(d, "expired", d.deadline);
            } // a leased item is judged when its lease ends
        }
        Duration retention = options.deadRetention();
        while ((d = dead.peek()) != null && (d.state != ItemState.DEAD || !after(d.deadAt, retention).isAfter(now))) {
            dead.poll();
            if (d.state == ItemState.DEAD) {
                deadCount--;
                byId.remove(d.id);
                d.state = null;
            }
        }
        wake(madeReady);
        return now;
    }

    /**
     * After a lease ended without completion at {@code ended}: the item goes to the tail (at once or
     * when {@code readyAt} comes), or dies if that was its last attempt or its deadline has passed.
     * Returns whether it became ready now.
     */
    private boolean requeue(QueueEntry e, Instant readyAt, Instant ended, String how) {
        int max = options.maxAttempts();
        if (e.attempts >= max) {
            die(e, how + " on its last attempt (" + e.attempts + " of " + max + ")", ended);
            return false;
        }
        if (e.deadline != null && !e.deadline.isAfter(ended)) {
            die(e, "expired", ended);
            return false;
        } // a retry delay past the deadline schedules it: it dies at the deadline, scheduled (catchUp)
        if (readyAt.isAfter(ended)) {
            e.state = ItemState.SCHEDULED;
            e.readyAt = readyAt;
            e.order = ++orders;
            scheduled.add(e);
            scheduledCount++;
            return false;
        }
        makeReady(e, readyAt);
        return true;
    }

    private void makeReady(QueueEntry e, Instant at) {
        e.state = ItemState.READY;
        e.readyAt = at;
        e.order = ++orders;
        ready.add(e);
        readyCount++;
    }

    /** The item failed for good: to the dead-letter queue if there is one (and it did not come from one), else kept here as DEAD. */
    private void die(QueueEntry e, String reason, Instant at) {
        if (e.dedupKey != null && byDedup.get(e.dedupKey) == e) {
            byDedup.remove(e.dedupKey);
        }
        e.deadReason = reason;
        e.deadAt = at;
        String dlq = options.deadLetterQueue();
        if (dlq != null && !e.deadLetter) {
            byId.remove(e.id);
            e.state = null;
            e.movingTo = dlq;
            outgoing.add(e);
        } else {
            e.state = ItemState.DEAD;
            dead.add(e);
            deadCount++;
        }
    }

    /** A completed item, already out of {@code byId}, leaves the queue for good. */
    private void forget(QueueEntry e) {
        if (e.dedupKey != null && byDedup.get(e.dedupKey) == e) {
            byDedup.remove(e.dedupKey);
        }
        e.state = null;
    }

    /** Lease marks held, current or stale: for the engine's tests. */
    int leaseMarks() {
        lock.lock();
        try {
            return expiries.size() + outOfOrder.size();
        } finally {
            lock.unlock();
        }
    }

    private void addMark(LeaseMark m) {
        LeaseMark last = expiries.peekLast();
        if (last == null || m.compareTo(last) >= 0) {
            expiries.addLast(m);
        } else {
            outOfOrder.add(m);
        }
    }

    /** The current lease mark that expires first, dropping stale ones on the way; null if none. */
    private LeaseMark nextMark() {
        LeaseMark a;
        while ((a = expiries.peekFirst()) != null && !a.current()) {
            expiries.pollFirst();
        }
        LeaseMark b;
        while ((b = outOfOrder.peek()) != null && !b.current()) {
            outOfOrder.poll();
        }
        if (a == null) {
            return b;
        }
        return b == null || b.compareTo(a) > 0 ? a : b;
    }

    private void removeMark(LeaseMark m) {
        if (expiries.peekFirst() == m) {
            expiries.pollFirst();
        } else {
            outOfOrder.poll();
        }
    }

    /** Drops stale lease marks once they outnumber current leases, so the queue stays O(leases). */
    private void compactExpiries() {
        if (expiries.size() + outOfOrder.size() > 2 * leasedCount + 1024) {
            expiries.removeIf(m -> !m.current());
            outOfOrder.removeIf(m -> !m.current());
        }
    }

    /** Wakes every consumer waiting here, to look at its stop condition again (a depot closing). */
    void wakeAll() {
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes up to {@code n} waiting consumers, one per item that became ready. */
    private void wake(int n) {
        for (int i = Math.min(n, waiting); i > 0; i--) {
            arrived.signal();
        }
    }
}
