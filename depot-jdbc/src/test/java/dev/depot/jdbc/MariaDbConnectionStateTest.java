package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.AlreadyExistsException;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.LeaseExpiredException;
import dev.depot.Message;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import dev.depot.VersionConflictException;
import dev.depot.WorkQueue;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On MariaDB, Depot's own pool runs write transactions as statements ({@code SET autocommit = 0}
 * ... {@code COMMIT; SET autocommit = 1}), out of JDBC's sight: every way a write can end — commit,
 * refused precondition, unique violation, a failing or rolled-back transaction, a stale lease —
 * must give the pool its connection back in auto-commit with no transaction open. One left out of
 * auto-commit would hold the next borrower's reads in a transaction and leave its writes
 * uncommitted. A pool of one connection, inspected after each step.
 */
class MariaDbConnectionStateTest {
    record Member(String id, String email, long score) {}

    private static final Schema<String, Member> MEMBERS = Schema.of("members", String.class, Member.class)
            .key(Member::id)
            .uniqueIndex("email", String.class, Member::email)
            .index("score", Long.class, Member::score)
            .build();

    private static final String PREFIX = "cst_";
    private String server;
    private Depot depot;
    private DataSource pool;

    @BeforeEach
    void open() {
        server = TestDatabases.mariadb();
        AtomicReference<DataSource> own = new AtomicReference<>();
        depot = JdbcDepots.open(TestDatabases.fresh(server, PREFIX) + "&poolSize=1", DepotOptions.defaults(), own::set);
        pool = own.get();
    }

    @AfterEach
    void close() {
        depot.close();
        TestDatabases.dropTables(server, PREFIX);
    }

    @Test
    void everyEndOfAWriteLeavesTheConnectionInAutoCommit() throws SQLException {
        Records<String, Member> members = depot.records(MEMBERS);
        members.insert(new Member("a", "a@x", 1));
        assertIdle("after a commit");

        assertThatThrownBy(() -> members.insert(new Member("a", "other@x", 2))).isInstanceOf(AlreadyExistsException.class);
        assertIdle("after an insert of an existing key");

        assertThatThrownBy(() -> members.insert(new Member("b", "a@x", 2))).isInstanceOf(UniqueConstraintException.class);
        assertIdle("after a unique violation");

        assertThatThrownBy(() -> members.update(new Member("a", "a@x", 5), 7)).isInstanceOf(VersionConflictException.class);
        assertIdle("after a version conflict");

        assertThatThrownBy(() -> depot.transact(tx -> {
            tx.records(MEMBERS).insert(new Member("c", "c@x", 3));
            throw new IllegalStateException("the work failed");
        })).isInstanceOf(IllegalStateException.class);
        assertIdle("after a transaction whose work threw");

        depot.transact(tx -> {
            tx.records(MEMBERS).insert(new Member("d", "d@x", 4));
            tx.setRollbackOnly();
            return null;
        });
        assertIdle("after a rollback-only transaction");

        WorkQueue jobs = depot.queue("jobs");
        jobs.produce(List.of(Message.of("one".getBytes()), Message.of("two".getBytes())));
        List<Lease> leases = jobs.lease(2, Duration.ZERO);
        assertThat(jobs.complete(leases).applied()).hasSize(2);
        assertThat(jobs.complete(leases).stale()).hasSize(2);
        assertThatThrownBy(() -> jobs.extend(leases.get(0), Duration.ofSeconds(1))).isInstanceOf(LeaseExpiredException.class);
        assertIdle("after queue work and stale settlements");

        depot.blobs("files").put("a/b.txt", "hello".getBytes());
        assertIdle("after a blob write");

        assertThat(members.query().list()).extracting(Member::id).containsExactly("a");
        assertThat(depot.changes().lastSequence()).isPositive();
        assertIdle("after reads");
    }

    /** The pool's one connection: auto-commit on, no transaction open. */
    private void assertIdle(String when) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@autocommit, @@in_transaction")) {
            rs.next();
            assertThat(rs.getInt(1)).as("autocommit " + when).isEqualTo(1);
            assertThat(rs.getInt(2)).as("a transaction open " + when).isZero();
        }
    }
}
