package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An {@code h2:mem:} database is dropped, memory and all, when the last depot on it closes. */
class H2MemoryReleaseTest {
    record Doc(String id, String body) {}

    private static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id).build();

    @Test
    void databasesDoNotOutliveTheirDepotsOverManyCycles() {
        for (int i = 0; i < 25; i++) {
            JdbcSettings named = JdbcSettings.parse(DepotUrl.parse("h2:mem:cycle-" + i), DepotOptions.defaults());
            try (Depot depot = Depot.open("h2:mem:cycle-" + i)) {
                List<Doc> docs = new ArrayList<>();
                for (int j = 0; j < 50; j++) {
                    docs.add(new Doc("d" + j, "x".repeat(1_000)));
                }
                depot.records(DOCS).saveAll(docs);
                assertThat(exists(named.jdbcUrl())).isTrue();
            }
            assertThat(exists(named.jdbcUrl())).as("cycle " + i + ": the database and its 50 kB are gone after close").isFalse();

            JdbcSettings unnamed = JdbcSettings.parse(DepotUrl.parse("h2:mem:"), DepotOptions.defaults());
            JdbcBackend b = JdbcBackend.open(unnamed, DepotOptions.defaults());
            assertThat(exists(unnamed.jdbcUrl())).isTrue();
            b.close();
            assertThat(exists(unnamed.jdbcUrl())).as("cycle " + i + ": the private database is gone after close").isFalse();
        }
    }

    @Test
    void aNamedDatabaseLivesWhileADepotHasItOpen() {
        String url = "h2:mem:release-" + System.nanoTime();
        Depot first = Depot.open(url);
        try (Depot second = Depot.open(url)) {
            first.records(DOCS).save(new Doc("a", "kept"));
            first.close();
            assertThat(second.records(DOCS).get("a")).as("still open in another depot").isPresent();
        }
        try (Depot again = Depot.open(url)) {
            assertThat(again.records(DOCS).count()).as("reopened after the last close: empty").isZero();
        }
    }

    private static boolean exists(String jdbcUrl) {
        try (var c = DriverManager.getConnection(jdbcUrl + ";IFEXISTS=TRUE")) {
            return true;
        } catch (SQLException e) {
            assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(90146); // database not found
            return false;
        }
    }

    @Test
    void callsOfATransactionCutOffByCloseSayTheDepotIsClosed() {
        Depot depot = Depot.open("h2:mem:");
        Records<String, Doc> docs = depot.records(DOCS);
        docs.save(new Doc("a", "x"));
        assertThatThrownBy(() -> depot.transact(tx -> {
            tx.records(DOCS).get("a"); // the transaction holds a connection
            tx.records(DOCS).save(new Doc("b", "y"));
            depot.close(); // from another thread in real life; the commit is then in flight
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
