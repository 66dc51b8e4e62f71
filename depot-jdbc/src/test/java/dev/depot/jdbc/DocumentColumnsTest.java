package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Codec;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Documents keep every bit through the JSON columns of PostgreSQL ({@code jsonb}) and MariaDB
 * ({@code JSON}), whatever jsonb would normalize (key order, duplicates, number forms, escapes,
 * whitespace) or refuse (U+0000, lone surrogates, bytes that are not JSON), through every read path
 * (get, getAll, query, query merged with a transaction's own writes, update); and SQL reads the
 * JSON ones directly.
 */
class DocumentColumnsTest {
    private static final String PREFIX = "dc_";

    /** A value that is its document: the codec writes exactly these bytes. */
    record Doc(String id, byte[] bytes) {}

    private static final Codec<Doc> EXACT = new Codec<>() {
        @Override
        public byte[] encode(Doc value) {
            return value.bytes();
        }

        @Override
        public Doc decode(byte[] bytes) {
            return new Doc(null, bytes);
        }
    };

    static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id).codec(EXACT)
            .index("len", Long.class, d -> (long) d.bytes().length).build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    /** Documents by name: each one a way jsonb or JSON_VALID departs from the bytes. */
    static Map<String, byte[]> documents() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        put(out, "canonical", "{\"a\":1,\"bb\":[true,false,null],\"name\":\"ann\"}");
        put(out, "keyOrder", "{\"name\":\"bob\",\"a\":1}");
        put(out, "nulInValue", "{\"name\":\"n\\u0000l\",\"x\":\"\\u0000\"}");
        put(out, "nulInKey", "{\"k\\u0000\":1,\"name\":\"key\"}");
        put(out, "escapedBackslashBeforeU", "{\"name\":\"\\\\u0000\"}");
        put(out, "numbers", "[1.0,1,1.00,-0,-0.0,0.0,1e2,1E+2,1.5e-3,-12.50]");
        put(out, "bigNumbers", "{\"big\":123456789012345678901234567890.123456789,\"n\":18446744073709551616,\"d\":1.7976931348623157E308}");
        put(out, "hugeExponent", "[1e99999]");
        put(out, "duplicateKeys", "{\"a\":1,\"a\":2}");
        put(out, "whitespace", " { \"a\" : [ 1 , 2 ] }\n");
        put(out, "escapes", "[\"\\u00e9\",\"\\u001F\",\"\\u001f\",\"\\/\",\"\\b\\f\\n\\r\\t\",\"\\\"\"]");
        put(out, "loneSurrogate", "[\"\\ud800\"]");
        put(out, "surrogatePair", "[\"\\ud83d\\ude00\",\"😀\"]");
        put(out, "unicode", "{\"name\":\"ünï 😀\"}");
        put(out, "scalar", "\"just a string\"");
        put(out, "deep", "[".repeat(40) + "1" + "]".repeat(40));
        put(out, "deepAsMariaDbAllows", "[".repeat(31) + "1" + "]".repeat(31));
        out.put("notJson", new byte[] {0, (byte) 0xff, 1, 2, '{'});
        out.put("badUtf8", "[\"\u00e9\"]".getBytes(StandardCharsets.ISO_8859_1));
        return out;
    }

    private static void put(Map<String, byte[]> out, String name, String json) {
        out.put(name, json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyDocumentComesBackBitExactlyOnEveryReadPath(String db, TestDatabases.UrlSource opener) {
        String url = ReadableSchemaTest.url(opener, PREFIX);
        Map<String, byte[]> docs = documents();
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> r = depot.records(DOCS);
            docs.forEach((id, bytes) -> r.save(new Doc(id, bytes)));
            docs.forEach((id, bytes) -> assertThat(r.get(id).orElseThrow().bytes()).as("get %s", id).isEqualTo(bytes));
            Map<String, Doc> all = r.getAll(docs.keySet());
            docs.forEach((id, bytes) -> assertThat(all.get(id).bytes()).as("getAll %s", id).isEqualTo(bytes));
            List<byte[]> queried = r.query().where(Q.field("len").ge(0L)).orderBy("len", Direction.ASC).list().stream()
                    .map(Doc::bytes).toList();
            assertThat(queried).usingElementComparator(java.util.Arrays::compare)
                    .containsExactlyInAnyOrderElementsOf(docs.values());
            // A query merging the transaction's own write reads the order value after the document's columns.
            List<byte[]> merged = depot.transact(tx -> {
                Records<String, Doc> t = tx.records(DOCS);
                t.save(new Doc("own", docs.get("keyOrder")));
                return t.query().orderBy("len", Direction.DESC).list().stream().map(Doc::bytes).toList();
            });
            List<byte[]> expected = new ArrayList<>(docs.values());
            expected.add(docs.get("keyOrder"));
            assertThat(merged).usingElementComparator(java.util.Arrays::compare).containsExactlyInAnyOrderElementsOf(expected);
            // Updates take the other statement: every document over every other kind.
            List<String> ids = new ArrayList<>(docs.keySet());
            for (int i = 0; i < ids.size(); i++) {
                byte[] next = docs.get(ids.get((i + 1) % ids.size()));
                r.save(new Doc(ids.get(i), next));
                assertThat(r.get(ids.get(i)).orElseThrow().bytes()).as("updated %s", ids.get(i)).isEqualTo(next);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void sqlReadsTheJsonAndRawHoldsOnlyWhatJsonCannot(String db, TestDatabases.UrlSource opener) throws SQLException {
        if (!db.equals("postgresql") && !db.equals("mariadb")) {
            return; // H2 and SQLite keep the codec's bytes
        }
        String url = ReadableSchemaTest.url(opener, PREFIX);
        try (Depot depot = Depot.open(url)) {
            Records<String, Doc> r = depot.records(DOCS);
            documents().forEach((id, bytes) -> r.save(new Doc(id, bytes)));
            String name = db.equals("postgresql") ? "doc->>'name'" : "JSON_VALUE(doc, '$.name')";
            try (Connection c = ReadableSchemaTest.jdbc(url);
                    PreparedStatement ps = c.prepareStatement("SELECT k, " + name + ", raw IS NULL FROM dc_c_docs");
                    ResultSet rs = ps.executeQuery()) {
                Map<String, String> names = new LinkedHashMap<>();
                Map<String, Boolean> exact = new LinkedHashMap<>();
                while (rs.next()) {
                    names.put(rs.getString(1), rs.getString(2));
                    exact.put(rs.getString(1), rs.getBoolean(3));
                }
                assertThat(names).containsEntry("canonical", "ann").containsEntry("keyOrder", "bob")
                        .containsEntry("unicode", "ünï 😀").containsEntry("escapedBackslashBeforeU", "\\u0000");
                if (db.equals("postgresql")) {
                    assertThat(names).as("U+0000 shows as text in jsonb").containsEntry("nulInValue", "n\\u0000l");
                    assertThat(exact).as("raw is kept only where jsonb's text differs").containsEntry("canonical", true)
                            .containsEntry("unicode", true).containsEntry("keyOrder", false).containsEntry("nulInValue", false)
                            .containsEntry("numbers", false).containsEntry("notJson", false);
                } else {
                    assertThat(names).containsEntry("nulInValue", "n\u0000l");
                    assertThat(exact).as("MariaDB keeps JSON text as written").containsEntry("keyOrder", true)
                            .containsEntry("numbers", true).containsEntry("deepAsMariaDbAllows", true)
                            .containsEntry("deep", false).containsEntry("notJson", false).containsEntry("badUtf8", false);
                }
            }
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
