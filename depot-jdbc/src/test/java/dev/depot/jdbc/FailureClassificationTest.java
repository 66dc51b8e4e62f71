package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Failures are classified through the whole chain (causes and next exceptions), the same for every dialect. */
class FailureClassificationTest {
    private static final List<Dialect> ALL = List.of(new PostgresDialect(), new MariaDbDialect(), new H2Dialect(), new SqliteDialect());

    private static BatchUpdateException batch(Throwable cause) {
        return new BatchUpdateException("batch failed", null, 0, new int[0], cause);
    }

    @Test
    void aLostConnectionAnywhereInTheChainIsUnavailable() {
        BatchUpdateException next = batch(null);
        next.setNextException(new SQLException("I/O error", "08006"));
        List<SQLException> lost = List.of(
                batch(new SQLNonTransientConnectionException("socket error")), // MariaDB's batch cut, no SQLSTATE
                next,
                new SQLException("wrapped", null, 0, new SocketException("Connection reset")),
                new SQLException("wrapped", null, 0, new EOFException()),
                new SQLException("terminating connection due to administrator command", "57P01"),
                new SQLException("no state", null, 0, new SQLException("connection refused", "08001")));
        for (Dialect d : ALL) {
            for (SQLException e : lost) {
                assertThat(d.classify(e)).as(d.name() + ": " + Dialect.chain(e)).isEqualTo(Dialect.Failure.UNAVAILABLE);
            }
        }
    }

    @Test
    void timeoutsAreTimeoutsWhereverTheyShow() {
        for (Dialect d : ALL) {
            assertThat(d.classify(new SQLException("I/O error", "08006", 0, new SocketTimeoutException("Read timed out"))))
                    .as(d.name()).isEqualTo(Dialect.Failure.TIMEOUT);
            assertThat(d.classify(new SQLTimeoutException("timed out"))).isEqualTo(Dialect.Failure.TIMEOUT);
            assertThat(d.classify(new SQLException("canceling statement due to statement timeout", "57014"))).isEqualTo(Dialect.Failure.TIMEOUT);
        }
        assertThat(new MariaDbDialect().classify(new SQLException("max_statement_time exceeded", "70100", 1969)))
                .isEqualTo(Dialect.Failure.TIMEOUT);
    }

    @Test
    void aFullDiskIsFullOnEveryDialectAndWinsOverTheIoErrorThatCarriesIt() {
        for (Dialect d : ALL) {
            // H2's file write failing, wrapped twice; an I/O error is otherwise a lost connection
            SQLException h2 = new SQLException("General error", "HY000", 50000,
                    new IllegalStateException("Writing to channel failed", new java.io.IOException("No space left on device")));
            assertThat(d.classify(h2)).as(d.name()).isEqualTo(Dialect.Failure.FULL);
            assertThat(d.classify(new SQLException("could not extend file", "53100"))).as(d.name()).isEqualTo(Dialect.Failure.FULL);
        }
        assertThat(new MariaDbDialect().classify(new SQLException("Disk full (/tmp/x); waiting", "HY000", 1021)))
                .isEqualTo(Dialect.Failure.FULL);
        assertThat(new MariaDbDialect().classify(new SQLException("The table 't' is full", "HY000", 1114)))
                .isEqualTo(Dialect.Failure.FULL);
        assertThat(new MariaDbDialect().classify(new SQLException("Got error 28 \"No space left on device\" from storage engine",
                "HY000", 1030))).isEqualTo(Dialect.Failure.FULL);
        assertThat(new MariaDbDialect().classify(new SQLException("Got error 12 \"Out of memory\" from storage engine", "HY000", 1030)))
                .isEqualTo(Dialect.Failure.OTHER);
        assertThat(new H2Dialect().classify(new SQLException("No space available on the disk", "90100", 90100)))
                .isEqualTo(Dialect.Failure.FULL);
        assertThat(new SqliteDialect().classify(new SQLException("[SQLITE_FULL] database or disk is full", null, 13)))
                .isEqualTo(Dialect.Failure.FULL);
        RuntimeException mapped = new SqlFailures(new SqliteDialect(), "sqlite:/srv/app.db", () -> { })
                .map(new SQLException("[SQLITE_FULL] database or disk is full", null, 13), "writing to collection 'docs'");
        assertThat(mapped).isInstanceOf(BackendUnavailableException.class)
                .hasMessage("no space while writing to collection 'docs' (sqlite:/srv/app.db, sqlite, SQLSTATE none): the disk"
                        + " is full; free space and retry (the depot works again by itself)");
    }

    @Test
    void aBatchsRealFailureIsFoundInItsNextException() {
        BatchUpdateException e = batch(null);
        e.setNextException(new SQLException("duplicate key", "23505", 1062));
        for (Dialect d : ALL) {
            assertThat(d.classify(e)).as(d.name()).isEqualTo(Dialect.Failure.UNIQUE);
        }
        assertThat(new PostgresDialect().classify(new SQLException("syntax", "42601"))).isEqualTo(Dialect.Failure.OTHER);
    }

    @Test
    void unavailableFailuresEvictAndNameTheStateFoundInTheChain() {
        AtomicInteger evicted = new AtomicInteger();
        SqlFailures f = new SqlFailures(new MariaDbDialect(), "mariadb://root:***@db/test", evicted::incrementAndGet);
        RuntimeException r = f.map(batch(new SQLNonTransientConnectionException("socket error", "08000")), "writing to collection 'x'");
        assertThat(r).isInstanceOf(BackendUnavailableException.class).hasMessageContaining("SQLSTATE 08000");
        assertThat(evicted).hasValue(1);
    }

    @Test
    void aCallCutOffByCloseIsTheCallersMisuse() {
        SqlFailures f = new SqlFailures(new H2Dialect(), "h2:mem:x", () -> { }, () -> true);
        assertThat(f.map(new SQLException("closed", "08003"), "reading")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
