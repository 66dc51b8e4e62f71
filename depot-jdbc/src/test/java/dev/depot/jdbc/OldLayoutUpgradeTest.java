package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A collection table made by an earlier Depot (the codec's bytes in {@code doc}, as its DDL had it)
 * is refused with the statements to run under {@code ddl=validate}, and upgraded in place under
 * {@code ddl=create}, every document still bit-exact and the JSON ones readable from SQL.
 */
class OldLayoutUpgradeTest {
    private static final String PREFIX = "ol_";

    static Stream<Arguments> servers() {
        return TestDatabases.all(PREFIX).filter(a -> a.get()[0].equals("postgresql") || a.get()[0].equals("mariadb"));
    }

    /** The DDL the earlier Depot ran for {@link DocumentColumnsTest#DOCS}, verbatim. */
    private static String oldTable(String db) {
        return db.equals("postgresql")
                ? "CREATE TABLE IF NOT EXISTS ol_c_docs (k TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, ver BIGINT NOT NULL, "
                        + "s BIGINT NOT NULL, doc BYTEA NOT NULL, x_len BIGINT)"
                : "CREATE TABLE IF NOT EXISTS ol_c_docs (k VARCHAR(255) NOT NULL PRIMARY KEY, ver BIGINT NOT NULL, "
                        + "s BIGINT NOT NULL, doc LONGBLOB NOT NULL, x_len BIGINT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                        + "COLLATE=utf8mb4_nopad_bin";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void anEarlierTableIsRefusedUnderValidateAndUpgradedUnderCreate(String db, TestDatabases.UrlSource opener) throws SQLException {
        String url = ReadableSchemaTest.url(opener);
        Map<String, byte[]> docs = DocumentColumnsTest.documents();
        try (Depot depot = Depot.open(url)) {
            depot.records(DocumentColumnsTest.DOCS); // Depot's own tables and the registry line
        }
        try (Connection c = ReadableSchemaTest.jdbc(url)) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE ol_c_docs");
                st.execute(oldTable(db));
                st.execute("CREATE INDEX ol_i_old ON ol_c_docs (x_len, k)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ol_c_docs (k, ver, s, doc, x_len) VALUES (?, 1, 1, ?, ?)")) {
                for (var e : docs.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setBytes(2, e.getValue());
                    ps.setLong(3, e.getValue().length);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        // The earlier layout's index name is the registry's: make it the one created above.
        try (Connection c = ReadableSchemaTest.jdbc(url); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT idx FROM ol_collections WHERE coll = 'docs'")) {
                assertThat(rs.next()).isTrue();
                String line = rs.getString(1).replaceAll(" x_len \\S+", " x_len ol_i_old");
                st.executeUpdate("UPDATE ol_collections SET idx = '" + line + "' WHERE coll = 'docs'");
            }
        }

        try (Depot depot = Depot.open(url + "&ddl=validate")) {
            assertThatThrownBy(() -> depot.records(DocumentColumnsTest.DOCS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ol_c_docs")
                    .hasMessageContaining("ddl=validate")
                    .hasMessageContaining(db.equals("postgresql") ? "RENAME COLUMN doc TO raw" : "CHANGE COLUMN doc raw LONGBLOB");
        }

        try (Depot depot = Depot.open(url)) {
            Records<String, DocumentColumnsTest.Doc> r = depot.records(DocumentColumnsTest.DOCS);
            docs.forEach((id, bytes) -> assertThat(r.get(id).orElseThrow().bytes()).as("upgraded %s", id).isEqualTo(bytes));
            assertThat(r.query().where(Q.field("len").ge(0L)).count()).isEqualTo(docs.size());
        }
        try (Depot depot = Depot.open(url + "&ddl=validate")) {
            Records<String, DocumentColumnsTest.Doc> r = depot.records(DocumentColumnsTest.DOCS);
            assertThat(r.get("canonical").orElseThrow().bytes()).isEqualTo(docs.get("canonical"));
        }
        String name = db.equals("postgresql") ? "doc->>'name'" : "JSON_VALUE(doc, '$.name')";
        try (Connection c = ReadableSchemaTest.jdbc(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + name + ", raw IS NULL FROM ol_c_docs WHERE k = 'canonical'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ann");
            assertThat(rs.getBoolean(2)).as("a canonical document no longer keeps its bytes beside the JSON").isTrue();
        }
    }
}
