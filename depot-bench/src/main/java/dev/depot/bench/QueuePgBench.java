package dev.depot.bench;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.WorkQueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A work queue on PostgreSQL: {@value #ITEMS} items produced by {@code pairs} producer threads and
 * leased and completed by {@code pairs} consumer threads, in batches of {@code batch}; the score is
 * items per second through the whole produce-lease-complete path. {@code pairs=4} against
 * {@code pairs=1} is the "4+4 faster than 1+1" ratio. The anchor {@link #plainSkipLocked} does the
 * same with hand-written JDBC: a bare table claimed by {@code UPDATE ... FOR UPDATE SKIP LOCKED
 * RETURNING} and deleted by id, one connection per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
public class QueuePgBench {
    static final int ITEMS = 2_000;

    @Param({"1", "4"})
    public int pairs;

    @Param({"10"})
    public int batch;

    Depot depot;
    WorkQueue queue;
    ExecutorService threads;
    final List<Connection> conns = new ArrayList<>();

    @Setup(Level.Trial)
    public void open() throws SQLException {
        depot = Depot.open(DepotPgBench.URL);
        queue = depot.queue("bench_work", QueueOptions.leaseTimeout(Duration.ofMinutes(1)));
        queue.clear();
        threads = Executors.newFixedThreadPool(2 * pairs);
        for (int i = 0; i < 2 * pairs; i++) {
            conns.add(PgJdbcBench.connect());
        }
        try (Statement s = conns.getFirst().createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_anchor_queue");
            s.execute("CREATE TABLE bench_anchor_queue (id BIGSERIAL PRIMARY KEY, payload BYTEA NOT NULL, leased_until BIGINT)");
            s.execute("CREATE INDEX bench_anchor_queue_ready ON bench_anchor_queue (id) WHERE leased_until IS NULL");
        }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        threads.shutdownNow();
        depot.close();
        dev.depot.jdbc.JdbcDepots.drop(DepotPgBench.URL); // the depot's tables (prefix bench_), nothing else
        try (Statement s = conns.getFirst().createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_anchor_queue");
        }
        for (Connection c : conns) {
            c.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int depotQueue() throws Exception {
        AtomicInteger done = new AtomicInteger();
        return run(p -> {
            for (int made = 0; made < ITEMS / pairs; made += batch) {
                List<Message> ms = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    ms.add(Message.of("job " + p + ":" + (made + i)));
                }
                queue.produce(ms);
            }
        }, c -> {
            while (done.get() < ITEMS) {
                List<Lease> got = queue.lease(batch, Duration.ofMillis(20));
                if (!got.isEmpty()) {
                    queue.complete(got);
                    done.addAndGet(got.size());
                }
            }
        }, done);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public int plainSkipLocked() throws Exception {
        AtomicInteger done = new AtomicInteger();
        return run(p -> {
            Connection c = conns.get(p);
            c.setAutoCommit(true);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO bench_anchor_queue (payload) VALUES (?)")) {
                for (int made = 0; made < ITEMS / pairs; made += batch) {
                    for (int i = 0; i < batch; i++) {
                        ins.setBytes(1, ("job " + p + ":" + (made + i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        ins.addBatch();
                    }
                    ins.executeBatch();
                }
            }
        }, n -> {
            Connection c = conns.get(pairs + n);
            c.setAutoCommit(true);
            try (PreparedStatement claim = c.prepareStatement("UPDATE bench_anchor_queue SET leased_until = ? WHERE id IN "
                    + "(SELECT id FROM bench_anchor_queue WHERE leased_until IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) "
                    + "RETURNING id, payload");
                    PreparedStatement delete = c.prepareStatement("DELETE FROM bench_anchor_queue WHERE id = ANY (?)")) {
                while (done.get() < ITEMS) {
                    claim.setLong(1, System.currentTimeMillis() + 60_000);
                    claim.setInt(2, batch);
                    List<Long> ids = new ArrayList<>(batch);
                    try (ResultSet rs = claim.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                            rs.getBytes(2);
                        }
                    }
                    if (ids.isEmpty()) {
                        Thread.sleep(1); // nothing yet: the producers are behind
                        continue;
                    }
                    delete.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    delete.executeUpdate();
                    done.addAndGet(ids.size());
                }
            }
        }, done);
    }

    interface Part {
        void run(int n) throws Exception;
    }

    private int run(Part producer, Part consumer, AtomicInteger done) throws Exception {
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            int n = i;
            fs.add(threads.submit(() -> {
                producer.run(n);
                return null;
            }));
            fs.add(threads.submit(() -> {
                consumer.run(n);
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        return done.get();
    }
}
