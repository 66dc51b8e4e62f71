package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.AlreadyExistsException;
import dev.depot.ChangeEvent;
import dev.depot.CommitOutcome;
import dev.depot.ConflictException;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.LeaseExpiredException;
import dev.depot.Message;
import dev.depot.NotFoundException;
import dev.depot.Q;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.Records;
import dev.depot.Retry;
import dev.depot.Schema;
import dev.depot.SubscribeOptions;
import dev.depot.Subscription;
import dev.depot.Transaction;
import dev.depot.UniqueConstraintException;
import dev.depot.VersionConflictException;
import dev.depot.Versioned;
import dev.depot.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three depots on one database, as three instances of a service would be, churning at once: record
 * writes in auto-commit (insert, update at an expected version, save, delete with and without a
 * version, {@code saveAll}) and in transactions (which also produce and complete queue items), on a
 * few keys and a unique index with few values so that versions, keys and unique values conflict;
 * one depot declares an added index half-way while the others keep writing with the old
 * declaration; a queue with dedup keys is produced, leased, completed (alone, in batches and inside
 * transactions) and retried from every depot; every depot subscribes to the feed.
 *
 * <p>Checked against what the calls acknowledged: every reader (one per depot, plus one without its
 * own writes) receives the same gap-free run of sequences, every event of every depot once; the
 * events are exactly the acknowledged writes (origin, key, operation and version); per key,
 * versions go 1, +1 per write, and a delete ends the run; the final records are what the feed's
 * last event per key says, holding the value of the acknowledged write with that version; unique
 * values stay unique; a transaction's events are consecutive ({@code commitOutcome}); index queries
 * inside a snapshot equal a filter over that snapshot, and the added index does too once the older
 * declarations are gone and it is rebuilt (the documented rolling-deploy gap, CONTRACT §2); a queue
 * item is never held by two leases, never completed twice, never leased after completion, dedup
 * never lets two live items share a key, and every produced item is completed in the end.
 *
 * <p>Seeded ({@code -Ddepot.churn.seed=N}); the work per thread is bounded by a count (more with
 * {@code -Ddepot.deep=true}, or {@code -Ddepot.churn.ops=N}), so a run takes seconds per database.
 * Thread interleavings are the machine's, so a failure prints the seed and the first violations.
 */
class MultiDepotChurnProbeTest {
    record Acct(String id, String email, int bucket, String tag, String by) {}

    static final String COLLECTION = "churn";
    static final Schema<String, Acct> V1 = Schema.of(COLLECTION, String.class, Acct.class).key(Acct::id)
            .uniqueIndex("email", String.class, Acct::email)
            .index("bucket", Integer.class, Acct::bucket)
            .build();
    /** The newer declaration: {@code tag} added. */
    static final Schema<String, Acct> V2 = Schema.of(COLLECTION, String.class, Acct.class).key(Acct::id)
            .uniqueIndex("email", String.class, Acct::email)
            .index("bucket", Integer.class, Acct::bucket)
            .index("tag", String.class, Acct::tag)
            .build();

    static final int DEPOTS = 3;
    static final int KEYS = 24;
    static final int EMAILS = 36;
    static final int BUCKETS = 4;
    static final int TAGS = 3;
    static final int DEDUP_KEYS = 10;
    static final String QUEUE = "churnq";
    static final long SEED = Long.getLong("depot.churn.seed", 20_261_201L);
    static final int OPS = Integer.getInteger("depot.churn.ops", Boolean.getBoolean("depot.deep") ? 2_000 : 160);

    /** {@code -Ddepot.churn.only=h2-file} runs one database. */
    static Stream<Arguments> databases() {
        String only = System.getProperty("depot.churn.only", "");
        return Stream.of(
                Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File),
                Arguments.of("h2-mem", (TestDatabases.UrlSource) TestDatabases::h2Mem),
                Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite),
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), "churn_")),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), "churn_")))
                .filter(a -> only.isEmpty() || only.equals(a.get()[0]));
    }

    /** An acknowledged write: {@code version} is -1 for a delete that did not say which version. */
    record Ack(String origin, String key, ChangeEvent.Op op, long version, String by, String via) {
        Ack(String origin, String key, ChangeEvent.Op op, long version, String by) {
            this(origin, key, op, version, by, VIA.get());
        }

        List<Object> shape() {
            return List.of(origin, key, op);
        }

        List<Object> versioned() {
            return List.of(origin, key, op, version);
        }
    }

    /** An acknowledged transaction with its writes, in the order made. */
    record TxAck(String id, List<Ack> writes) {}

    /** What the probe saw, from every thread. */
    static final class Model {
        final List<Ack> acks = new CopyOnWriteArrayList<>();
        final List<TxAck> txs = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        // queue
        final Map<String, String> dedupOfId = new ConcurrentHashMap<>(); // id -> dedup key ("" for none)
        final Map<String, String> held = new ConcurrentHashMap<>(); // id -> holder
        final Map<String, Long> completedAt = new ConcurrentHashMap<>(); // id -> nanoTime after the acknowledgement
        final Map<String, String> payloadOfId = new ConcurrentHashMap<>();
        final Map<String, String> producedTags = new ConcurrentHashMap<>(); // payload tag -> dedup key ("" for none), acknowledged
        final Map<String, String> autoIds = new ConcurrentHashMap<>(); // id returned by auto-commit produce -> its dedup key

        void count(String what) {
            counts.computeIfAbsent(what, w -> new AtomicInteger()).incrementAndGet();
        }

        void violation(String what) {
            violations.add(what);
        }
    }

    /** One depot of the service, as one instance would hold it. */
    static final class Instance {
        final int n;
        final boolean h2;
        final Depot depot;
        final WorkQueue queue;
        final ReadWriteLock declaration = new ReentrantReadWriteLock(); // its threads switch declarations together
        volatile Schema<String, Acct> schema = V1;
        final List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        final List<ChangeEvent> seenOthers = new CopyOnWriteArrayList<>();

        Instance(int n, String url) {
            this.n = n;
            this.h2 = url.startsWith("h2:");
            this.depot = Depot.open(url, DepotOptions.defaults().origin("inst" + n));
            this.depot.records(V1);
            this.queue = depot.queue(QUEUE, QueueOptions.leaseTimeout(Duration.ofMinutes(10)).maxAttempts(10_000));
        }

        String origin() {
            return depot.origin();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void severalDepotsOnOneDatabaseKeepEveryRuleUnderChurn(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        long started = System.nanoTime();
        Model model = new Model();
        List<Instance> instances = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        try {
            for (int i = 0; i < DEPOTS; i++) {
                instances.add(new Instance(i, url));
            }
            long from = instances.get(0).depot.changes().lastSequence();
            for (Instance in : instances) {
                subs.add(in.depot.changes().subscribe(from, in.seen::add));
            }
            Instance last = instances.get(DEPOTS - 1);
            subs.add(last.depot.changes().subscribe(from, last.seenOthers::add, SubscribeOptions.defaults().withoutOwnWrites()));

            ExecutorService pool = Executors.newFixedThreadPool(2 * DEPOTS);
            List<Future<?>> work = new ArrayList<>();
            for (Instance in : instances) {
                work.add(pool.submit(() -> writer(in, model, new Random(SEED * 31 + in.n))));
                work.add(pool.submit(() -> consumer(in, model, new Random(SEED * 37 + in.n))));
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.MINUTES)).as("workers finished").isTrue();
            for (Future<?> f : work) {
                f.get();
            }
            drain(instances.get(1), model);

            long end = instances.get(0).depot.changes().lastSequence();
            for (Instance in : instances) {
                OutageProbeTest.awaitTrue(() -> lastSeq(in.seen) >= end, "inst" + in.n + "'s subscription reaches " + end);
            }
            long othersExpected = instances.get(0).seen.stream().filter(e -> !e.origin().equals(last.origin())).count();
            OutageProbeTest.awaitTrue(() -> last.seenOthers.size() >= othersExpected, "the subscription without own writes catches up");
            for (Subscription s : subs) {
                s.close();
            }
            List<ChangeEvent> feed = List.copyOf(instances.get(0).seen);
            checkFeed(from, end, instances, feed, model);
            checkVersionsAndAcks(feed, model);
            checkFinalState(instances.get(0), feed, model);
            checkTransactions(instances.get(1), feed, model);
            checkQueue(instances.get(0), model);

            // The older declarations stop; the added index is rebuilt, then equals a filter like every other.
            instances.get(1).depot.close();
            instances.get(2).depot.close();
            JdbcDepots.rebuildIndexes(url, V2);
            checkIndexesAgainstFilter(instances.get(0).depot.records(V2), true, "after the rebuild", model);

            System.out.printf("churn on %s, seed %d, %d ops per thread: %d events, %d transactions, %s, %d ms%n",
                    name, SEED, OPS, feed.size(), model.txs.size(), new TreeMap<>(model.counts),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(model.violations).as("violations (seed %d on %s)", SEED, name).isEmpty();
        } finally {
            for (Subscription s : subs) {
                s.close();
            }
            for (Instance in : instances) {
                in.depot.close();
            }
        }
    }

    // ---- the writers ----

    private static Void writer(Instance in, Model model, Random rnd) {
        int switchAt = in.n == 0 && EVOLVE ? OPS / 2 : -1;
        for (int op = 0; op < OPS; op++) {
            if (op == switchAt) {
                in.declaration.writeLock().lock();
                SCHEMA_CHANGES.incrementAndGet(); // odd while under way
                try {
                    in.depot.records(V2); // while the other depots keep writing with V1
                    SCHEMA_CHANGES.incrementAndGet();
                    in.schema = V2;
                    model.count("declared V2");
                } finally {
                    in.declaration.writeLock().unlock();
                }
            }
            in.declaration.readLock().lock();
            try {
                oneWrite(in, model, rnd);
            } catch (RuntimeException | AssertionError e) {
                model.violation("inst" + in.n + " op " + op + ": unexpected " + e);
                throw e;
            } finally {
                in.declaration.readLock().unlock();
            }
        }
        return null;
    }

    private static final AtomicLong WRITES = new AtomicLong();
    /** How the acknowledged write was made, for the messages. */
    private static final ThreadLocal<String> VIA = ThreadLocal.withInitial(() -> "?");
    static final boolean EVOLVE = Boolean.parseBoolean(System.getProperty("depot.churn.evolve", "true"));

    private static Acct value(Instance in, Random rnd, String key) {
        return new Acct(key, "e" + rnd.nextInt(EMAILS), rnd.nextInt(BUCKETS), "t" + rnd.nextInt(TAGS),
                in.origin() + "#" + WRITES.incrementAndGet());
    }

    private static String key(Random rnd) {
        return "k" + rnd.nextInt(KEYS);
    }

    private static void oneWrite(Instance in, Model model, Random rnd) {
        Records<String, Acct> r = in.depot.records(in.schema);
        String k = key(rnd);
        String o = in.origin();
        int dice = rnd.nextInt(100);
        try {
            if (dice < 12) {
                VIA.set("insert");
                Acct v = value(in, rnd, k);
                long ver = r.insert(v);
                expect(model, ver == 1, "insert of " + k + " answered version " + ver);
                model.acks.add(new Ack(o, k, ChangeEvent.Op.INSERT, ver, v.by()));
                model.count("insert");
            } else if (dice < 32) {
                VIA.set("update@version");
                Optional<Versioned<Acct>> cur = r.getVersioned(k);
                if (cur.isEmpty()) {
                    model.count("update skipped");
                    return;
                }
                Acct v = value(in, rnd, k);
                long ver = r.update(v, cur.get().version());
                expect(model, ver == cur.get().version() + 1, "update of " + k + " at " + cur.get().version() + " answered " + ver);
                model.acks.add(new Ack(o, k, ChangeEvent.Op.UPDATE, ver, v.by()));
                model.count("update@version");
            } else if (dice < 45) {
                VIA.set("save");
                Acct v = value(in, rnd, k);
                long ver = r.save(v);
                model.acks.add(new Ack(o, k, ver == 1 ? ChangeEvent.Op.INSERT : ChangeEvent.Op.UPDATE, ver, v.by()));
                model.count("save");
            } else if (dice < 52) {
                VIA.set("delete");
                if (r.delete(k)) {
                    model.acks.add(new Ack(o, k, ChangeEvent.Op.DELETE, -1, null));
                    model.count("delete");
                }
            } else if (dice < 58) {
                VIA.set("delete@version");
                Optional<Versioned<Acct>> cur = r.getVersioned(k);
                if (cur.isPresent() && r.delete(k, cur.get().version())) {
                    model.acks.add(new Ack(o, k, ChangeEvent.Op.DELETE, cur.get().version(), null));
                    model.count("delete@version");
                }
            } else if (dice < 68) {
                VIA.set("saveAll");
                Set<String> keys = new TreeSet<>();
                int size = 2 + rnd.nextInt(3);
                while (keys.size() < size) {
                    keys.add(key(rnd));
                }
                List<Acct> batch = keys.stream().map(key -> value(in, rnd, key)).toList();
                List<Long> vers = r.saveAll(batch);
                for (int i = 0; i < batch.size(); i++) {
                    long ver = vers.get(i);
                    model.acks.add(new Ack(o, batch.get(i).id(), ver == 1 ? ChangeEvent.Op.INSERT : ChangeEvent.Op.UPDATE, ver, batch.get(i).by()));
                }
                model.count("saveAll");
            } else if (dice < 92) {
                VIA.set("tx");
                transaction(in, model, rnd);
            } else {
                snapshotCheck(in, model);
            }
        } catch (AlreadyExistsException | NotFoundException e) {
            model.count("refused: " + e.getClass().getSimpleName());
        } catch (VersionConflictException e) {
            model.count("refused: version");
        } catch (UniqueConstraintException e) {
            model.count("refused: unique");
        }
    }

    /** Two to four writes, each of them possibly refused (the transaction goes on), then commit. */
    private static void transaction(Instance in, Model model, Random rnd) {
        String o = in.origin();
        long seed = rnd.nextLong();
        List<Ack> writes = new ArrayList<>();
        String[] id = new String[1];
        try {
            in.depot.inTransaction(tx -> {
                writes.clear();
                id[0] = tx.id();
                Random r2 = new Random(seed);
                Records<String, Acct> r = tx.records(in.schema);
                int n = 2 + r2.nextInt(3);
                for (int i = 0; i < n; i++) {
                    String k = key(r2);
                    try {
                        switch (r2.nextInt(5)) {
                            case 0 -> {
                                Acct v = value(in, r2, k);
                                writes.add(new Ack(o, k, ChangeEvent.Op.INSERT, r.insert(v), v.by()));
                            }
                            case 1 -> {
                                Optional<Versioned<Acct>> cur = r.getVersioned(k);
                                if (cur.isPresent()) {
                                    Acct v = value(in, r2, k);
                                    writes.add(new Ack(o, k, ChangeEvent.Op.UPDATE, r.update(v, cur.get().version()), v.by()));
                                }
                            }
                            case 2 -> {
                                if (r.delete(k)) {
                                    writes.add(new Ack(o, k, ChangeEvent.Op.DELETE, -1, null));
                                }
                            }
                            default -> {
                                Acct v = value(in, r2, k);
                                long ver = r.save(v);
                                writes.add(new Ack(o, k, ver == 1 ? ChangeEvent.Op.INSERT : ChangeEvent.Op.UPDATE, ver, v.by()));
                            }
                        }
                    } catch (AlreadyExistsException | NotFoundException | VersionConflictException | UniqueConstraintException e) {
                        model.count("tx write refused");
                    }
                }
                if (r2.nextInt(4) == 0) {
                    String tag = o + "-txp-" + WRITES.incrementAndGet();
                    String dk = r2.nextBoolean() ? "dk" + r2.nextInt(DEDUP_KEYS) : "";
                    Message m = Message.of(tag);
                    tx.queue(QUEUE).produce(dk.isEmpty() ? m : m.dedupKey(dk));
                    writes.add(new Ack(o, tag, null, 0, dk)); // a queue item, not a record write
                }
            });
        } catch (ConflictException e) {
            model.count("tx conflict");
            return;
        } catch (UniqueConstraintException e) {
            model.count("tx unique at commit");
            return;
        }
        List<Ack> records = new ArrayList<>();
        for (Ack w : writes) {
            if (w.op() == null) {
                model.producedTags.put(w.key(), w.by());
                model.count("tx produce");
            } else {
                records.add(w);
            }
        }
        model.acks.addAll(records);
        model.txs.add(new TxAck(id[0], List.copyOf(records)));
        model.count("tx commit");
    }

    /** Schema changes begun and ended (odd while one is under way). */
    private static final AtomicLong SCHEMA_CHANGES = new AtomicLong();

    /**
     * Inside one snapshot: counts, unique values and index queries agree with a filter over the
     * snapshot. A snapshot that reads a table another depot's schema change changed since it began may
     * be refused as a conflict (H2: the copy holds later commits, {@link SchemaChangeGate}; MariaDB: the
     * table is newer than the read view); that is counted, and only then: a conflict of a read-only
     * snapshot that spans no schema change is a violation.
     */
    private static void snapshotCheck(Instance in, Model model) {
        long before = SCHEMA_CHANGES.get();
        Model seen = new Model();
        try {
            in.depot.inTransaction(tx -> checkIndexesAgainstFilter(tx.records(in.schema), false, "inst" + in.n + " snapshot", seen));
        } catch (ConflictException e) {
            boolean spanned = before % 2 == 1 || SCHEMA_CHANGES.get() != before;
            if (spanned) {
                model.count("snapshot across a schema change refused" + (in.h2 ? " (H2)" : ""));
                return;
            }
            model.violation("inst" + in.n + " snapshot: a read-only snapshot refused: " + e.getMessage());
            return;
        }
        model.violations.addAll(seen.violations);
        model.count("snapshot check");
    }

    private static void checkIndexesAgainstFilter(Records<String, Acct> r, boolean withTag, String when, Model model) {
        List<Acct> all = r.query().list();
        expect(model, r.count() == all.size(), when + ": count " + r.count() + " but " + all.size() + " listed");
        Map<String, Long> emails = all.stream().collect(Collectors.groupingBy(Acct::email, Collectors.counting()));
        emails.forEach((e, c) -> expect(model, c == 1, when + ": unique email " + e + " held by " + c + " records"));
        for (int b = 0; b < BUCKETS; b++) {
            int bucket = b;
            compare(model, when + " bucket=" + b, r.query().where(Q.field("bucket").eq(b)).list(), all, a -> a.bucket() == bucket);
        }
        for (int e = 0; e < EMAILS; e += 7) {
            String email = "e" + e;
            compare(model, when + " email=" + email, r.query().where(Q.field("email").eq(email)).list(), all, a -> a.email().equals(email));
        }
        if (withTag) {
            for (int t = 0; t < TAGS; t++) {
                String tag = "t" + t;
                compare(model, when + " tag=" + tag, r.query().where(Q.field("tag").eq(tag)).list(), all, a -> a.tag().equals(tag));
            }
        }
    }

    private static void compare(Model model, String what, List<Acct> got, List<Acct> all, java.util.function.Predicate<Acct> filter) {
        Set<Acct> want = all.stream().filter(filter).collect(Collectors.toSet());
        expect(model, new HashSet<>(got).equals(want) && got.size() == want.size(), what + ": index gave " + got + ", filter " + want);
    }

    // ---- the queue ----

    private static Void consumer(Instance in, Model model, Random rnd) {
        String holder = "inst" + in.n + "-consumer";
        List<Lease> holding = new ArrayList<>();
        for (int op = 0; op < OPS; op++) {
            in.declaration.readLock().lock();
            try {
                oneQueueStep(in, model, rnd, holder, holding);
            } catch (RuntimeException | AssertionError e) {
                model.violation("inst" + in.n + " queue op " + op + ": unexpected " + e);
                throw e;
            } finally {
                in.declaration.readLock().unlock();
            }
        }
        for (Lease l : holding) {
            complete(in, model, List.of(l));
        }
        return null;
    }

    private static void oneQueueStep(Instance in, Model model, Random rnd, String holder, List<Lease> holding) {
        int dice = rnd.nextInt(100);
        if (dice < 30) {
            int n = 1 + rnd.nextInt(4);
            List<Message> batch = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            List<String> dks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String tag = in.origin() + "-p-" + WRITES.incrementAndGet();
                String dk = rnd.nextBoolean() ? "dk" + rnd.nextInt(DEDUP_KEYS) : "";
                tags.add(tag);
                dks.add(dk);
                batch.add(dk.isEmpty() ? Message.of(tag) : Message.of(tag).dedupKey(dk));
            }
            long before = System.nanoTime();
            List<String> ids = n == 1 ? List.of(in.queue.produce(batch.get(0))) : in.queue.produce(batch);
            for (int i = 0; i < n; i++) {
                String id = ids.get(i);
                model.producedTags.put(tags.get(i), dks.get(i));
                model.dedupOfId.putIfAbsent(id, dks.get(i));
                String known = model.autoIds.putIfAbsent(id, dks.get(i)); // (a consumer may have leased it already)
                if (known != null) {
                    expect(model, !dks.get(i).isEmpty() && known.equals(dks.get(i)),
                            "produce with dedup key '" + dks.get(i) + "' answered item " + id + " of key '" + known + "'");
                    Long done = model.completedAt.get(id);
                    expect(model, done == null || done > before, "produce deduplicated onto item " + id + ", completed before it began");
                    model.count("produce deduplicated");
                }
            }
            model.count("produce");
        } else if (dice < 60 || holding.size() > 6) {
            settle(in, model, rnd, holding);
        } else {
            List<Lease> got = in.queue.lease(holder, 1 + rnd.nextInt(4), Duration.ofMillis(5));
            for (Lease l : got) {
                String before = model.held.putIfAbsent(l.id(), holder);
                expect(model, before == null, "item " + l.id() + " leased by " + holder + " while " + before + " held it");
                expect(model, !model.completedAt.containsKey(l.id()), "completed item " + l.id() + " leased again");
                String payload = new String(l.payload(), StandardCharsets.UTF_8);
                String dk = l.dedupKey() == null ? "" : l.dedupKey();
                String knownDk = model.dedupOfId.putIfAbsent(l.id(), dk);
                expect(model, knownDk == null || knownDk.equals(dk), "item " + l.id() + " has dedup key " + dk + ", produce said " + knownDk);
                String knownPayload = model.payloadOfId.putIfAbsent(l.id(), payload);
                expect(model, knownPayload == null || knownPayload.equals(payload), "item " + l.id() + " changed payload");
                if (!dk.isEmpty()) {
                    for (Map.Entry<String, String> h : model.held.entrySet()) {
                        if (!h.getKey().equals(l.id()) && dk.equals(model.dedupOfId.get(h.getKey()))) {
                            model.violation("items " + h.getKey() + " and " + l.id() + " live at once with dedup key " + dk);
                        }
                    }
                }
                holding.add(l);
            }
            model.count("lease");
        }
    }

    private static void settle(Instance in, Model model, Random rnd, List<Lease> holding) {
        if (holding.isEmpty()) {
            return;
        }
        int n = 1 + rnd.nextInt(Math.min(3, holding.size()));
        List<Lease> some = new ArrayList<>(holding.subList(0, n));
        holding.subList(0, n).clear();
        int how = rnd.nextInt(10);
        if (how < 2) {
            for (Lease l : some) {
                model.held.remove(l.id()); // before the retry commits: from then on anyone may lease it
                try {
                    in.queue.retry(l, Duration.ZERO);
                } catch (LeaseExpiredException e) {
                    model.violation("retry of " + l.id() + ": lease expired under a 10 minute timeout");
                }
            }
            model.count("retry");
        } else if (how < 5) {
            // completed together with a record write, in one transaction
            VIA.set("tx+complete");
            String k = key(rnd);
            Acct v = value(in, rnd, k);
            for (Lease l : some) {
                model.held.remove(l.id());
            }
            long ver;
            try {
                ver = in.depot.transact(tx -> {
                    long w = tx.records(in.schema).save(v);
                    tx.queue(QUEUE).complete(some);
                    return w;
                });
            } catch (ConflictException | UniqueConstraintException e) {
                for (Lease l : some) {
                    model.held.put(l.id(), "again");
                }
                holding.addAll(some); // nothing applied: the leases are still current
                model.count("tx complete refused");
                return;
            }
            model.acks.add(new Ack(in.origin(), k, ver == 1 ? ChangeEvent.Op.INSERT : ChangeEvent.Op.UPDATE, ver, v.by()));
            markCompleted(model, some);
            model.count("tx complete");
        } else {
            complete(in, model, some);
        }
    }

    private static void complete(Instance in, Model model, List<Lease> leases) {
        for (Lease l : leases) {
            model.held.remove(l.id());
        }
        if (leases.size() == 1) {
            try {
                in.queue.complete(leases.get(0));
            } catch (LeaseExpiredException e) {
                model.violation("complete of " + leases.get(0).id() + ": lease expired under a 10 minute timeout");
                return;
            }
        } else {
            List<Lease> stale = in.queue.complete(leases).stale();
            expect(model, stale.isEmpty(), "stale completions " + stale);
        }
        markCompleted(model, leases);
        model.count("complete");
    }

    private static void markCompleted(Model model, List<Lease> leases) {
        long now = System.nanoTime();
        for (Lease l : leases) {
            expect(model, model.completedAt.putIfAbsent(l.id(), now) == null, "item " + l.id() + " completed twice");
        }
    }

    /** Leases and completes whatever is left, then the queue is empty. */
    private static void drain(Instance in, Model model) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<Lease> got = in.queue.lease("drainer", 50, Duration.ofMillis(20));
            if (got.isEmpty()) {
                QueueStats s = in.queue.stats();
                if (s.ready() + s.leased() + s.scheduled() == 0) {
                    return;
                }
                continue;
            }
            for (Lease l : got) {
                expect(model, !model.completedAt.containsKey(l.id()), "completed item " + l.id() + " leased again (drain)");
                expect(model, model.held.putIfAbsent(l.id(), "drainer") == null, "item " + l.id() + " still held when drained");
                model.dedupOfId.putIfAbsent(l.id(), l.dedupKey() == null ? "" : l.dedupKey());
                model.payloadOfId.putIfAbsent(l.id(), new String(l.payload(), StandardCharsets.UTF_8));
            }
            complete(in, model, got);
        }
        model.violation("the queue did not drain within 60 s: " + in.queue.stats());
    }

    // ---- the checks ----

    private static void checkFeed(long from, long end, List<Instance> instances, List<ChangeEvent> feed, Model model) {
        for (int i = 0; i < feed.size(); i++) {
            if (feed.get(i).sequence() != from + 1 + i) {
                model.violation("inst0's feed: event " + i + " has sequence " + feed.get(i).sequence() + ", expected " + (from + 1 + i));
                break;
            }
        }
        expect(model, feed.size() == end - from, "inst0 saw " + feed.size() + " events, the feed holds " + (end - from));
        for (Instance in : instances) {
            expect(model, in.seen.equals(feed), "inst" + in.n + " saw another feed than inst0: " + firstDifference(in.seen, feed));
        }
        Instance last = instances.get(instances.size() - 1);
        List<ChangeEvent> others = feed.stream().filter(e -> !e.origin().equals(last.origin())).toList();
        expect(model, last.seenOthers.equals(others), "the subscription without own writes: " + firstDifference(last.seenOthers, others));
        expect(model, feed.stream().allMatch(e -> e.collection().equals(COLLECTION)), "events of other collections");
        Set<String> origins = feed.stream().map(ChangeEvent::origin).collect(Collectors.toSet());
        expect(model, origins.size() == instances.size(), "events of every depot: " + origins);
    }

    private static String firstDifference(List<ChangeEvent> a, List<ChangeEvent> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "at " + i + ": " + a.get(i) + " vs " + b.get(i);
            }
        }
        return "sizes " + a.size() + " vs " + b.size();
    }

    private static void checkVersionsAndAcks(List<ChangeEvent> feed, Model model) {
        Map<String, Long> version = new HashMap<>(); // present keys
        Map<String, List<ChangeEvent>> history = new HashMap<>();
        for (ChangeEvent e : feed) {
            Long before = version.get(e.key());
            List<ChangeEvent> h = history.computeIfAbsent(e.key(), k -> new ArrayList<>());
            h.add(e);
            int bad = model.violations.size();
            switch (e.op()) {
                case INSERT -> {
                    expect(model, before == null && e.version() == 1, "insert " + e + " after version " + before);
                    version.put(e.key(), e.version());
                }
                case UPDATE -> {
                    expect(model, before != null && e.version() == before + 1, "update " + e + " after version " + before);
                    version.put(e.key(), e.version());
                }
                case DELETE -> {
                    expect(model, before != null && e.version() == before, "delete " + e + " of version " + before);
                    version.remove(e.key());
                }
            }
            if (model.violations.size() > bad) {
                List<Ack> acked = model.acks.stream().filter(a -> a.key().equals(e.key())).toList();
                model.violation("  the key's events so far " + h.subList(Math.max(0, h.size() - 4), h.size()) + "; acknowledged writes " + acked);
            }
        }
        Map<List<Object>, Long> fromFeed = feed.stream()
                .collect(Collectors.groupingBy(e -> List.of(e.origin(), e.key(), e.op()), Collectors.counting()));
        Map<List<Object>, Long> fromAcks = model.acks.stream().collect(Collectors.groupingBy(Ack::shape, Collectors.counting()));
        if (!fromFeed.equals(fromAcks)) {
            Set<List<Object>> all = new HashSet<>(fromFeed.keySet());
            all.addAll(fromAcks.keySet());
            List<String> diffs = all.stream().filter(s -> !fromFeed.getOrDefault(s, 0L).equals(fromAcks.getOrDefault(s, 0L)))
                    .limit(10).map(s -> s + ": feed " + fromFeed.getOrDefault(s, 0L) + ", acknowledged " + fromAcks.getOrDefault(s, 0L))
                    .toList();
            model.violation("the feed's writes are not the acknowledged ones: " + diffs);
        }
        Map<List<Object>, Long> versioned = feed.stream()
                .collect(Collectors.groupingBy(e -> List.of(e.origin(), e.key(), e.op(), e.version()), Collectors.counting()));
        Map<List<Object>, Long> ackedVersions = model.acks.stream().filter(a -> a.version() >= 0)
                .collect(Collectors.groupingBy(Ack::versioned, Collectors.counting()));
        ackedVersions.forEach((v, c) -> expect(model, versioned.getOrDefault(v, 0L) >= c,
                "acknowledged " + c + " × " + v + ", the feed has " + versioned.getOrDefault(v, 0L)));
    }

    private static void checkFinalState(Instance in, List<ChangeEvent> feed, Model model) {
        Map<String, ChangeEvent> lastOf = new LinkedHashMap<>();
        for (ChangeEvent e : feed) {
            lastOf.put(e.key(), e);
        }
        Map<String, Ack> byTag = model.acks.stream().filter(a -> a.by() != null).collect(Collectors.toMap(Ack::by, Function.identity()));
        Records<String, Acct> r = in.depot.records(in.schema);
        for (int i = 0; i < KEYS; i++) {
            String k = "k" + i;
            Optional<Versioned<Acct>> got = r.getVersioned(k);
            ChangeEvent e = lastOf.get(k);
            boolean live = e != null && e.op() != ChangeEvent.Op.DELETE;
            expect(model, got.isPresent() == live, k + ": stored " + got + ", the feed's last event " + e);
            if (got.isPresent() && live) {
                expect(model, got.get().version() == e.version(), k + ": stored version " + got.get().version() + ", feed " + e);
                Ack a = byTag.get(got.get().value().by());
                expect(model, a != null && a.key().equals(k) && a.version() == e.version() && a.origin().equals(e.origin()),
                        k + ": stored value by " + got.get().value().by() + " is not the acknowledged write " + a + " the feed ends with " + e);
            }
        }
        List<Acct> all = r.query().list();
        expect(model, all.stream().map(Acct::email).distinct().count() == all.size(), "unique emails at the end");
    }

    private static void checkTransactions(Instance in, List<ChangeEvent> feed, Model model) {
        long first = feed.isEmpty() ? 0 : feed.get(0).sequence();
        List<TxAck> withWrites = model.txs.stream().filter(t -> !t.writes().isEmpty()).toList();
        int step = Math.max(1, withWrites.size() / 40);
        for (int i = 0; i < withWrites.size(); i += step) {
            TxAck t = withWrites.get(i);
            CommitOutcome o = in.depot.commitOutcome(t.id());
            if (o.status() != CommitOutcome.Status.COMMITTED) {
                model.violation("transaction " + t.id() + " acknowledged, commitOutcome says " + o);
                continue;
            }
            List<ChangeEvent> events = feed.subList((int) (o.firstSequence() - first), (int) (o.lastSequence() - first + 1));
            List<List<Object>> got = events.stream().map(e -> List.<Object>of(e.origin(), e.key(), e.op())).toList();
            List<List<Object>> want = t.writes().stream().map(Ack::shape).toList();
            expect(model, got.equals(want), "transaction " + t.id() + ": its events " + events + ", its writes " + t.writes());
            model.count("commitOutcome checked");
        }
    }

    private static void checkQueue(Instance in, Model model) {
        QueueStats s = in.queue.stats();
        expect(model, s.ready() + s.leased() + s.scheduled() + s.dead() == 0, "queue not empty at the end: " + s);
        expect(model, model.held.isEmpty(), "items still held: " + model.held);
        for (String id : model.autoIds.keySet()) {
            expect(model, model.completedAt.containsKey(id), "produced item " + id + " never completed");
        }
        expect(model, model.completedAt.keySet().equals(model.payloadOfId.keySet()), "completed items are the leased ones");
        Set<String> completedTags = new HashSet<>(model.payloadOfId.values());
        Set<String> completedDedup = model.completedAt.keySet().stream().map(model.dedupOfId::get).collect(Collectors.toSet());
        for (String tag : model.payloadOfId.values()) {
            expect(model, model.producedTags.containsKey(tag), "an item with payload " + tag + " that no acknowledged produce made");
        }
        model.producedTags.forEach((tag, dk) -> expect(model, completedTags.contains(tag) || (!dk.isEmpty() && completedDedup.contains(dk)),
                "acknowledged produce " + tag + " (dedup key '" + dk + "') was never delivered"));
        for (String tag : completedTags) {
            expect(model, Collections.frequency(List.copyOf(model.payloadOfId.values()), tag) == 1, "payload " + tag + " delivered as two items");
        }
    }

    private static long lastSeq(List<ChangeEvent> seen) {
        return seen.isEmpty() ? Long.MIN_VALUE : seen.get(seen.size() - 1).sequence();
    }

    private static void expect(Model model, boolean ok, String what) {
        if (!ok) {
            model.violation(what);
        }
    }
}
