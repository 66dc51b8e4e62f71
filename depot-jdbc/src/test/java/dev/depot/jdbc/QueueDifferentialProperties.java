package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Attempt;
import dev.depot.BatchResult;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.Schema;
import dev.depot.Transaction;
import dev.depot.TransactionQueue;
import dev.depot.WorkQueue;
import dev.depot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The differential test of work queues: the same random program of queue operations runs step by
 * step on memory and on a SQL database, and after every step both must have answered alike — ids,
 * leases (attempt, times, holder, history), batch results, stats, pages of items with their
 * cursors, options, and exception types. Programs use three queues (any may be another's
 * dead-letter queue, most often the third, so two source queues share it), produce with headers, dedup keys, {@code notBefore} and {@code expireAfter}, lease without
 * waiting, settle current, expired, forged and foreign leases (single and batch), extend, clear,
 * and run transactions that produce and settle beside a record write and commit, throw or are
 * marked rollback-only. Time moves only by the shared {@link TestClock}: by fixed steps (also below
 * a microsecond) and exactly onto, just before or just after a lease expiry, a {@code notBefore},
 * a retry's end or an {@code expireAfter} deadline seen earlier.
 *
 * <p>Item ids are the backends' own (memory counts from 1, SQL takes blocks from a counter), so
 * each run names them {@code #0, #1, ...} in the order it first sees them; lease tokens are never
 * shown. Each run keeps the leases its backend returned in a list of its own, and a step that says
 * "the k-th lease" takes the k-th of each.
 *
 * <p>One thing the contract leaves open is kept out of the comparison where it happens: whether a
 * commit that fails has processed its queues' due work (see {@link Tx}). The order of items that
 * become ready at one instant through due work is compared as it comes (CONTRACT.md "Queues").
 *
 * <p>{@value #TRIES} programs per database by default; {@value #DEEP_TRIES} with {@code -Pdeep}
 * ({@code depot.deep=true}); {@code -Ddepot.differential.tries=N} sets any number.
 */
@AddLifecycleHook(DatabaseProperties.SkipWithoutDatabase.class)
abstract class QueueDifferentialProperties extends DatabaseProperties {
    static final int TRIES = 100;
    static final int DEEP_TRIES = 10_000;
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    static final List<String> QUEUES = List.of("qa", "qb", "qc");
    /**
     * The databases' depots and one clock per database, read by its SQL depot and by the memory depot
     * of each program run against it; only clock steps move it (per database, so that a test class
     * cannot move another's).
     */
    private static final DifferentialDepots DEPOTS = new DifferentialDepots("qdiff");
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final AtomicInteger STEPS = new AtomicInteger();

    /** The record a transaction may write beside its queue operations: they commit or roll back together. */
    record Note(String id) {}

    static final Schema<String, Note> NOTES = Schema.of("qdiff_notes", String.class, Note.class).key(Note::id).build();

    @Override
    Map<String, String> urls() {
        return DEPOTS.urls();
    }

    /** Sets the number of tries: CI, deep or explicitly given; reports how many programs and steps ran and for how long. */
    static final class Tries implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            return counted(context, property, TRIES, DEEP_TRIES, tries -> String.format("queue differential %s: %d programs requested,"
                    + " %d run, %d steps", context.containerClass().getSimpleName(), tries, RUNS.getAndSet(0), STEPS.getAndSet(0)));
        }
    }

    @Property
    @AddLifecycleHook(Tries.class)
    void queuesBehaveLikeMemory(@ForAll("programs") List<Step> program) {
        RUNS.incrementAndGet();
        compare(name(), program);
    }

    static String prefixed(String url) {
        return DEPOTS.prefixed(url);
    }

    @AfterContainer
    static void closeAll() {
        DEPOTS.closeAll();
    }

    /** Runs the program on both depots in lock step and stops at the first step they answer differently. */
    private static void compare(String name, List<Step> program) {
        TestClock clock = DEPOTS.clock(name, START);
        Depot sql = DEPOTS.depot(name, clock);
        clock.set(START);
        sql.clear();
        try (Depot memory = Depot.open("memory:", DepotOptions.defaults().clock(clock))) {
            Run onSql = new Run(sql, clock);
            Run onMemory = new Run(memory, clock);
            List<String> log = new ArrayList<>();
            for (Step step : program) {
                STEPS.incrementAndGet();
                String a;
                String b;
                if (step instanceof Tick tick) {
                    // One clock for both: each run names its target from what it saw, and they must agree.
                    Instant ta = tick.target(onSql);
                    Instant tb = tick.target(onMemory);
                    a = ta == null ? "stays at " + time(clock.instant()) : "to " + time(ta);
                    b = tb == null ? "stays at " + time(clock.instant()) : "to " + time(tb);
                    if (a.equals(b) && tb != null) {
                        clock.set(tb);
                    }
                } else {
                    a = step.apply(onSql);
                    b = step.apply(onMemory);
                }
                assertThat(a).as("step %d %s on %s (actual) vs memory (expected), after:%n%s", log.size(), step, name, String.join("\n", log))
                        .isEqualTo(b);
                log.add(log.size() + " " + step + " -> " + b);
            }
            assertThat(onSql.snapshot()).as("final state on %s (actual) vs memory (expected) after:%n%s", name, String.join("\n", log))
                    .isEqualTo(onMemory.snapshot());
        }
    }

    // ---- one backend's run ----

    /** What one backend answered so far: its leases, the ids it showed, the instants worth moving the clock to. */
    static final class Run {
        final Depot depot;
        final TestClock clock;
        final Map<String, WorkQueue> handles = new HashMap<>();
        final List<Lease> leases = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        final Map<String, String> names = new HashMap<>();
        final List<Instant> marks = new ArrayList<>();
        int messages;
        int transactions;

        Run(Depot depot, TestClock clock) {
            this.depot = depot;
            this.clock = clock;
            // Both queues exist from the start: a cleared SQL depot keeps the queues of earlier programs (with default options).
            QUEUES.forEach(q -> handles.put(q, depot.queue(q)));
        }

        WorkQueue queue(int q) {
            return handles.computeIfAbsent(QUEUES.get(q), depot::queue);
        }

        /** The run's name for an id: {@code #n}, n counting ids in the order this run first saw them. */
        String id(String raw) {
            return names.computeIfAbsent(raw, r -> {
                ids.add(r);
                return "#" + (ids.size() - 1);
            });
        }

        /** The k-th lease this run got (a forged one keeps id and queue with a token never handed out), or null if none yet. */
        Lease lease(int k, boolean forged) {
            if (leases.isEmpty()) {
                return null;
            }
            Lease l = leases.get(k % leases.size());
            return forged ? new Lease(l.queue(), l.id(), l.token() + "-forged", l.payload(), l.headers(), l.dedupKey(), l.attempt(),
                    l.producedAt(), l.leasedAt(), l.expiresAt(), l.holder(), l.history()) : l;
        }

        /** The queue a settle goes to: the lease's own, or (when {@code other}) the other one, which must refuse it. */
        WorkQueue queueOf(Lease l, boolean other) {
            int q = QUEUES.indexOf(l.queue());
            return queue(other ? (q + 1) % QUEUES.size() : q);
        }

        Message message(MessageSpec spec) {
            Instant now = clock.instant();
            Message m = Message.of("m" + messages++);
            for (int h = 0; h < spec.headers(); h++) {
                m = m.header(h == 0 ? "kind" : "x" + h, h == 1 ? "" : "v" + messages % 3);
            }
            if (spec.dedupKey() != null) {
                m = m.dedupKey(spec.dedupKey());
            }
            if (spec.notBefore() != null) {
                m = m.notBefore(now.plus(spec.notBefore()));
                marks.add(now.plus(spec.notBefore()));
            }
            if (spec.expireAfter() != null) {
                m = m.expireAfter(spec.expireAfter());
                marks.add(now.plus(spec.expireAfter()));
            }
            return m;
        }

        List<Message> messages(List<MessageSpec> specs) {
            return specs.stream().map(this::message).toList();
        }

        String took(List<Lease> got) {
            leases.addAll(got);
            got.forEach(l -> marks.add(l.expiresAt()));
            return leases(got);
        }

        String leases(List<Lease> got) {
            StringBuilder s = new StringBuilder("[");
            for (Lease l : got) {
                s.append(s.length() > 1 ? ", " : "").append(lease(l));
            }
            return s.append(']').toString();
        }

        String lease(Lease l) {
            return "L[" + l.queue() + " " + id(l.id()) + " " + l.payloadText() + " " + new TreeMap<>(l.headers()) + " key=" + l.dedupKey()
                    + " attempt=" + l.attempt() + " produced=" + time(l.producedAt()) + " leased=" + time(l.leasedAt())
                    + " expires=" + time(l.expiresAt()) + " by=" + l.holder() + " " + history(l.history()) + "]";
        }

        String item(QueueItem i) {
            return "I[" + id(i.id()) + " " + i.state() + " " + payload(i.payload()) + " "
                    + new TreeMap<>(i.headers()) + " key=" + i.dedupKey() + " attempts=" + i.attempts() + " produced="
                    + time(i.producedAt()) + " ready=" + time(i.readyAt()) + " deadline=" + time(i.expiresAt()) + " leaseEnds="
                    + time(i.leaseExpiresAt()) + " by=" + i.holder() + " dead=" + i.deadReason() + " from=" + i.deadFrom() + " "
                    + history(i.history()) + "]";
        }

        String batch(BatchResult r) {
            return "applied=" + r.applied().stream().map(l -> id(l.id())).toList() + " stale="
                    + r.stale().stream().map(l -> id(l.id())).toList();
        }

        String ids(List<String> raw) {
            return raw.stream().map(this::id).toList().toString();
        }

        /** Everything observable at the end: each queue's stats and items, the options of every queue, the notes. */
        List<String> snapshot() {
            List<String> out = new ArrayList<>();
            for (int q = 0; q < QUEUES.size(); q++) {
                int n = q;
                out.add(QUEUES.get(q) + " " + attempt(() -> stats(queue(n).stats())));
                out.add(QUEUES.get(q) + " " + attempt(() -> queue(n).list(null, 1000, null).items().stream().map(this::item).toList()));
            }
            out.add("queues " + attempt(depot::queues));
            out.add("notes " + notes());
            return out;
        }

        String notes() {
            return attempt(() -> depot.records(NOTES).query().list().stream().map(Note::id).sorted().toList());
        }
    }

    static String stats(QueueStats s) {
        return "ready=" + s.ready() + " leased=" + s.leased() + " scheduled=" + s.scheduled() + " dead=" + s.dead() + " oldest="
                + s.oldestReadyAge() + " waiting=" + s.waitingConsumers();
    }

    static String history(List<Attempt> history) {
        StringBuilder s = new StringBuilder("h[");
        for (Attempt a : history) {
            s.append(s.length() > 2 ? ", " : "").append(a.number()).append(' ').append(a.outcome()).append(' ').append(time(a.leasedAt()))
                    .append("..").append(time(a.endedAt())).append(" by=").append(a.holder()).append(" '").append(a.reason()).append('\'');
        }
        return s.append(']').toString();
    }

    /** An instant as its distance from the start, which reads better than a date in a failure. */
    static String time(Instant t) {
        return t == null ? "-" : Duration.between(START, t).toString();
    }

    /** Runs a call, describing its result or the type of exception it threw (messages may differ). */
    static String attempt(Supplier<Object> call) {
        try {
            return String.valueOf(call.get());
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }

    // ---- steps ----

    /** One step of a program; its answer on one backend, normalised. */
    interface Step {
        String apply(Run r);
    }

    /** A step that moves the shared clock: each run names the target, and the two must agree. */
    interface Tick extends Step {
        /** The instant to move to, or null to stay. */
        Instant target(Run r);

        @Override
        default String apply(Run r) {
            throw new UnsupportedOperationException("a tick moves the shared clock once, not per run");
        }
    }

    /**
     * A message to produce: how many headers, a dedup key, {@code notBefore} relative to the clock
     * at the call, {@code expireAfter}; all optional. The payload is numbered by the run.
     */
    record MessageSpec(int headers, String dedupKey, Duration notBefore, Duration expireAfter) {}

    record Open(int q, QueueOptions options) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> {
                WorkQueue handle = options == null ? r.depot.queue(QUEUES.get(q)) : r.depot.queue(QUEUES.get(q), options);
                return "options " + handle.options() + " seen by the first handle as " + r.queue(q).options();
            });
        }
    }

    record Produce(int q, List<MessageSpec> specs, boolean single) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> single ? r.id(r.queue(q).produce(r.message(specs.getFirst()))) : r.ids(r.queue(q).produce(r.messages(specs))));
        }
    }

    /** A lease without waiting; {@code holder} null: the default holder (the thread's name). */
    record Take(int q, String holder, int max) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> {
                WorkQueue queue = r.queue(q);
                return r.took(holder == null ? queue.lease(max, Duration.ZERO) : queue.lease(holder, max, Duration.ZERO));
            });
        }
    }

    static String payload(byte[] bytes) {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    record Complete(int k, boolean forged, boolean otherQueue) implements Step {
        @Override
        public String apply(Run r) {
            Lease l = r.lease(k, forged);
            return l == null ? "no lease" : attempt(() -> {
                r.queueOf(l, otherQueue).complete(l);
                return "completed " + r.id(l.id());
            });
        }
    }

    /** A batch of the k-th leases (the same lease may appear twice), on the first one's queue. */
    record CompleteBatch(List<Integer> ks, boolean forgedFirst) implements Step {
        @Override
        public String apply(Run r) {
            List<Lease> batch = batch(r, ks, forgedFirst);
            return batch == null ? "no lease" : attempt(() -> r.batch(r.queueOf(batch.getFirst(), false).complete(batch)));
        }
    }

    static List<Lease> batch(Run r, List<Integer> ks, boolean forgedFirst) {
        if (r.leases.isEmpty()) {
            return null;
        }
        List<Lease> out = new ArrayList<>();
        for (int i = 0; i < ks.size(); i++) {
            out.add(r.lease(ks.get(i), forgedFirst && i == 0));
        }
        return out;
    }

    record Retry(int k, Duration delay, boolean forged, boolean otherQueue) implements Step {
        @Override
        public String apply(Run r) {
            Lease l = r.lease(k, forged);
            return l == null ? "no lease" : attempt(() -> {
                r.queueOf(l, otherQueue).retry(l, delay);
                r.marks.add(r.clock.instant().plus(delay));
                return "retried " + r.id(l.id());
            });
        }
    }

    record RetryBatch(List<Integer> ks, Duration delay) implements Step {
        @Override
        public String apply(Run r) {
            List<Lease> batch = batch(r, ks, false);
            return batch == null ? "no lease" : attempt(() -> {
                BatchResult result = r.queueOf(batch.getFirst(), false).retry(batch, delay);
                r.marks.add(r.clock.instant().plus(delay));
                return r.batch(result);
            });
        }
    }

    record DeadLetter(int k, String reason, boolean forged) implements Step {
        @Override
        public String apply(Run r) {
            Lease l = r.lease(k, forged);
            return l == null ? "no lease" : attempt(() -> {
                r.queueOf(l, false).deadLetter(l, reason);
                return "dead-lettered " + r.id(l.id());
            });
        }
    }

    record Extend(int k, Duration by, boolean forged) implements Step {
        @Override
        public String apply(Run r) {
            Lease l = r.lease(k, forged);
            return l == null ? "no lease" : attempt(() -> {
                Lease longer = r.queueOf(l, false).extend(l, by);
                r.leases.add(longer);
                r.marks.add(longer.expiresAt());
                return "extended " + r.lease(longer);
            });
        }
    }

    record Stats(int q) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> stats(r.queue(q).stats()));
        }
    }

    /** Pages through the queue's items (optionally of one state), or asks with a cursor that is garbage. */
    record ListItems(int q, ItemState state, int limit, boolean garbageCursor) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> {
                WorkQueue queue = r.queue(q);
                if (garbageCursor) {
                    return queue.list(state, limit, "not-a-cursor").items().size();
                }
                StringBuilder s = new StringBuilder();
                Page<QueueItem> page = queue.list(state, limit, null);
                for (int n = 0; n < 50; n++) {
                    s.append(" page").append(page.items().stream().map(r::item).toList());
                    if (page.nextCursor() == null) {
                        break;
                    }
                    // The cursor is opaque; both backends happen to use the last id, which is checked through the mapping.
                    s.append("+").append(r.names.getOrDefault(page.nextCursor(), "cursor"));
                    page = queue.list(state, limit, page.nextCursor());
                }
                return s.toString();
            });
        }
    }

    /** The k-th id this run has seen, or an id no item has. */
    record Inspect(int q, int k) implements Step {
        @Override
        public String apply(Run r) {
            String id = k < 0 || r.ids.isEmpty() ? (k % 2 == 0 ? "x" : "-1") : r.ids.get(k % r.ids.size());
            return attempt(() -> r.queue(q).inspect(id).map(r::item).orElse("absent"));
        }
    }

    record Clear(int q) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> r.queue(q).clear());
        }
    }

    record ListQueues() implements Step {
        @Override
        public String apply(Run r) {
            return attempt(r.depot::queues);
        }
    }

    record ClearDepot() implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> {
                r.depot.clear();
                return "cleared";
            });
        }
    }

    record Advance(Duration by) implements Tick {
        @Override
        public Instant target(Run r) {
            return r.clock.instant().plus(by);
        }
    }

    /** Onto (offset 0), just before or just after the k-th still future instant the run noted (an expiry, a schedule, a deadline). */
    record ToMark(int k, Duration offset) implements Tick {
        @Override
        public Instant target(Run r) {
            Instant now = r.clock.instant();
            List<Instant> future = r.marks.stream().map(m -> m.plus(offset)).filter(m -> m.isAfter(now)).distinct().sorted().toList();
            return future.isEmpty() ? null : future.get(k % future.size());
        }
    }

    /** How a transaction ends. */
    enum End { COMMIT, THROW, ROLLBACK_ONLY }

    /**
     * A transaction: queue operations (each failure recorded, the transaction goes on), optionally a
     * record written beside them, and an end. Its answer includes the notes, which show whether it
     * committed, and after a commit that failed, both queues' stats.
     */
    record Tx(List<TxOp> ops, boolean note, End end) implements Step {
        @Override
        public String apply(Run r) {
            List<String> inner = new ArrayList<>();
            int n = r.transactions++;
            String result = attempt(() -> r.depot.transact(tx -> {
                for (TxOp op : ops) {
                    inner.add(op.apply(r, tx));
                }
                if (note) {
                    tx.records(NOTES).save(new Note("t" + n));
                }
                switch (end) {
                    case THROW -> throw new IllegalStateException("rolled back on purpose");
                    case ROLLBACK_ONLY -> tx.setRollbackOnly();
                    case COMMIT -> { }
                }
                return "returned";
            }));
            String after = "";
            if (end == End.COMMIT && result.startsWith("threw")) {
                // A failed commit: memory has processed the queues' due work (it entered them to check the
                // leases) while SQL rolled that back with the commit; which is right the contract leaves open
                // ("processed at the next call" against "a rollback leaves the queue unchanged"), so both
                // queues are looked at now (twice: the first look at one may move dead items into the other), and
                // due work is processed on both alike.
                QUEUES.forEach(q -> attempt(() -> r.handles.get(q).stats()));
                after = " then " + QUEUES.stream().map(q -> attempt(() -> stats(r.handles.get(q).stats()))).toList();
            }
            return inner + " " + result + " notes=" + r.notes() + after;
        }
    }

    /** One queue operation inside a transaction. */
    interface TxOp {
        String apply(Run r, Transaction tx);
    }

    static TransactionQueue txQueue(Transaction tx, Lease l, boolean otherQueue) {
        int q = QUEUES.indexOf(l.queue());
        return tx.queue(QUEUES.get(otherQueue ? (q + 1) % QUEUES.size() : q));
    }

    record TxProduce(int q, List<MessageSpec> specs, boolean single) implements TxOp {
        @Override
        public String apply(Run r, Transaction tx) {
            return attempt(() -> {
                if (single) {
                    tx.queue(QUEUES.get(q)).produce(r.message(specs.getFirst()));
                } else {
                    tx.queue(QUEUES.get(q)).produce(r.messages(specs));
                }
                return "produce";
            });
        }
    }

    record TxComplete(int k, boolean forged, boolean otherQueue) implements TxOp {
        @Override
        public String apply(Run r, Transaction tx) {
            Lease l = r.lease(k, forged);
            return l == null ? "no lease" : attempt(() -> {
                txQueue(tx, l, otherQueue).complete(l);
                return "complete " + r.id(l.id());
            });
        }
    }

    record TxCompleteBatch(List<Integer> ks) implements TxOp {
        @Override
        public String apply(Run r, Transaction tx) {
            List<Lease> batch = batch(r, ks, false);
            return batch == null ? "no lease" : attempt(() -> {
                txQueue(tx, batch.getFirst(), false).complete(batch);
                return "complete " + batch.stream().map(l -> r.id(l.id())).toList();
            });
        }
    }

    record TxRetry(int k, Duration delay, boolean forged) implements TxOp {
        @Override
        public String apply(Run r, Transaction tx) {
            Lease l = r.lease(k, forged);
            return l == null ? "no lease" : attempt(() -> {
                txQueue(tx, l, false).retry(l, delay);
                r.marks.add(r.clock.instant().plus(delay));
                return "retry " + r.id(l.id());
            });
        }
    }

    record TxDeadLetter(int k, String reason) implements TxOp {
        @Override
        public String apply(Run r, Transaction tx) {
            Lease l = r.lease(k, false);
            return l == null ? "no lease" : attempt(() -> {
                txQueue(tx, l, false).deadLetter(l, reason);
                return "dead-letter " + r.id(l.id());
            });
        }
    }

    // ---- generators ----

    private static final Duration MICRO = Duration.ofNanos(1_000);
    /** Below a microsecond: stored instants are truncated to microseconds, so these must act alike everywhere. */
    private static final Duration HALF_MICRO = Duration.ofNanos(500);

    /** Mostly the first two queues; the third is there so that two source queues can share a dead-letter queue. */
    private static Arbitrary<Integer> queueIndex() {
        return Arbitraries.frequency(Tuple.of(2, 0), Tuple.of(2, 1), Tuple.of(1, 2));
    }

    /** Lease positions: small numbers, taken modulo how many leases a run has. */
    private static Arbitrary<Integer> leaseIndex() {
        return Arbitraries.integers().between(0, 40);
    }

    /**
     * Schedules a little around now: SQL refuses a {@code notBefore} beyond about 290,000 years from
     * 1970 (epoch microseconds) that memory accepts, a range the contract does not state.
     */
    private static Arbitrary<MessageSpec> messageSpecs() {
        Arbitrary<String> key = Arbitraries.of("k1", "k2", "k3").injectNull(0.6);
        Arbitrary<Duration> notBefore = Arbitraries.of(Duration.ofSeconds(-1), Duration.ZERO, MICRO, HALF_MICRO, Duration.ofMillis(1),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1)).injectNull(0.6);
        Arbitrary<Duration> expireAfter = Arbitraries.of(Duration.ofMillis(1), Duration.ofMillis(1).plus(HALF_MICRO), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofMinutes(2)).injectNull(0.7);
        return Combinators.combine(Arbitraries.integers().between(0, 2), key, notBefore, expireAfter).as(MessageSpec::new);
    }

    /**
     * Whole microseconds only: SQL stores the options' durations in microseconds (so {@code
     * depot.queues()} shows them cut) while memory keeps nanoseconds, which the contract does not decide.
     */
    private static Arbitrary<QueueOptions> options() {
        Arbitrary<Duration> lease = Arbitraries.of(Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2));
        Arbitrary<Integer> attempts = Arbitraries.integers().between(1, 3);
        // mostly the third queue, so that the first two often share it
        Arbitrary<String> dlq = Arbitraries.frequency(Tuple.of(1, "qa"), Tuple.of(1, "qb"), Tuple.of(3, "qc")).injectNull(0.4);
        Arbitrary<Duration> retention = Arbitraries.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofDays(7));
        return Combinators.combine(lease, attempts, dlq, retention).as(QueueOptions::new);
    }

    private static Arbitrary<Duration> delays() {
        return Arbitraries.of(Duration.ZERO, MICRO, HALF_MICRO, Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    private static Arbitrary<Duration> extensions() {
        return Arbitraries.of(HALF_MICRO, Duration.ofMillis(1), Duration.ofMillis(1).plus(HALF_MICRO), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofHours(1));
    }

    private static Arbitrary<Boolean> rarely() {
        return Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true));
    }

    private static Arbitrary<Step> produce() {
        return Combinators.combine(queueIndex(), messageSpecs().list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(true, false))
                .as(Produce::new);
    }

    private static Arbitrary<Step> timeStep() {
        Arbitrary<Step> advance = Arbitraries.of(HALF_MICRO, MICRO, Duration.ofMillis(1), Duration.ofNanos(999_000), Duration.ofSeconds(1),
                Duration.ofSeconds(29), Duration.ofSeconds(30), Duration.ofSeconds(31), Duration.ofHours(1), Duration.ofDays(8))
                .map(Advance::new);
        Arbitrary<Step> toMark = Combinators.combine(Arbitraries.integers().between(0, 20),
                Arbitraries.of(Duration.ZERO, Duration.ZERO, MICRO.negated(), MICRO)).as(ToMark::new);
        return Arbitraries.frequencyOf(Tuple.of(1, advance), Tuple.of(1, toMark));
    }

    private static Arbitrary<TxOp> txOp() {
        Arbitrary<TxOp> produce = Combinators.combine(queueIndex(), messageSpecs().list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.of(true, false)).as(TxProduce::new);
        Arbitrary<TxOp> complete = Combinators.combine(leaseIndex(), rarely(), rarely()).as(TxComplete::new);
        Arbitrary<TxOp> completeBatch = leaseIndex().list().ofMinSize(1).ofMaxSize(3).map(TxCompleteBatch::new);
        Arbitrary<TxOp> retry = Combinators.combine(leaseIndex(), delays(), rarely()).as(TxRetry::new);
        Arbitrary<TxOp> deadLetter = Combinators.combine(leaseIndex(), Arbitraries.of("poison", " ")).as(TxDeadLetter::new);
        return Arbitraries.frequencyOf(Tuple.of(4, produce), Tuple.of(4, complete), Tuple.of(1, completeBatch), Tuple.of(2, retry),
                Tuple.of(2, deadLetter));
    }

    private static Arbitrary<Step> step() {
        Arbitrary<Step> open = Combinators.combine(queueIndex(), options().injectNull(0.2)).as(Open::new);
        Arbitrary<Step> take = Combinators.combine(queueIndex(), Arbitraries.of("w1", "w2").injectNull(0.3),
                Arbitraries.integers().between(1, 4)).as(Take::new);
        Arbitrary<Step> complete = Combinators.combine(leaseIndex(), rarely(), rarely()).as(Complete::new);
        Arbitrary<Step> completeBatch = Combinators.combine(leaseIndex().list().ofMinSize(1).ofMaxSize(4), rarely()).as(CompleteBatch::new);
        Arbitrary<Step> retry = Combinators.combine(leaseIndex(), delays(), rarely(), rarely()).as(Retry::new);
        Arbitrary<Step> retryBatch = Combinators.combine(leaseIndex().list().ofMinSize(1).ofMaxSize(4), delays()).as(RetryBatch::new);
        Arbitrary<Step> deadLetter = Combinators.combine(leaseIndex(), Arbitraries.of("poison", ""), rarely()).as(DeadLetter::new);
        Arbitrary<Step> extend = Combinators.combine(leaseIndex(), extensions(), rarely()).as(Extend::new);
        Arbitrary<Step> stats = queueIndex().map(Stats::new);
        Arbitrary<Step> list = Combinators.combine(queueIndex(), Arbitraries.of(ItemState.values()).injectNull(0.5),
                Arbitraries.integers().between(1, 3), rarely()).as(ListItems::new);
        Arbitrary<Step> inspect = Combinators.combine(queueIndex(), Arbitraries.integers().between(-2, 30)).as(Inspect::new);
        Arbitrary<Step> clear = queueIndex().map(Clear::new);
        Arbitrary<Step> tx = Combinators.combine(txOp().list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(true, false),
                Arbitraries.frequency(Tuple.of(6, End.COMMIT), Tuple.of(2, End.THROW), Tuple.of(1, End.ROLLBACK_ONLY))).as(Tx::new);
        return Arbitraries.frequencyOf(
                Tuple.of(12, produce()), Tuple.of(10, take), Tuple.of(6, complete), Tuple.of(2, completeBatch),
                Tuple.of(4, retry), Tuple.of(2, retryBatch), Tuple.of(2, deadLetter), Tuple.of(2, extend),
                Tuple.of(3, stats), Tuple.of(3, list), Tuple.of(2, inspect), Tuple.of(1, clear), Tuple.of(2, open),
                Tuple.of(1, Arbitraries.just(new ListQueues())), Tuple.of(4, tx), Tuple.of(10, timeStep()));
    }

    @Provide
    Arbitrary<List<Step>> programs() {
        Arbitrary<Step> rare = Arbitraries.just(new ClearDepot());
        Arbitrary<Step> any = Arbitraries.frequencyOf(Tuple.of(150, step()), Tuple.of(1, rare));
        // Sizes spread evenly: long programs build up leases, dead items and schedules worth a boundary (shrinking still reaches 1).
        return any.list().ofMinSize(1).ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform());
    }
}
