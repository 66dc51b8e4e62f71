package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Snapshot registration races (the {@code MemoryChurnTest} failure where one transaction's
 * {@code count()} and {@code list()} disagreed): a snapshot registering while another snapshot of
 * the same sequence closes must end up registered, or pruning cuts the versions it reads and its
 * reads stop being repeatable. The interleaving is forced through {@link Commits#registering}.
 */
class MemorySnapshotTest {
    record Row(String id, long v) {}

    static final Schema<String, Row> ROWS = Schema.of("snapshots", String.class, Row.class)
            .key(Row::id)
            .index("v", Long.class, Row::v)
            .build();

    Depot depot;
    Records<String, Row> rows;
    MemoryStore store;

    @BeforeEach
    void open() {
        depot = Depot.open("memory:snapshot-test");
        rows = depot.records(ROWS);
        store = MemoryStores.peek("snapshot-test");
        for (int i = 0; i < 5; i++) {
            rows.insert(new Row("k" + i, i));
        }
    }

    @AfterEach
    void close() {
        store.commits.registering = () -> {};
        depot.close();
    }

    /** Closes {@code other} once, at the next registration, between its read of the sequence and its end. */
    private void closeWhileTheNextRegisters(long other) {
        AtomicBoolean armed = new AtomicBoolean(true);
        store.commits.registering = () -> {
            if (armed.getAndSet(false)) {
                store.closeSnapshot(other);
            }
        };
    }

    @Test
    void aSnapshotRegisteringWhileAnotherOfItsSequenceClosesStaysRegistered() {
        Commits commits = store.commits;
        long other = commits.openSnapshot();
        closeWhileTheNextRegisters(other);

        long mine = commits.openSnapshot();

        assertThat(mine).isEqualTo(other); // no commit in between: the same sequence
        assertThat(commits.snapshots()).containsExactly(mine);
        assertThat(commits.openSnapshots()).isEqualTo(1);
        commits.closeSnapshot(mine);
        assertThat(commits.snapshots()).isEmpty();
        assertThat(commits.openSnapshots()).isZero();
    }

    @Test
    void readsStayRepeatableWhenAnotherSnapshotOfTheSameSequenceClosesAsTheTransactionRegisters() {
        long other = store.commits.openSnapshot();
        closeWhileTheNextRegisters(other);

        depot.transact(tx -> {
            Records<String, Row> r = tx.records(ROWS);
            List<Row> first = r.query().list(); // registers the snapshot; the other one closes meanwhile
            assertThat(first).hasSize(5);

            // Committed after the snapshot: pruning may cut only what no registered snapshot sees.
            rows.delete("k1");
            rows.save(new Row("k2", 20));

            assertThat(r.query().list()).as("list again").isEqualTo(first);
            assertThat(r.count()).as("count").isEqualTo(first.size());
            assertThat(r.get("k1")).as("a deleted key").contains(new Row("k1", 1));
            assertThat(r.query().where(Q.field("v").eq(2L)).list()).as("by the old value").containsExactly(new Row("k2", 2));
            return null;
        });
        assertThat(store.commits.openSnapshots()).isZero();
        assertThat(rows.query().list()).containsExactly(new Row("k0", 0), new Row("k2", 20), new Row("k3", 3), new Row("k4", 4));
    }
}
