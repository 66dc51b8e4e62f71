package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.depot.Capability;
import dev.depot.Codec;
import dev.depot.CodecException;
import dev.depot.Direction;
import dev.depot.DocumentLimits;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.IndexType;
import dev.depot.tck.KitModel.Account;
import dev.depot.tck.KitModel.Counter;
import dev.depot.tck.KitModel.Doc;
import dev.depot.tck.KitModel.Note;
import dev.depot.tck.KitModel.Player;
import dev.depot.tck.KitModel.Priority;
import dev.depot.tck.KitModel.Sku;
import dev.depot.tck.KitModel.Task;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile input, the same on every backend: unpaired surrogates, NUL, values at and just past every
 * limit (key bytes, index strings, document size, nesting, number and name length, the Instant
 * range), edge doubles and longs, forged cursors, documents that no longer fit their type. Every
 * rejection is an exception at the call that names what was wrong without quoting the value, and
 * changes nothing (count and change feed unchanged); every accepted value reads back identically.
 */
abstract class HostileInputTests extends FeatureTests {
    /** Unpaired surrogates: lone high, lone low, low before high, high inside text. */
    static final List<String> UNPAIRED = List.of("y\uD800", "\uDC00y", "\uDC00\uD800", "a\uD83Db", "\uD800");

    /** Text no key or index value may hold, with the word its rejection must use. */
    static final Map<String, String> FORBIDDEN = forbidden();

    private static Map<String, String> forbidden() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String s : UNPAIRED) {
            m.put(s, "surrogate");
        }
        m.put("a\u0000b", "U+0000");
        m.put("\u0000", "U+0000");
        return m;
    }

    HostileInputTests(DepotConformanceSuite suite) {
        super(suite);
    }

    /** A value with a big number and a map, for the number and name limits. */
    public record Wide(String id, BigDecimal amount, Map<String, String> attrs) {}

    /** Written by one version of a program... */
    public record ShapeV1(String id, String size) {}

    /** ...and read by the next, where {@code size} became a number. */
    public record ShapeV2(String id, long size) {}

    /** Raw bytes under a key, through a codec that stores exactly what it is given. */
    public record Blob(String id, byte[] bytes) {}

    /** Encodes a Blob as one length byte, the ASCII key, then the payload. */
    static final Codec<Blob> BLOB_CODEC = new Codec<>() {
        @Override
        public byte[] encode(Blob b) {
            byte[] id = b.id().getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[1 + id.length + b.bytes().length];
            out[0] = (byte) id.length;
            System.arraycopy(id, 0, out, 1, id.length);
            System.arraycopy(b.bytes(), 0, out, 1 + id.length, b.bytes().length);
            return out;
        }

        @Override
        public Blob decode(byte[] bytes) {
            int n = bytes[0];
            return new Blob(new String(bytes, 1, n, StandardCharsets.US_ASCII), Arrays.copyOfRange(bytes, 1 + n, bytes.length));
        }
    };

    static final Schema<String, Wide> WIDE = Schema.of("hostile_wide", String.class, Wide.class).key(Wide::id).build();

    static final Schema<String, ShapeV1> SHAPES_V1 = Schema.of("hostile_shapes", String.class, ShapeV1.class)
            .key(ShapeV1::id).build();

    static final Schema<String, ShapeV2> SHAPES_V2 = Schema.of("hostile_shapes", String.class, ShapeV2.class)
            .key(ShapeV2::id).build();

    static final Schema<String, Blob> BLOBS = Schema.of("hostile_blobs", String.class, Blob.class)
            .key(Blob::id).codec(BLOB_CODEC).build();

    static final Schema<String, JsonNode> TREES = Schema.json("hostile_trees").key("/id").build();

    // ---- helpers ----

    /** Total records in the collections these tests write, and the newest sequence. */
    private long[] state() {
        long n = accounts().count() + docs().count() + players().count() + depot().records(KitModel.NOTES).count()
                + depot().records(KitModel.TASKS).count() + depot().records(KitModel.COUNTERS).count()
                + depot().records(WIDE).count() + depot().records(BLOBS).count() + depot().records(TREES).count();
        return new long[] {n, lastSequence()};
    }

    /**
     * Asserts {@code call} throws an {@link IllegalArgumentException} whose message contains every
     * word of {@code mentions}, does not contain {@code value}, and that nothing changed.
     */
    private void rejected(String value, ThrowingCallable call, String... mentions) {
        long[] before = state();
        Throwable t = catchThrowable(call);
        assertThat(t).as("rejection of a hostile value").isInstanceOf(IllegalArgumentException.class);
        for (String m : mentions) {
            assertThat(t.getMessage()).containsIgnoringCase(m);
        }
        if (value != null && !value.isEmpty()) {
            assertThat(t.getMessage()).as("message must not quote the value").doesNotContain(value);
        }
        assertThat(state()).as("count and newest sequence unchanged").containsExactly(before);
        if (has(Capability.CHANGE_FEED)) {
            assertThat(feed().since(before[1], 10)).isEmpty();
        }
    }

    /**
     * A cursor as Depot encodes one, with a correct checksum so that its values are what is judged:
     * base64url of a JSON array {@code [2, collection, order, direction, value, key]} and the
     * CRC-32C of the array's bytes (4 bytes, big-endian). {@code json} is written in the old form
     * {@code [1, order, direction, value, key]} and gets the collection put in.
     */
    static String forgedCursor(String collection, String json) {
        String body = json.startsWith("[1,") ? "[2," + jsonString(collection) + "," + json.substring(3) : json;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 4);
        java.nio.ByteBuffer.wrap(out, bytes.length, 4).putInt((int) crc.getValue());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** JSON string literal with every non-ASCII char escaped, so lone surrogates survive as escapes. */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append('"').toString();
    }

    // ---- surrogates and NUL ----

    @Test
    void unpairedSurrogatesAndNulAreRejectedInKeys() {
        for (var e : FORBIDDEN.entrySet()) {
            String bad = e.getKey();
            String word = e.getValue();
            rejected(bad, () -> accounts().insert(account(bad, 1)), "accounts", word);
            rejected(bad, () -> accounts().save(account(bad, 1)), "accounts", word);
            rejected(bad, () -> accounts().saveAll(List.of(account("fine", 1), account(bad, 1))), "accounts", word);
            rejected(bad, () -> accounts().get(bad), "accounts", word);
            rejected(bad, () -> accounts().delete(bad), "accounts", word);
            rejected(bad, () -> accounts().getAll(List.of("fine", bad)), "accounts", word);
            rejected(bad, () -> depot().records(KitModel.TASKS).insert(new Task(new Sku(bad), Priority.MIKE, 1f, (short) 1)),
                    "tasks", word);
            rejected(bad, () -> onAccountsInATransaction(a -> a.insert(account(bad, 1))), "accounts", word);
        }
    }

    @Test
    void keysThatOnlyLookAlikeAfterReplacementStayDistinct() {
        List<String> keys = List.of("y?", "y\uFFFD", "y\uD83D\uDE00", "y");
        for (String k : keys) {
            accounts().save(account(k, k.length()));
        }

        assertThat(accounts().count()).isEqualTo(keys.size());
        for (String k : keys) {
            assertThat(accounts().get(k)).as(k).contains(account(k, k.length()));
        }
    }

    @Test
    void unpairedSurrogatesAndNulAreRejectedInIndexAndQueryValues() {
        for (var e : FORBIDDEN.entrySet()) {
            String bad = e.getKey();
            String word = e.getValue();
            rejected(bad, () -> docs().insert(Doc.tagged("d", bad)), "docs", "index 'tag'", word);
            rejected(bad, () -> docs().query().where(Q.field("tag").eq(bad)), "docs", "tag", word);
            rejected(bad, () -> docs().query().where(Q.field("tag").in("a", bad)), "docs", "tag", word);
            rejected(bad, () -> docs().query().where(Q.field("tag").between(bad, "z")), "docs", "tag", word);
            rejected(bad, () -> docs().query().where(Q.field("tag").startsWith(bad)), "docs", "tag", word);
            rejected(bad, () -> docs().query().where(Q.field("tag").gt(bad)), "docs", "tag", word);
        }
        docs().insert(Doc.tagged("q1", "q?"));
        docs().insert(Doc.tagged("q2", "q\uD83D\uDE00"));
        assertThat(ids(docs().query().where(Q.field("tag").eq("q?")).list())).containsExactly("q1");
        assertThat(ids(docs().query().where(Q.field("tag").startsWith("q\uD83D\uDE00")).list())).containsExactly("q2");
    }

    @Test
    void unpairedSurrogatesAndNulInDocumentStringsReadBackIdentically() {
        Records<String, Note> notes = depot().records(KitModel.NOTES);
        List<String> texts = new ArrayList<>(UNPAIRED);
        texts.add("nul\u0000inside");
        notes.insert(new Note("n", "plain", texts));
        depot().records(WIDE).insert(new Wide("w", BigDecimal.ONE, Map.of("k", "v\uDC00", "\u0000", "x\uD800")));

        assertThat(notes.get("n").orElseThrow().getTags()).containsExactlyElementsOf(texts);
        assertThat(notes.query().list().get(0).getTags()).containsExactlyElementsOf(texts);
        assertThat(depot().records(WIDE).get("w").orElseThrow().attrs())
                .containsExactlyInAnyOrderEntriesOf(Map.of("k", "v\uDC00", "\u0000", "x\uD800"));
    }

    @Test
    void unpairedSurrogatesInPropertyNamesAreRejectedBecauseTheyCouldNotBeReadBack() {
        Records<String, Wide> wide = depot().records(WIDE);
        wide.insert(new Wide("first", BigDecimal.ONE, Map.of()));
        for (String bad : UNPAIRED) {
            rejected(bad, () -> wide.save(new Wide("w", BigDecimal.ONE, Map.of(bad, "v"))), "hostile_wide", "key w",
                    "surrogate");
            rejected(bad, () -> depot().records(TREES).save(
                    JsonNodeFactory.instance.objectNode().put("id", "t").put(bad, 1)), "hostile_trees", "key t", "surrogate");
        }
    }

    /**
     * A cursor names its collection and carries a checksum: one from another collection, or one
     * with a character changed or cut short, is an invalid cursor, not another position (which
     * would skip rows silently).
     */
    @Test
    void cursorsOfAnotherCollectionOrChangedInTransitAreRefused() {
        for (int i = 0; i < 3; i++) {
            accounts().insert(account("a" + i, i));
            docs().insert(Doc.tagged("a" + i, "t"));
        }
        String fromDocs = docs().query().limit(1).page().nextCursor();
        rejected(null, () -> accounts().query().limit(1).after(fromDocs).page(), "accounts", "invalid cursor", "another collection");
        String cursor = accounts().query().limit(1).page().nextCursor();
        assertThat(accounts().query().limit(5).after(cursor).page().items()).extracting(Account::id).containsExactly("a1", "a2");
        for (int at = 0; at < cursor.length() - 1; at++) { // the last character may carry unused bits only
            char c = cursor.charAt(at);
            String changed = cursor.substring(0, at) + (c == 'A' ? 'B' : 'A') + cursor.substring(at + 1);
            rejected(null, () -> accounts().query().limit(1).after(changed).page(), "accounts", "invalid cursor");
        }
        for (int cut = 1; cut < cursor.length(); cut++) {
            String shorter = cursor.substring(0, cut);
            rejected(null, () -> accounts().query().limit(1).after(shorter).page(), "accounts", "invalid cursor");
        }
    }

    @Test
    void forgedCursorsAreInvalidCursorsNotDatabaseErrors() {
        accounts().insert(account("a", 1));
        docs().insert(Doc.tagged("d", "t"));
        List<String> keyOrder = List.of(
                "[1,\"\",\"a\",null," + jsonString("a\u0000b") + "]",
                "[1,\"\",\"a\",null," + jsonString("a\uD800") + "]",
                "[1,\"\",\"a\",null," + jsonString("x".repeat(256)) + "]",
                "[1,\"\",\"a\",null,\"\"]",
                "[1,\"\",\"a\",null,42]",
                "[1,\"\",\"a\",null,null]",
                "[\"x\",\"\",\"a\",null,\"a\"]",
                "[1,{},\"a\",null,\"a\"]",
                "[1,\"\",[],null,\"a\"]",
                "[1,\"\",\"a\",{},\"a\"]",
                "{\"a\":1}");
        for (String json : keyOrder) {
            rejected(null, () -> accounts().query().after(forgedCursor("accounts", json)).page(), "accounts", "invalid cursor");
        }
        List<String> tagOrder = List.of(
                "[1,\"tag\",\"a\"," + jsonString("t\u0000") + ",\"d\"]",
                "[1,\"tag\",\"a\"," + jsonString("t\uDC00") + ",\"d\"]",
                "[1,\"tag\",\"a\"," + jsonString("t".repeat(IndexType.MAX_STRING_CODE_POINTS + 1)) + ",\"d\"]",
                "[1,\"tag\",\"a\",7,\"d\"]");
        for (String json : tagOrder) {
            rejected(null, () -> docs().query().orderBy("tag").after(forgedCursor("docs", json)).page(), "docs", "invalid cursor");
        }
        List<String> ratioOrder = List.of("[1,\"ratio\",\"a\",\"1.5\",\"d\"]", "[1,\"ratio\",\"a\",true,\"d\"]");
        for (String json : ratioOrder) {
            rejected(null, () -> docs().query().orderBy("ratio").after(forgedCursor("docs", json)).page(), "docs", "invalid cursor");
        }
        rejected(null, () -> accounts().query().orderBy("balance").after(forgedCursor("accounts", "[1,\"balance\",\"a\",\"x\",\"a\"]")).page(),
                "accounts", "invalid cursor");
        rejected(null, () -> players().query().orderBy("joined")
                .after(forgedCursor("players", "[1,\"joined\",\"a\",\"+1000000000-12-31T23:59:59.999999999Z\","
                        + jsonString(new UUID(0, 1).toString()) + "]")).page(), "players", "invalid cursor");
    }

    // ---- keys and index strings at their limits ----

    @Test
    void keysAtExactly255BytesAreKeptAnd256AreRejectedNamingTheLimit() {
        List<String> atLimit = List.of("k".repeat(255), "a" + "\u00e9".repeat(127), "abc" + "\uD83D\uDE00".repeat(63),
                "\u20ac".repeat(85));
        List<String> over = List.of("k".repeat(256), "\u00e9".repeat(128), "\uD83D\uDE00".repeat(64), "a" + "\u20ac".repeat(85));
        for (String k : over) {
            rejected(k, () -> accounts().insert(account(k, 1)), "accounts", "255");
        }
        for (String k : atLimit) {
            accounts().insert(account(k, 1));
        }

        for (String k : atLimit) {
            assertThat(accounts().get(k)).contains(account(k, 1));
        }
        assertThat(accounts().query().limit(2).page().nextCursor()).isNotNull();
        assertThat(map(accounts().query().list(), Account::id)).containsExactlyInAnyOrderElementsOf(atLimit);
    }

    @Test
    void indexStringsAtTheLimitAreKeptAndLongerOnesRejectedNamingIndexAndLimit() {
        int max = IndexType.MAX_STRING_CODE_POINTS;
        String longest = "\uD83D\uDE00".repeat(max);
        String tooLong = "\u00e9".repeat(max + 1);
        rejected(tooLong, () -> docs().insert(Doc.tagged("d", tooLong)), "docs", "tag", String.valueOf(max));
        rejected(tooLong, () -> docs().query().where(Q.field("tag").eq(tooLong)), "docs", "tag", String.valueOf(max));
        docs().insert(Doc.tagged("d", longest));

        assertThat(ids(docs().query().where(Q.field("tag").eq(longest)).list())).containsExactly("d");
        assertThat(docs().get("d").map(Doc::tag)).contains(longest);
    }

    // ---- document size and shape ----

    @Test
    void documentsAtTheSizeLimitAreKeptAndLargerOnesRejected() {
        Records<String, Blob> blobs = depot().records(BLOBS);
        // Bytes a text protocol must escape (NUL, quote, backslash, double quote, Ctrl-Z).
        byte[] nasty = {0, '\'', '\\', '"', 0x1a, (byte) 0xff};
        int payload = DocumentLimits.MAX_DOCUMENT_BYTES - 1 - "max".length();
        byte[] bytes = new byte[payload];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = nasty[i % nasty.length];
        }
        blobs.insert(new Blob("max", bytes));
        byte[] oneMore = Arrays.copyOf(bytes, payload + 1);
        rejected(null, () -> blobs.insert(new Blob("big", oneMore)), "hostile_blobs", "big",
                String.valueOf(DocumentLimits.MAX_DOCUMENT_BYTES));
        rejected(null, () -> blobs.saveAll(List.of(new Blob("ok", new byte[1]), new Blob("big", oneMore))),
                "hostile_blobs", "big", "MAX_DOCUMENT_BYTES");

        assertThat(blobs.get("max").orElseThrow().bytes()).isEqualTo(bytes);
        assertThat(blobs.query().list()).hasSize(1);

        String twentyMillion = "x".repeat(20_000_000);
        rejected(null, () -> depot().records(KitModel.NOTES).save(new Note("n", "t", List.of(twentyMillion))),
                "notes", "key n", "MAX_DOCUMENT_BYTES");
    }

    @Test
    void aBatchOfDocumentsAtTheSizeLimitIsWrittenWhole() {
        Records<String, Blob> blobs = depot().records(BLOBS);
        List<Blob> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] bytes = new byte[DocumentLimits.MAX_DOCUMENT_BYTES - 1 - 2];
            Arrays.fill(bytes, (byte) ('\'' + i));
            batch.add(new Blob("b" + i, bytes));
        }
        blobs.saveAll(batch);

        for (Blob b : batch) {
            assertThat(blobs.get(b.id()).orElseThrow().bytes()).isEqualTo(b.bytes());
        }
    }

    @Test
    void nestingAtTheDepthLimitIsKeptAndDeeperIsRejected() {
        Records<String, JsonNode> trees = depot().records(TREES);
        JsonNode deepest = nested("deepest", DocumentLimits.MAX_NESTING_DEPTH);
        trees.insert(deepest);
        JsonNode tooDeep = nested("deep", DocumentLimits.MAX_NESTING_DEPTH + 1);

        rejected(null, () -> trees.insert(tooDeep), "hostile_trees", "key deep", "nesting");
        assertThat(trees.get("deepest")).contains(deepest);
        assertThat(trees.query().list()).containsExactly(deepest);
    }

    /** {"id": id, "x": [[...]]} with {@code depth} levels in all, the root object included. */
    private static JsonNode nested(String id, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode inner = f.arrayNode().add(1);
        for (int i = 2; i < depth; i++) {
            inner = f.arrayNode().add(inner);
        }
        ObjectNode root = f.objectNode();
        root.put("id", id);
        root.set("x", inner);
        return root;
    }

    @Test
    void numbersAndNamesAtTheirLimitsAreKeptAndLongerOnesRejected() {
        Records<String, Wide> wide = depot().records(WIDE);
        BigDecimal longest = new BigDecimal("9".repeat(DocumentLimits.MAX_NUMBER_LENGTH));
        BigDecimal tooLong = new BigDecimal("9".repeat(DocumentLimits.MAX_NUMBER_LENGTH + 1));
        String longestName = "n".repeat(DocumentLimits.MAX_NAME_LENGTH);
        String tooLongName = "m".repeat(DocumentLimits.MAX_NAME_LENGTH + 1);

        rejected(tooLong.toPlainString(), () -> wide.insert(new Wide("num", tooLong, Map.of())), "hostile_wide", "key num",
                "number");
        rejected(null, () -> wide.insert(new Wide("num", new BigDecimal(tooLong.toBigInteger(), -5), Map.of())),
                "hostile_wide", "key num", "number");
        rejected(tooLongName, () -> wide.insert(new Wide("name", BigDecimal.ONE, Map.of(tooLongName, "v"))),
                "hostile_wide", "key name", "name");
        wide.insert(new Wide("num", longest, Map.of(longestName, "v")));

        Wide read = wide.get("num").orElseThrow();
        assertThat(read.amount()).isEqualByComparingTo(longest);
        assertThat(read.attrs()).containsOnlyKeys(longestName);
        assertThat(wide.query().list()).hasSize(1);
    }

    // ---- undecodable records ----

    @Test
    void aStoredDocumentThatNoLongerFitsItsTypeFailsNamingCollectionAndKey() {
        String secret = BadInputTests.SECRET;
        depot().records(SHAPES_V1).insert(new ShapeV1("s1", secret));
        Records<String, ShapeV2> next = depot().records(SHAPES_V2);

        for (ThrowingCallable read : List.<ThrowingCallable>of(() -> next.get("s1"), () -> next.query().list(),
                () -> next.query().page(), () -> next.query().first(), () -> next.query().stream().toList(),
                () -> next.getAll(List.of("s1")))) {
            Throwable t = catchThrowable(read);
            assertThat(t).isInstanceOf(CodecException.class);
            assertThat(t.getMessage()).contains("hostile_shapes", "key s1").doesNotContain(secret);
            assertThat(t.getCause()).as("the codec's message quotes the document").isNull();
        }
        assertThat(next.count()).isEqualTo(1);
        assertThat(next.exists("s1")).isTrue();
        next.save(new ShapeV2("s2", 2));
        assertThat(next.delete("s1")).isTrue();
        assertThat(next.query().list()).containsExactly(new ShapeV2("s2", 2));
    }

    /** Jackson can write this (a getter) but not read it (no constructor it can use). */
    public static final class WriteOnly {
        private final String id;

        public WriteOnly(String id, int unused) {
            this.id = id;
        }

        public String getId() {
            return id;
        }
    }

    @Test
    void aTypeTheCodecCanWriteButNotReadIsRefusedBeforeAnythingIsStored() {
        Throwable atBuild = catchThrowable(() -> Schema.of("hostile_write_only", String.class, WriteOnly.class)
                .key(WriteOnly::getId).build());
        assertThat(atBuild).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hostile_write_only")
                .hasMessageContaining("WriteOnly");

        Codec<Account> writeOnlyCodec = new Codec<>() {
            @Override
            public byte[] encode(Account value) {
                return Codec.json(Account.class).encode(value);
            }

            @Override
            public Account decode(byte[] bytes) {
                throw new IllegalStateException("this codec cannot read " + new String(bytes, StandardCharsets.UTF_8));
            }
        };
        Records<String, Account> broken = depot().records(Schema.of("hostile_broken", String.class, Account.class)
                .key(Account::id).codec(writeOnlyCodec).build());
        long before = lastSequence();
        Throwable t = catchThrowable(() -> broken.insert(account("k", 424_242)));
        assertThat(t).isInstanceOf(CodecException.class).hasMessageContaining("hostile_broken")
                .hasMessageContaining("key k");
        assertThat(t.getMessage()).doesNotContain("424242");
        assertThat(broken.count()).isZero();
        assertThat(lastSequence()).isEqualTo(before);
    }

    // ---- instants, doubles, longs at the edges ----

    @Test
    void instantIndexValuesOutsideTheAcceptedRangeAreRejectedAtTheCall() {
        Instant min = IndexType.MIN_INSTANT;
        Instant max = IndexType.MAX_INSTANT;
        List<Instant> outside = List.of(Instant.MIN, Instant.MAX, min.minusNanos(1000), min.minusNanos(1),
                max.plusNanos(1000), Instant.parse("+10000-01-01T00:00:00Z"));
        for (Instant t : outside) {
            Player p = new Player(UUID.randomUUID(), "p", "p@example.com", 1, t);
            String value = t.toString();
            rejected(value, () -> players().insert(p), "players", "joined", min.toString(), max.toString());
            rejected(value, () -> players().query().where(Q.field("joined").eq(t)), "players", "joined", "Instant");
            rejected(value, () -> players().query().where(Q.field("joined").between(min, t)), "players", "joined");
            rejected(value, () -> depot().transact(tx -> tx.records(KitModel.PLAYERS).save(p)), "players", "joined");
        }
    }

    @Test
    void instantsAtTheLimitsOfTheRangeRoundTripAndTruncateToMicroseconds() {
        Instant min = IndexType.MIN_INSTANT;
        Instant max = IndexType.MAX_INSTANT;
        Instant maxWithNanos = max.plusNanos(999);
        List<Instant> edges = List.of(min, min.plusNanos(1000), Instant.EPOCH.minusNanos(1), max.minusNanos(1000), max,
                maxWithNanos);
        List<Player> stored = new ArrayList<>();
        for (int i = 0; i < edges.size(); i++) {
            Player p = new Player(new UUID(0, i + 1), "e" + i, "e@example.com", i, edges.get(i));
            players().insert(p);
            stored.add(p);
        }

        for (Player p : stored) {
            assertThat(players().get(p.id())).as("the document keeps nanoseconds").contains(p);
        }
        assertThat(names(players().query().where(Q.field("joined").eq(min)).list())).containsExactly("e0");
        assertThat(names(players().query().where(Q.field("joined").eq(max)).list()))
                .as("the index truncates to microseconds").containsExactly("e4", "e5");
        assertThat(names(players().query().where(Q.field("joined").eq(maxWithNanos)).list())).containsExactly("e4", "e5");
        assertThat(names(players().query().where(Q.field("joined").eq(Instant.EPOCH.minusNanos(1000))).list()))
                .containsExactly("e2");
        assertThat(names(players().query().orderBy("joined", Direction.DESC).list()))
                .containsExactly("e4", "e5", "e3", "e2", "e1", "e0");
        assertThat(players().query().where(Q.field("joined").ge(max)).count()).isEqualTo(2);
        assertThat(players().query().orderBy("joined").limit(4).page().nextCursor()).isNotNull();
    }

    @Test
    void edgeDoublesAreOrderedAndReadBackExactlyAndNanIsRejected() {
        List<Double> ordered = List.of(Double.NEGATIVE_INFINITY, -Double.MAX_VALUE, -1.0, -Double.MIN_VALUE, -0.0,
                Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, Double.MAX_VALUE, Double.POSITIVE_INFINITY);
        for (int i = 0; i < ordered.size(); i++) {
            docs().insert(new Doc(String.format("d%02d", i), null, ordered.get(i), null, null));
        }
        rejected(null, () -> docs().insert(new Doc("nan", null, Double.NaN, null, null)), "docs", "ratio", "NaN");
        rejected(null, () -> docs().query().where(Q.field("ratio").lt(Double.NaN)), "docs", "ratio", "NaN");

        for (int i = 0; i < ordered.size(); i++) {
            assertThat(docs().get(String.format("d%02d", i)).orElseThrow().ratio())
                    .as("document keeps %s exactly", ordered.get(i)).isEqualTo(ordered.get(i));
        }
        assertThat(map(docs().query().orderBy("ratio").list(), Doc::ratio)).containsExactlyElementsOf(ordered);
        assertThat(ids(docs().query().where(Q.field("ratio").eq(0.0)).list())).as("-0.0 is 0.0 in the index")
                .containsExactly("d04");
        assertThat(ids(docs().query().where(Q.field("ratio").eq(-0.0)).list())).containsExactly("d04");
        assertThat(ids(docs().query().where(Q.field("ratio").gt(0.0)).limit(1).list())).containsExactly("d05");
        assertThat(ids(docs().query().where(Q.field("ratio").lt(0.0)).orderBy("ratio", Direction.DESC).limit(1).list()))
                .containsExactly("d03");
        List<Doc> paged = new ArrayList<>();
        String cursor = null;
        do {
            var q = docs().query().orderBy("ratio").limit(3);
            var page = (cursor == null ? q : q.after(cursor)).page();
            paged.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(map(paged, Doc::ratio)).as("cursors carry infinities").containsExactlyElementsOf(ordered);
    }

    @Test
    void extremeLongsAreKeysAndIndexValues() {
        Records<Long, KitModel.Item> items = items();
        Records<Integer, Counter> counters = depot().records(KitModel.COUNTERS);
        for (long k : List.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE)) {
            items.insert(new KitModel.Item(k, "l" + k));
        }
        counters.insert(new Counter(Integer.MIN_VALUE, Long.MIN_VALUE));
        counters.insert(new Counter(Integer.MAX_VALUE, Long.MAX_VALUE));

        assertThat(map(items.query().list(), KitModel.Item::id)).containsExactly(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE);
        assertThat(items.get(Long.MAX_VALUE).map(KitModel.Item::label)).contains("l" + Long.MAX_VALUE);
        assertThat(counters.query().where(Q.field("hits").eq(Long.MAX_VALUE)).first().map(Counter::id))
                .contains(Integer.MAX_VALUE);
        assertThat(counters.query().where(Q.field("hits").le(Long.MIN_VALUE)).first().map(Counter::id))
                .contains(Integer.MIN_VALUE);
        assertThat(items.query().limit(3).page().nextCursor()).isNotNull();
        assertThatCode(() -> items.query().after(items.query().limit(3).page().nextCursor()).page())
                .doesNotThrowAnyException();
    }

    // ---- wording ----

    @Test
    void messagesUseTheDeclaredTypeAndReadableArticles() {
        Throwable onInstant = catchThrowable(() -> players().query().where(Q.field("joined").eq(true)));
        assertThat(onInstant).hasMessageContaining("an Instant index value").hasMessageNotContaining("INSTANT");
        Throwable onInteger = catchThrowable(() -> depot().records(KitModel.TASKS).query()
                .where(Q.field("rank").startsWith("1")));
        assertThat(onInteger).hasMessageContaining("Short").hasMessageNotContaining("LONG");
        assertThat(catchThrowable(() -> Q.field("score").between(100, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bound")
                .hasMessageNotContaining("isNull");
    }
}
