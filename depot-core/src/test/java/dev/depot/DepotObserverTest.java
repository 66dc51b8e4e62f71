package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.DepotObserver.Operation;
import dev.depot.DepotObserver.Outcome;
import dev.depot.spi.Backend;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.Session;
import dev.depot.spi.StoredRecord;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DepotObserverTest {
    record Item(String id, String name, long rank) {}

    static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class)
            .key(Item::id)
            .uniqueIndex("name", String.class, Item::name)
            .index("rank", Long.class, Item::rank)
            .build();

    /** What the depot reported, with the reporting thread. */
    static final class Recorder implements DepotObserver {
        record Call(String collection, Operation operation, Outcome outcome, long nanos, Thread thread) {}

        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> retries = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void operationFinished(String collection, Operation operation, Outcome outcome, long durationNanos) {
            calls.add(new Call(collection, operation, outcome, durationNanos, Thread.currentThread()));
        }

        @Override
        public void transactionRetried(int retry) {
            retries.add(retry);
        }

        List<String> summary() {
            return calls.stream().map(c -> c.collection() + " " + c.operation().label() + " " + c.outcome().label()).toList();
        }

        void reset() {
            calls.clear();
            retries.clear();
        }
    }

    @Test
    void anObservedDepotStillServesEveryShape() {
        try (Depot depot = Depot.open("memory:", DepotOptions.defaults().observer(new Recorder()))) {
            depot.blobs("files").put("a/b.txt", new byte[] {1, 2, 3});
            assertThat(depot.blobs("files").get("a/b.txt")).containsExactly(1, 2, 3);

            String[] id = new String[1];
            depot.transact(tx -> {
                id[0] = tx.id();
                tx.records(ITEMS).save(new Item("k1", "ann", 1));
                tx.queue("jobs").produce(Message.of("hello"));
                return null;
            });
            assertThat(depot.commitOutcome(id[0]).committed()).isTrue(); // the commit id got through
            List<Lease> leases = depot.queue("jobs").lease(10, java.time.Duration.ZERO);
            assertThat(leases).hasSize(1);
            depot.queue("jobs").complete(leases.get(0));
            assertThat(depot.queue("jobs").stats().ready()).isZero();
        }
    }

    @Test
    void reportsEveryRecordOperationWithItsOutcome() {
        Recorder rec = new Recorder();
        try (Depot depot = Depot.open("memory:", DepotOptions.defaults().observer(rec))) {
            Records<String, Item> items = depot.records(ITEMS);
            items.insert(new Item("k1", "ann", 1));
            assertThatThrownBy(() -> items.insert(new Item("k1", "bob", 2))).isInstanceOf(AlreadyExistsException.class);
            assertThatThrownBy(() -> items.insert(new Item("k2", "ann", 2))).isInstanceOf(UniqueConstraintException.class);
            assertThatThrownBy(() -> items.update(new Item("k1", "ann", 3), 7)).isInstanceOf(VersionConflictException.class);
            assertThatThrownBy(() -> items.update(new Item("zz", "zed", 3))).isInstanceOf(NotFoundException.class);
            items.get("k1");
            items.get("nope");
            items.getAll(List.of("k1", "nope"));
            items.saveAll(List.of(new Item("k3", "cy", 3), new Item("k4", "di", 4)));
            items.query().where(Q.field("rank").ge(2)).page();
            items.query().count();
            items.delete("k4");
            items.delete("k4");
            items.clear();

            assertThat(rec.summary()).containsExactly(
                    "items write ok",
                    "items write already-exists",
                    "items write unique",
                    "items write version-conflict",
                    "items write not-found",
                    "items get ok",
                    "items get not-found",
                    "items getAll ok",
                    "items writeAll ok",
                    "items query ok",
                    "items count ok",
                    "items delete ok",
                    "items delete not-found",
                    "items clear ok");
            assertThat(rec.calls).allSatisfy(c -> {
                assertThat(c.thread()).isSameAs(Thread.currentThread());
                assertThat(c.nanos()).isNotNegative();
            });
        }
    }

    @Test
    void reportsTransactionCallsThenOneCommit() {
        Recorder rec = new Recorder();
        try (Depot depot = Depot.open("memory:", DepotOptions.defaults().observer(rec))) {
            depot.records(ITEMS);
            depot.transact(tx -> {
                Records<String, Item> items = tx.records(ITEMS);
                items.insert(new Item("k1", "ann", 1));
                return items.get("k1");
            });
            assertThat(rec.summary()).containsExactly("items write ok", "items get ok", " commit ok");
        }
    }

    @Test
    void reportsTheLostRaceAndEachRetryButNeverAKey() {
        Recorder rec = new Recorder();
        try (Depot depot = Depot.open("memory:", DepotOptions.defaults().observer(rec))) {
            Records<String, Item> outside = depot.records(ITEMS);
            outside.insert(new Item("secret-key-1", "ann", 1));
            rec.reset();
            AtomicInteger attempts = new AtomicInteger();
            depot.transact(Retry.onConflict(2), tx -> {
                Records<String, Item> items = tx.records(ITEMS);
                Item it = items.get("secret-key-1").orElseThrow();
                items.update(new Item(it.id(), it.name(), it.rank() + 1));
                if (attempts.incrementAndGet() == 1) {
                    outside.update(new Item(it.id(), it.name(), 100)); // commits first: this attempt loses
                }
                return null;
            });
            assertThat(rec.retries).containsExactly(1);
            assertThat(rec.summary()).containsExactly(
                    "items get ok", "items write ok", "items write ok", " commit conflict",
                    "items get ok", "items write ok", " commit ok");
            Set<String> collections = rec.calls.stream().map(Recorder.Call::collection).collect(Collectors.toSet());
            assertThat(collections).containsOnly("items", "");
        }
    }

    @Test
    void doesNotRetryWhenRetryIsExhausted() {
        Recorder rec = new Recorder();
        try (Depot depot = Depot.open("memory:", DepotOptions.defaults().observer(rec))) {
            Records<String, Item> outside = depot.records(ITEMS);
            outside.insert(new Item("k", "ann", 1));
            assertThatThrownBy(() -> depot.transact(tx -> {
                tx.records(ITEMS).save(new Item("k", "ann", 2));
                outside.save(new Item("k", "ann", 3));
                return null;
            })).isInstanceOf(ConflictException.class);
            assertThat(rec.retries).isEmpty();
            assertThat(rec.summary()).endsWith(" commit conflict");
        }
    }

    @Test
    void aThrowingObserverChangesNoResult() {
        DepotObserver broken = new DepotObserver() {
            @Override
            public void operationFinished(String c, Operation o, Outcome r, long n) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void transactionRetried(int retry) {
                throw new IllegalStateException("observer bug");
            }
        };
        try (Depot depot = Depot.open("memory:", DepotOptions.defaults().observer(broken))) {
            Records<String, Item> items = depot.records(ITEMS);
            assertThat(items.insert(new Item("k", "ann", 1))).isEqualTo(1);
            assertThatThrownBy(() -> items.insert(new Item("k", "ann", 1))).isInstanceOf(AlreadyExistsException.class);
            assertThat(items.get("k")).isPresent();
            AtomicInteger attempts = new AtomicInteger();
            String result = depot.transact(Retry.onConflict(1), tx -> {
                tx.records(ITEMS).save(new Item("k", "ann", 2));
                if (attempts.incrementAndGet() == 1) {
                    items.save(new Item("k", "ann", 3));
                }
                return "done";
            });
            assertThat(result).isEqualTo("done");
            assertThat(attempts).hasValue(2);
        }
    }

    @Test
    void withoutAnObserverTheBackendIsNotWrapped() {
        Backend backend = new dev.depot.memory.MemoryBackendProvider().open(dev.depot.spi.DepotUrl.parse("memory:"), DepotOptions.defaults());
        try {
            assertThat(DepotOptions.defaults().observer()).isSameAs(DepotObserver.NONE);
            assertThat(ObservedBackend.wrap(backend, DepotObserver.NONE)).isSameAs(backend);
            Backend observed = ObservedBackend.wrap(backend, new Recorder());
            assertThat(observed).isNotSameAs(backend);
            assertThat(observed.autoCommit()).as("the shared auto-commit session is wrapped once")
                    .isSameAs(observed.autoCommit());
            assertThat(observed.begin()).isNotSameAs(observed.begin());
            assertThat(GuardedObserver.of(DepotObserver.NONE)).isSameAs(DepotObserver.NONE);
        } finally {
            backend.close();
        }
    }

    @Test
    void mapsBackendFailuresToOutcomes() {
        Recorder rec = new Recorder();
        CollectionSpec spec = ITEMS.spec();
        Session failing = new FailingSession(Map.of(
                "get", new BackendUnavailableException("connection refused", new RuntimeException()),
                "count", new IllegalStateException("boom")));
        ObservedSession session = new ObservedSession(failing, rec);
        assertThatThrownBy(() -> session.get(spec, "k")).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> session.count(spec, DefaultQuery.ALL)).isInstanceOf(IllegalStateException.class);
        assertThat(rec.summary()).containsExactly("items get unavailable", "items count error");
    }

    @Test
    void rejectsANullObserver() {
        assertThatThrownBy(() -> DepotOptions.defaults().observer(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("observer");
    }

    /** Throws the given exception from the named call; unused calls are unsupported. */
    private record FailingSession(Map<String, RuntimeException> failures) implements Session {
        private <T> T fail(String call) {
            throw failures.getOrDefault(call, new UnsupportedOperationException(call));
        }

        @Override
        public StoredRecord get(CollectionSpec c, Object key) {
            return fail("get");
        }

        @Override
        public List<StoredRecord> getAll(CollectionSpec c, List<Object> keys) {
            return fail("getAll");
        }

        @Override
        public WriteResult write(CollectionSpec c, Write write) {
            return fail("write");
        }

        @Override
        public List<WriteResult> writeAll(CollectionSpec c, List<Write> writes) {
            return fail("writeAll");
        }

        @Override
        public WriteResult delete(CollectionSpec c, Object key, long expectedVersion) {
            return fail("delete");
        }

        @Override
        public List<StoredRecord> query(CollectionSpec c, QueryPlan plan) {
            return fail("query");
        }

        @Override
        public long count(CollectionSpec c, QueryPlan plan) {
            return fail("count");
        }

        @Override
        public void commit() {
            fail("commit");
        }

        @Override
        public void rollback() {}
    }
}
