package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Schema;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * H2 through an application's plain {@link JdbcDataSource} (no pool: a new session per connection),
 * as a Spring application without a pool hands it over. A CHECK on the feed's operation column made
 * every write fail there ("Check constraint invalid") while pooled runs passed.
 */
class H2UnpooledDataSourceTest {
    record Note(String id, String text) {}

    static final Schema<String, Note> NOTES = Schema.of("notes", String.class, Note.class).key(Note::id).build();

    @Test
    void writesReadsAndTheFeedWorkThroughAnUnpooledDataSource() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:unpooled-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Depot depot = JdbcDepots.open(ds, "tablePrefix=shop_", DepotOptions.defaults())) {
            depot.records(NOTES).save(new Note("n1", "hello"));
            depot.transact(tx -> tx.records(NOTES).save(new Note("n2", "again")));
            depot.records(NOTES).delete("n1");
            assertThat(depot.records(NOTES).get("n2")).contains(new Note("n2", "again"));
            assertThat(depot.changes().since(0)).extracting(e -> e.key() + "/" + e.op())
                    .containsExactly("n1/INSERT", "n2/INSERT", "n1/DELETE");
        }
    }
}
