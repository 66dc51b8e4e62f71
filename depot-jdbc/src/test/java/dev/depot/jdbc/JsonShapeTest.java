package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one-pass reading of a document's JSON shape; the databases' side is in {@link DocumentColumnsTest}. */
class JsonShapeTest {
    private static JsonShape shape(String json) {
        return JsonShape.of(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonbCanonicalMeansJsonbPrintsTheSameTextWithoutItsSpaces() {
        assertThat(shape("{\"a\":1,\"bb\":[true,null,\"x\\n\\u001f\"],\"ccc\":{}}").jsonbCanonical()).isTrue();
        assertThat(shape("-12.50").jsonbCanonical()).isTrue();
        assertThat(shape("{\"bb\":1,\"a\":2}").jsonbCanonical()).as("shorter keys first").isFalse();
        assertThat(shape("{\"b\":1,\"a\":2}").jsonbCanonical()).as("then by bytes").isFalse();
        assertThat(shape("{\"a\":1,\"a\":2}").jsonbCanonical()).as("duplicates dropped").isFalse();
        assertThat(shape("1e2").jsonbCanonical()).isFalse();
        assertThat(shape("-0").jsonbCanonical()).isFalse();
        assertThat(shape("-0.0").jsonbCanonical()).isFalse();
        assertThat(shape("[1, 2]").jsonbCanonical()).isFalse();
        assertThat(shape("\"\\u00e9\"").jsonbCanonical()).isFalse();
        assertThat(shape("\"\\u001F\"").jsonbCanonical()).as("jsonb prints lowercase hex").isFalse();
        assertThat(shape("\"\\/\"").jsonbCanonical()).isFalse();
    }

    @Test
    void canonicalButForKeyOrderAllowsOnlyUniqueKeysInAnotherOrder() {
        assertThat(shape("{\"name\":\"x\",\"a\":{\"zz\":1,\"b\":[{\"c\":2,\"bb\":3}]}}").jsonbCanonicalButKeyOrder())
                .as("reordered at every depth").isTrue();
        assertThat(shape("{\"name\":\"x\",\"a\":1}").jsonbCanonical()).isFalse();
        assertThat(shape("{\"a\":1,\"name\":\"x\"}").jsonbCanonicalButKeyOrder()).as("canonical is a special case").isTrue();
        assertThat(shape("{\"b\":1,\"a\":2,\"b\":3}").jsonbCanonicalButKeyOrder()).as("a duplicate, even apart").isFalse();
        assertThat(shape("{\"a\":{\"x\":1},\"b\":{\"x\":1}}").jsonbCanonicalButKeyOrder())
                .as("the same key in two objects is no duplicate").isTrue();
        assertThat(shape("{\"b\":1e2,\"a\":1}").jsonbCanonicalButKeyOrder()).as("number forms still count").isFalse();
        assertThat(shape("{\"b\":\"\\u0000\",\"a\":1}").jsonbCanonicalButKeyOrder()).as("U+0000 still counts").isFalse();
        assertThat(shape("{\"b\":1, \"a\":1}").jsonbCanonicalButKeyOrder()).as("whitespace still counts").isFalse();
    }

    @Test
    void nulEscapesAreFoundAndMadeVisibleText() {
        byte[] doc = "{\"k\\u0000\":\"\\\\u0000\",\"v\":\"a\\u0000\"}".getBytes(StandardCharsets.UTF_8);
        JsonShape s = JsonShape.of(doc);
        assertThat(s.json()).isTrue();
        assertThat(s.hasNul()).isTrue();
        assertThat(s.nulEscapes()).hasSize(2);
        assertThat(new String(JsonShape.withoutNul(doc, s.nulEscapes()), StandardCharsets.UTF_8))
                .isEqualTo("{\"k\\\\u0000\":\"\\\\u0000\",\"v\":\"a\\\\u0000\"}");
        assertThat(JsonShape.of(JsonShape.withoutNul(doc, s.nulEscapes())).hasNul()).isFalse();
    }

    @Test
    void whatPostgresCannotParseIsFlagged() {
        assertThat(shape("\"\\ud800\"").pgParsable()).isFalse();
        assertThat(shape("\"\\udc00\"").pgParsable()).isFalse();
        assertThat(shape("\"\\ud83d\\ude00\"").pgParsable()).isTrue();
        assertThat(shape("1e99999").pgParsable()).isFalse();
        assertThat(shape("1e999").pgParsable()).isTrue();
    }

    @Test
    void onlyStrictJsonIsJson() {
        for (String bad : new String[] {"", " ", "01", "1.", ".5", "+1", "[1,]", "{\"a\"}", "{a:1}", "'a'", "\"\t\"", "[1] x",
                "tru", "nul", "\"\\x\"", "\"\\u12\"", "{\"a\":1,}", "--1", "1e", "[" }) {
            assertThat(shape(bad).json()).as("%s", bad).isFalse();
        }
        assertThat(JsonShape.of(new byte[] {'"', (byte) 0xc3, '"'}).json()).as("truncated UTF-8").isFalse();
        assertThat(JsonShape.of(new byte[] {'"', (byte) 0xc0, (byte) 0x80, '"'}).json()).as("overlong UTF-8").isFalse();
        assertThat(JsonShape.of(new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}).json()).as("surrogate in UTF-8").isFalse();
        assertThat(shape("[".repeat(2000) + "]".repeat(2000)).json()).as("deeper than the scanner goes").isFalse();
        assertThat(shape("[".repeat(40) + "]".repeat(40)).depth()).isEqualTo(40);
        assertThat(shape(" {\"a\" : [1, 2.5e-3, \"é😀\"]}\n").json()).isTrue();
    }

    @Test
    void compactDropsOnlyTheSpacesJsonbAddsOutsideStrings() {
        assertThat(JsonShape.compact("{\"a b\": [1, \"x \\\" y\"], \"c\": {}}")).isEqualTo("{\"a b\":[1,\"x \\\" y\"],\"c\":{}}");
    }
}
