package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import dev.depot.testing.DepotTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code @DepotTest} on a shared database: each test gets tables of its own prefix, and they are gone
 * after it (the dt_ tables of the database are the same after the class as before it). One subclass
 * per database names the URL.
 */
@DepotTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // the tests share what the first one saw, in order
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class DepotTestIsolationScenario {
    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();

    private Set<String> before;
    private final List<Set<String>> own = new ArrayList<>();

    /** The shared database the tests point {@code @DepotTest} at. */
    protected abstract String url();

    @BeforeAll
    void pointDepotTestAtTheDatabase() throws Exception {
        before = tables();
        System.setProperty("depot.test.url", url());
    }

    @AfterAll
    void everyTableOfTheTestsIsDropped() throws Exception {
        System.clearProperty("depot.test.url");
        assertThat(tables()).isEqualTo(before);
    }

    @Test
    @Order(1)
    void firstTestWrites(Depot depot, Records<String, Note> notes) throws Exception {
        notes.save(new Note("n1", "hello"));
        assertThat(depot.changes().since(0)).hasSize(1);
        Set<String> mine = new HashSet<>(tables());
        mine.removeAll(before);
        assertThat(mine).as("tables of a fresh dt_ prefix").isNotEmpty().allMatch(t -> t.startsWith("dt_"));
        own.add(mine);
    }

    @Test
    @Order(2)
    void secondTestSeesNoneOfIt(Depot depot, Records<String, Note> notes) throws Exception {
        assertThat(notes.count()).isZero();
        assertThat(depot.changes().since(0)).isEmpty();
        notes.save(new Note("n2", "again"));
        Set<String> mine = new HashSet<>(tables());
        mine.removeAll(before);
        assertThat(mine).as("the first test's tables were dropped when it ended").doesNotContainAnyElementsOf(own.get(0))
                .isNotEmpty();
    }

    private Set<String> tables() throws Exception {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url()), DepotOptions.defaults());
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
            Set<String> out = new HashSet<>();
            for (String t : TestDatabases.tables(c, "dt_")) {
                out.add(t.toLowerCase());
            }
            return out;
        }
    }
}
