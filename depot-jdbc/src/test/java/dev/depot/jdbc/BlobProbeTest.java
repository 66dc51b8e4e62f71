package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ListOptions;
import dev.depot.Page;
import dev.depot.SyncOptions;
import dev.depot.SyncReport;
import dev.depot.WriteOptions;
import dev.depot.spi.ContentHash;
import dev.depot.testing.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Probes of blobs the way S3-, GCS- or Jimfs-style contract suites would ask: each differential
 * scenario runs on memory and on one other backend ({@code file:}, H2, SQLite, PostgreSQL, MariaDB)
 * with a {@link TestClock} of its own, writing a transcript of every answer (infos with etags and
 * times, bytes, listing pages, or the exception's class and message); the transcripts must be equal.
 * Scenarios that are not differential (concurrency, leaks) assert the contract on every backend.
 */
class BlobProbeTest {
    private static final String PREFIX = "p25b_";
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    /** Every blob backend but memory, each compared with memory. */
    static Stream<Arguments> backends() {
        return Stream.concat(Stream.of(Arguments.of("file", (TestDatabases.UrlSource) TestDatabases::files)),
                TestDatabases.all(PREFIX));
    }

    /** Every blob backend, memory included. */
    static Stream<Arguments> everyBackend() {
        return Stream.concat(Stream.of(Arguments.of("memory", (TestDatabases.UrlSource) () -> "memory:")), backends());
    }

    static String url(TestDatabases.UrlSource opener, String extra) {
        String given = opener.url();
        if (given.startsWith("memory:") || given.startsWith("file:")) {
            return given;
        }
        String u = ReadableSchemaTest.url(() -> given, PREFIX);
        return extra.isEmpty() ? u : u + "&" + extra;
    }

    interface Call {
        Object call() throws Exception;
    }

    interface Scenario {
        void run(Blobs blobs, TestClock clock, Log log) throws Exception;
    }

    /** A transcript: every answer, or the exception's class and message. */
    static final class Log {
        final List<String> lines = new ArrayList<>();

        void add(String what, Call call) {
            try {
                lines.add(what + " -> " + show(call.call()));
            } catch (Exception | AssertionError e) {
                lines.add(what + " -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        void run(String what, ThrowingRunnable call) {
            add(what, () -> {
                call.run();
                return "ok";
            });
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static String show(Object o) {
        if (o instanceof BlobInfo i) {
            return info(i);
        }
        if (o instanceof Optional<?> opt) {
            return opt.map(BlobProbeTest::show).orElse("empty");
        }
        if (o instanceof Page<?> p) {
            List<String> items = new ArrayList<>();
            for (Object e : p.items()) {
                items.add(entry((BlobEntry) e));
            }
            return items + " next=" + p.nextCursor();
        }
        if (o instanceof byte[] b) {
            return "bytes(" + b.length + ") " + etag(b);
        }
        if (o instanceof SyncReport r) {
            return "copied=" + r.copied() + " skipped=" + r.skipped() + " deleted=" + r.deleted() + " bytes=" + r.bytesCopied()
                    + " errors=" + r.errors();
        }
        return String.valueOf(o);
    }

    static String info(BlobInfo i) {
        return "[" + esc(i.path()) + " " + i.size() + " " + i.etag() + " " + i.contentType() + " " + new TreeMap<>(i.metadata())
                + " c=" + i.created() + " m=" + i.modified() + "]";
    }

    static String entry(BlobEntry e) {
        return e.isDirectory() ? "dir:" + esc(e.path()) : info(e.blob());
    }

    /** A path with every non-ASCII or invisible character as {@code \\uXXXX}, so a transcript diff shows it. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c > 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04X", (int) c));
            }
        }
        return b.toString();
    }

    static String etag(byte[] b) {
        ContentHash h = new ContentHash();
        h.update(b, 0, b.length);
        return h.etag();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Every page of a listing, one line per page. */
    static void pages(Log log, String what, Blobs blobs, ListOptions options) {
        String cursor = options.after();
        for (int i = 0; i < 100; i++) {
            ListOptions o = options.after(cursor);
            Page<BlobEntry>[] got = new Page[1];
            log.add(what + " page " + i, () -> got[0] = blobs.list(o));
            if (got[0] == null || got[0].nextCursor() == null) {
                return;
            }
            cursor = got[0].nextCursor();
        }
        log.lines.add(what + ": more than 100 pages");
    }

    /** Runs {@code scenario} on memory and on the backend, each with a clock at {@link #START}, and compares the transcripts. */
    static void compare(String db, TestDatabases.UrlSource opener, Scenario scenario) throws Exception {
        List<String> memory = transcript("memory:", scenario);
        List<String> other = transcript(url(opener, ""), scenario);
        for (int i = 0; i < Math.max(memory.size(), other.size()); i++) {
            String m = i < memory.size() ? memory.get(i) : "<none>";
            String s = i < other.size() ? other.get(i) : "<none>";
            if (!m.equals(s)) {
                System.out.println("DIFF memory: " + m);
                System.out.println("DIFF " + db + ": " + s);
            }
        }
        assertThat(other).isEqualTo(memory);
    }

    static List<String> transcript(String url, Scenario scenario) throws Exception {
        TestClock clock = new TestClock(START);
        try (Depot depot = Depot.open(url, DepotOptions.defaults().clock(clock))) {
            Log log = new Log();
            scenario.run(depot.blobs("probe"), clock, log);
            log.add("stats", () -> new TreeMap<>(depot.stats().blobs()));
            depot.clear();
            return log.lines;
        }
    }

    // ---- paths: spellings that differ only in case, spaces, dots or normalisation are distinct everywhere ----

    static final List<String> LOOKALIKES = List.of(
            "x/a", "x/A", "x/a ", "x/a  ", "x/ a", "x/a.", "x/a..", "x/...", "x/.a", "x/a\u00A0", "x/\uFEFFa",
            "x/\u00e9", "x/e\u0301", "x/\u00C5", "x/A\u030A", "x/\u212B", "x/\u00DF", "x/ss", "x/SS", "x/\uFB01", "x/fi",
            "x/%41", "x/%2F", "x/%", "x/a%2Fb", "x/a\\b", "x/\\", "x/\u0085", "x/\u2028", "x/\uD83D\uDE00", "x/\uFFFD",
            "x/\uE000", "x/\uFFFF", "x/\uDBFF\uDFFF", "x/\u0080", "x/~", "x/a-b", "x/a.b", "x/a0", "x/b/c");

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void lookalikePathsAreDistinctAndListedInCodePointOrder(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (blobs, clock, log) -> {
            int i = 0;
            for (String p : LOOKALIKES) {
                clock.advance(Duration.ofSeconds(1));
                byte[] content = utf8("content of " + p + " #" + i++);
                log.add("put " + esc(p), () -> blobs.put(p, content, WriteOptions.contentType("text/plain; charset=utf-8")));
            }
            for (String p : LOOKALIKES) {
                log.add("get " + esc(p), () -> new String(blobs.get(p), StandardCharsets.UTF_8));
                log.add("stat " + esc(p), () -> blobs.stat(p));
            }
            log.add("list flat", () -> blobs.list(ListOptions.prefix("x/")));
            log.add("list folded", () -> blobs.list(ListOptions.prefix("x/").delimiter("/")));
            pages(log, "paged by 3", blobs, ListOptions.prefix("x/").limit(3));
            pages(log, "folded by 4", blobs, ListOptions.prefix("").delimiter("/").limit(4));
            for (String prefix : List.of("x/a", "x/A", "x/a ", "x/e", "x/\u00e9", "x/\uD83D\uDE00", "x/\uFFFF", "x/a/")) {
                log.add("list prefix " + esc(prefix), () -> blobs.list(ListOptions.prefix(prefix)));
                log.add("list prefix folded " + esc(prefix), () -> blobs.list(ListOptions.prefix(prefix).delimiter("/")));
            }
            for (String after : List.of("x/a", "x/a ", "x/a/", "x/\uD83D", "x/\uFFFF", "x/b", "y")) {
                log.add("list after " + esc(after), () -> blobs.list(ListOptions.prefix("x/").after(after).limit(5)));
            }
            for (String absent : List.of("X/a", "x/a   ", "x/A ", "x/\u00c9", "x/E\u0301", "x/sS")) {
                log.add("stat absent " + esc(absent), () -> blobs.stat(absent));
                log.add("delete absent " + esc(absent), () -> blobs.delete(absent));
            }
            log.add("delete x/a", () -> blobs.delete("x/a"));
            log.add("still x/A", () -> blobs.stat("x/A"));
            log.add("still x/a ", () -> blobs.stat("x/a "));
            log.add("copy NFC onto NFD", () -> blobs.copy("x/\u00e9", "x/e\u0301"));
            log.add("move A onto a.", () -> blobs.move("x/A", "x/a."));
            log.add("after", () -> blobs.list(ListOptions.prefix("x/a")));
        });
    }

    /** A prefix or cursor that ends inside a surrogate pair has no UTF-8 form: every backend must treat it alike. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aPrefixOrCursorWithAnUnpairedSurrogateIsTreatedAlike(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (blobs, clock, log) -> {
            for (String p : List.of("p/?x", "p/\uD83D\uDE00", "p/\uD83D\uDE01/z", "p/A", "p/\uE000", "p/\uFFFD")) {
                blobs.put(p, utf8(p));
            }
            for (String prefix : List.of("p/\uD83D", "p/\uDE00", "p/\uD83D\uDE00\uD83D")) {
                log.add("list prefix " + esc(prefix), () -> blobs.list(ListOptions.prefix(prefix)));
                log.add("list prefix folded " + esc(prefix), () -> blobs.list(ListOptions.prefix(prefix).delimiter("/")));
            }
            for (String after : List.of("p/\uD83D", "p/\uDE00x", "p/?\uDBFF")) {
                log.add("list after " + esc(after), () -> blobs.list(ListOptions.prefix("p/").after(after)));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void longPathsAndSegmentsAtAndBeyondTheLimits(String db, TestDatabases.UrlSource opener) throws Exception {
        String emoji255 = "\uD83D\uDE00".repeat(63) + "abc"; // 63 x 4 + 3 = 255 bytes
        String euro255 = "\u20AC".repeat(85); // 255 bytes of 3-byte characters
        String manySegments = "a/".repeat(511) + "b"; // 1023 bytes, 512 segments
        String exact = euro255 + "/" + emoji255 + "/" + "\u00e9".repeat(127) + "x" + "/" + "y".repeat(254) + "/z"; // 1024
        assertThat(utf8(exact)).hasSize(1024);
        compare(db, opener, (blobs, clock, log) -> {
            for (String p : List.of(emoji255, euro255, "d/" + emoji255, manySegments, exact, exact + "z", euro255 + "\u00e9",
                    emoji255 + "\uD83D\uDE00", "\u20AC".repeat(86), "a/".repeat(512) + "b")) {
                log.add("put " + p.length() + " chars / " + utf8(p).length + " bytes", () -> blobs.put(p, utf8(p)));
                log.add("get", () -> blobs.get(p));
            }
            pages(log, "flat", blobs, ListOptions.all().limit(2));
            pages(log, "folded", blobs, ListOptions.prefix("").delimiter("/").limit(2));
            log.add("folded deep", () -> blobs.list(ListOptions.prefix("a/".repeat(300)).delimiter("/")));
            log.add("copy long", () -> blobs.copy(exact, "a/".repeat(200) + "copy"));
            log.add("move long", () -> blobs.move(manySegments, emoji255 + "/moved"));
            log.add("rmdir non-empty", () -> {
                blobs.rmdir("a");
                return "ok";
            });
            log.add("delete deep copy", () -> blobs.delete("a/".repeat(200) + "copy"));
            log.add("rmdir deepest", () -> {
                blobs.rmdir("a/".repeat(510) + "a");
                return "ok";
            });
            log.add("after", () -> blobs.list(ListOptions.all()));
        });
    }

    // ---- conditional writes, etags, content type and metadata ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void conditionalWritesAndEtagsAgree(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (blobs, clock, log) -> {
            BlobInfo first = blobs.put("c/one", utf8("same"));
            log.add("first", () -> first);
            clock.advance(Duration.ofMillis(1500));
            log.add("ifNoneMatch on existing", () -> blobs.put("c/one", utf8("x"), WriteOptions.ifNoneMatch()));
            log.add("ifNoneMatch new", () -> blobs.put("c/two", utf8("same"), WriteOptions.ifNoneMatch()));
            log.add("equal content equal etag", () -> blobs.stat("c/two").orElseThrow().etag().equals(first.etag()));
            log.add("rewrite same content", () -> blobs.put("c/one", utf8("same"), WriteOptions.ifMatch(first.etag())));
            clock.advance(Duration.ofSeconds(1));
            log.add("ifMatch after same-content rewrite", () -> blobs.put("c/one", utf8("next"), WriteOptions.ifMatch(first.etag())));
            log.add("ifMatch stale", () -> blobs.put("c/one", utf8("x"), WriteOptions.ifMatch(first.etag())));
            log.add("ifMatch quoted", () -> blobs.put("c/one", utf8("x"), WriteOptions.ifMatch("\"" + etag(utf8("next")) + "\"")));
            log.add("ifMatch star", () -> blobs.put("c/one", utf8("x"), WriteOptions.ifMatch("*")));
            log.add("ifMatch upper case", () -> blobs.put("c/one", utf8("x"),
                    WriteOptions.ifMatch(etag(utf8("next")).toUpperCase())));
            log.add("ifMatch missing", () -> blobs.put("c/none", utf8("x"), WriteOptions.ifMatch(first.etag())));
            log.add("ifNoneMatch on directory", () -> blobs.put("c", utf8("x"), WriteOptions.ifNoneMatch()));
            log.add("ifMatch on directory", () -> blobs.put("c", utf8("x"), WriteOptions.ifMatch(first.etag())));
            log.add("ifNoneMatch under blob", () -> blobs.put("c/one/x", utf8("x"), WriteOptions.ifNoneMatch()));
            log.add("ifMatch empty etag", () -> WriteOptions.ifMatch(""));
            log.add("both", () -> WriteOptions.ifNoneMatch().withIfMatch("x").withIfNoneMatch());
            // of two create-only streams the first to close wins
            BlobOutputStream a = blobs.write("c/race", WriteOptions.ifNoneMatch());
            BlobOutputStream b = blobs.write("c/race", WriteOptions.ifNoneMatch());
            a.write(utf8("a"));
            b.write(utf8("b"));
            log.run("close b", b::close);
            log.run("close a", a::close);
            log.add("race", () -> new String(blobs.get("c/race"), StandardCharsets.UTF_8));
            log.add("empty etag", () -> blobs.put("c/empty", new byte[0]));
            log.add("ifMatch empty", () -> blobs.put("c/empty", new byte[0], WriteOptions.ifMatch(etag(new byte[0]))));
            log.add("list", () -> blobs.list(ListOptions.prefix("c")));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void contentTypeAndMetadataRoundTripExactly(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (blobs, clock, log) -> {
            WriteOptions rich = WriteOptions.contentType("text/plain; charset=\"utf-8\"; x=a ")
                    .metadata("Key", "upper").metadata("key", "lower").metadata("k.e-y_1", "a=b=c")
                    .metadata("spaces", "  lead and trail  ").metadata("empty", "").metadata("emoji", "\uD83D\uDE00 \u00e9 e\u0301")
                    .metadata("nel", "a\u0085b\u2028c").metadata("long", "\u20AC".repeat(341) + "x")
                    .metadata("0", "\\n is not a newline").metadata("json", "{\"a\": [1, 2]}").metadata("pct", "%41%");
            log.add("put rich", () -> blobs.put("m/rich", utf8("x"), rich));
            log.add("stat rich", () -> blobs.stat("m/rich"));
            log.add("metadata exact", () -> blobs.stat("m/rich").orElseThrow().metadata().equals(rich.metadata()));
            log.add("copy keeps", () -> blobs.copy("m/rich", "m/copy"));
            log.add("move keeps", () -> blobs.move("m/copy", "m/moved"));
            log.add("replace drops old metadata", () -> blobs.put("m/rich", utf8("y")));
            log.add("stream with type", () -> {
                BlobOutputStream out = blobs.write("m/stream", WriteOptions.contentType("image/svg+xml").metadata("a", "b"));
                out.write(utf8("<svg/>"));
                out.close();
                return out.published();
            });
            log.add("type too long", () -> WriteOptions.contentType("t".repeat(256)));
            log.add("type non-ascii", () -> WriteOptions.contentType("text/\u00e9"));
            log.add("type with tab", () -> WriteOptions.contentType("text/a\tb"));
            log.add("key with space", () -> WriteOptions.defaults().metadata("a b", "x"));
            log.add("key with equals", () -> WriteOptions.defaults().metadata("a=b", "x"));
            log.add("value with newline", () -> WriteOptions.defaults().metadata("a", "x\ny"));
            log.add("value 1025 bytes", () -> WriteOptions.defaults().metadata("a", "x".repeat(1025)));
            log.add("list", () -> blobs.list(ListOptions.prefix("m/")));
        });
    }

    // ---- copy and move onto existing targets ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void copyAndMoveOntoExistingTargets(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (blobs, clock, log) -> {
            blobs.put("s/src", utf8("source"), WriteOptions.contentType("text/x-src").metadata("who", "src"));
            clock.advance(Duration.ofSeconds(10));
            blobs.put("t/dst", utf8("target, longer"), WriteOptions.contentType("text/x-dst").metadata("who", "dst"));
            clock.advance(Duration.ofSeconds(10));
            log.add("copy onto existing", () -> blobs.copy("s/src", "t/dst"));
            log.add("source unchanged", () -> blobs.stat("s/src"));
            clock.advance(Duration.ofSeconds(10));
            blobs.put("t/other", utf8("other"));
            clock.advance(Duration.ofSeconds(10));
            log.add("move onto existing", () -> blobs.move("t/other", "t/dst"));
            log.add("moved content", () -> new String(blobs.get("t/dst"), StandardCharsets.UTF_8));
            log.add("source gone", () -> blobs.stat("t/other"));
            log.add("copy to itself", () -> blobs.copy("t/dst", "t/dst"));
            log.add("move to itself", () -> blobs.move("t/dst", "t/dst"));
            log.add("copy missing", () -> blobs.copy("t/none", "t/x"));
            log.add("move missing to itself", () -> blobs.move("t/none", "t/none"));
            log.add("copy onto directory", () -> blobs.copy("s/src", "t"));
            log.add("move onto directory", () -> blobs.move("s/src", "t"));
            log.add("copy under blob", () -> blobs.copy("s/src", "t/dst/x"));
            log.add("move under itself", () -> blobs.move("s/src", "s/src/x"));
            log.add("move into its parent's name", () -> blobs.move("s/src", "s"));
            log.add("copy directory", () -> blobs.copy("s", "u"));
            log.add("move directory", () -> blobs.move("s", "u"));
            log.add("move to new deep dir", () -> blobs.move("s/src", "n/e/w/src"));
            log.add("old dir stays", () -> blobs.list(ListOptions.prefix("").delimiter("/")));
            log.add("rmdir emptied", () -> {
                blobs.rmdir("s");
                return "ok";
            });
            log.add("copy back over", () -> blobs.copy("n/e/w/src", "t/dst"));
            log.add("delete copy keeps original", () -> blobs.delete("t/dst"));
            log.add("original", () -> blobs.get("n/e/w/src"));
            log.add("all", () -> blobs.list(ListOptions.all()));
        });
    }

    // ---- streams: empty, large, ranged, closed early, failing sources ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void emptyBlobsAndRangesAtTheEdges(String db, TestDatabases.UrlSource opener) throws Exception {
        byte[] big = random((1 << 20) * 2 + 65_536 + 3, 7);
        compare(db, opener, (blobs, clock, log) -> {
            log.add("put empty", () -> blobs.put("e/empty", new byte[0]));
            log.add("stream empty", () -> {
                BlobOutputStream out = blobs.write("e/stream-empty");
                out.close();
                return out.published();
            });
            log.add("callback empty", () -> blobs.write("e/cb-empty", WriteOptions.defaults(), out -> { }));
            log.add("get empty", () -> blobs.get("e/empty"));
            log.add("read 0,0", () -> blobs.read("e/empty", 0, 0).readAllBytes());
            log.add("read 5,1", () -> blobs.read("e/empty", 5, 1).readAllBytes());
            log.add("read -1", () -> blobs.read("e/empty", -1, 1));
            log.add("copy empty", () -> blobs.copy("e/empty", "e/copy"));
            log.add("put big", () -> blobs.put("e/big", big));
            int[][] ranges = {{0, 1}, {(1 << 20) - 3, 6}, {(1 << 20) * 2 - 1, 2}, {65_535, 2}, {big.length - 1, 5}, {big.length, 1},
                    {big.length + 10, 0}, {0, 0}, {3, (1 << 20) * 2}, {100, Integer.MAX_VALUE}};
            for (int[] r : ranges) {
                log.add("range " + r[0] + "+" + r[1], () -> {
                    try (InputStream in = blobs.read("e/big", r[0], r[1])) {
                        byte[] got = in.readAllBytes();
                        int to = (int) Math.min(big.length, (long) r[0] + r[1]);
                        return Arrays.equals(got, Arrays.copyOfRange(big, Math.min(r[0], big.length), Math.max(to, Math.min(r[0], big.length))))
                                + " " + got.length;
                    }
                });
            }
            log.add("range from 5 to the end of time", () -> blobs.read("e/big", 5, Long.MAX_VALUE).readNBytes(3));
            log.add("range at the end of time", () -> blobs.read("e/big", Long.MAX_VALUE, Long.MAX_VALUE).readAllBytes());
            log.add("range of an empty blob to the end of time", () -> blobs.read("e/empty", 1, Long.MAX_VALUE).readAllBytes());
            log.add("stream api", () -> {
                List<Object> out = new ArrayList<>();
                try (InputStream in = blobs.read("e/big", (1 << 20) - 2, 10)) {
                    out.add(in.read());
                    out.add(in.skip(3));
                    byte[] buf = new byte[100];
                    out.add(in.read(buf, 0, 0));
                    out.add(in.read(buf, 5, 100 - 5));
                    out.add(in.skip(100));
                    out.add(in.read());
                    out.add(in.read(buf));
                    out.add(in.skip(1));
                }
                return out;
            });
            log.add("read after close", () -> {
                InputStream in = blobs.read("e/big");
                in.read();
                in.close();
                in.close();
                return in.read();
            });
            log.add("list", () -> blobs.list(ListOptions.prefix("e/")));
        });
    }

    /** A body that fails midway (a source stream that throws) publishes nothing, leaves the old blob, and leaks nothing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aFailingSourceLeavesNothingBehind(String db, TestDatabases.UrlSource opener) throws Exception {
        String url = url(opener, "poolSize=2&poolTimeout=3s");
        byte[] old = utf8("old content");
        try (Depot depot = Depot.open(url)) {
            Blobs blobs = depot.blobs("leaks");
            blobs.put("f/kept", old);
            long[] before = leftovers(url);
            for (int round = 0; round < 6; round++) {
                int size = round % 2 == 0 ? 100 : (1 << 20) * 2 + 17; // in the buffer, and across SQL chunks
                InputStream failing = new InputStream() {
                    int left = size;

                    @Override
                    public int read() throws IOException {
                        if (left-- == 0) {
                            throw new IOException("source broke");
                        }
                        return 'x';
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (left == 0) {
                            throw new IOException("source broke");
                        }
                        int n = Math.min(len, left);
                        Arrays.fill(b, off, off + n, (byte) 'x');
                        left -= n;
                        return n;
                    }
                };
                String path = round < 3 ? "f/kept" : "f/new" + round;
                try {
                    blobs.write(path, round % 3 == 0 ? WriteOptions.ifNoneMatch() : WriteOptions.defaults(), out -> failing.transferTo(out));
                    throw new AssertionError("a failing source published");
                } catch (UncheckedIOException e) {
                    assertThat(e.getCause()).hasMessage("source broke");
                }
                // The streamed form, aborted in the catch as the contract advises.
                BlobOutputStream out = blobs.write("f/streamed" + round);
                try {
                    out.write(new byte[size]);
                    throw new IOException("later failure");
                } catch (IOException e) {
                    out.abort();
                }
                out.close();
            }
            // Streams of several SQL chunks whose publish is refused: precondition, a directory there, a blob above.
            blobs.mkdir("f/dir");
            for (String[] refused : new String[][] {{"f/kept", "create-only"}, {"f/dir", "plain"}, {"f/kept/below", "plain"},
                    {"f/none", "if-match"}}) {
                WriteOptions o = switch (refused[1]) {
                    case "create-only" -> WriteOptions.ifNoneMatch();
                    case "if-match" -> WriteOptions.ifMatch(etag(old));
                    default -> WriteOptions.defaults();
                };
                BlobOutputStream out = blobs.write(refused[0], o);
                out.write(new byte[(1 << 20) * 2 + 3]);
                try {
                    out.close();
                    throw new AssertionError("published onto " + refused[0]);
                } catch (dev.depot.PreconditionFailedException | dev.depot.PathConflictException e) {
                    assertThat(e.getMessage()).contains("bucket 'leaks'");
                }
            }
            blobs.rmdir("f/dir");
            assertThat(blobs.get("f/kept")).isEqualTo(old);
            assertThat(blobs.list(ListOptions.prefix("f/")).items()).extracting(BlobEntry::path).containsExactly("f/kept");
            assertThat(depot.stats().blobs().get("leaks").blobs()).isEqualTo(1);
            assertThat(leftovers(url)).as("upload rows, chunk rows or temporary files left behind").isEqualTo(before);
            // Long reads closed early give their connections back: a pool of 2 serves all of these.
            blobs.put("f/long", random((1 << 20) * 3, 1));
            for (int i = 0; i < 6; i++) {
                try (InputStream in = blobs.read("f/long")) {
                    assertThat(in.readNBytes(10)).hasSize(10);
                }
                try (InputStream in = blobs.read("f/long", (1 << 20) - 5, (1 << 20) + 10)) {
                    assertThat(in.readNBytes(20)).hasSize(20);
                }
            }
            assertThat(blobs.get("f/kept")).isEqualTo(old);
            depot.clear();
        }
    }

    /** Uploads and chunks (SQL) or temporary files ({@code file:}) that exist; nothing for memory. */
    static long[] leftovers(String url) throws Exception {
        if (url.startsWith("memory:")) {
            return new long[0];
        }
        if (url.startsWith("file:")) {
            Path dir = Path.of(url.substring("file:".length()).replaceFirst("\\?.*", ""));
            try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
                return new long[] {s.count()};
            }
        }
        try (Connection c = ReadableSchemaTest.jdbc(url); Statement st = c.createStatement()) {
            long[] out = new long[2];
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + PREFIX + "blob_uploads")) {
                rs.next();
                out[0] = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + PREFIX + "blob_chunks")) {
                rs.next();
                out[1] = rs.getLong(1);
            }
            return out;
        }
    }

    /** A blob of tens of MiB streamed in odd pieces reads back byte for byte, with memory's etag. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aLargeBlobStreamsInAndOutWhole(String db, TestDatabases.UrlSource opener) throws Exception {
        String url = url(opener, "");
        int size = 33 * (1 << 20) + 5;
        try (Depot depot = Depot.open(url)) {
            Blobs blobs = depot.blobs("large");
            ContentHash written = new ContentHash();
            BlobInfo info = blobs.write("big/one.bin", WriteOptions.contentType("application/x-big"), out -> {
                Random r = new Random(11);
                byte[] piece = new byte[(1 << 20) + 7];
                for (int done = 0; done < size; ) {
                    int n = Math.min(size - done, 1 + r.nextInt(piece.length));
                    r.nextBytes(piece);
                    out.write(piece, 0, n);
                    written.update(piece, 0, n);
                    done += n;
                }
            });
            assertThat(info.size()).isEqualTo(size);
            assertThat(info.etag()).isEqualTo(written.etag());
            ContentHash read = new ContentHash();
            try (InputStream in = blobs.read("big/one.bin")) {
                byte[] buf = new byte[77_777];
                for (int n; (n = in.read(buf)) > 0; ) {
                    read.update(buf, 0, n);
                }
            }
            assertThat(read.size()).isEqualTo(size);
            assertThat(read.etag()).isEqualTo(written.etag());
            BlobInfo copy = blobs.copy("big/one.bin", "big/two.bin");
            assertThat(copy.etag()).isEqualTo(info.etag());
            assertThat(blobs.delete("big/one.bin")).isTrue();
            ContentHash again = new ContentHash();
            try (InputStream in = blobs.read("big/two.bin", 0, Long.MAX_VALUE)) {
                in.transferTo(new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        again.update(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        again.update(b, off, len);
                    }
                });
            }
            assertThat(again.etag()).isEqualTo(info.etag());
            depot.clear();
            for (long n : leftovers(url)) {
                assertThat(n).isZero();
            }
        }
    }

    // ---- concurrency ----

    /**
     * Paging through a listing while other paths are written and deleted around the ones that exist
     * throughout: each of those is listed exactly once, pages are in strictly increasing order.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void pagingUnderConcurrentWritesNeitherSkipsNorRepeats(String db, TestDatabases.UrlSource opener) throws Exception {
        String url = url(opener, "");
        try (Depot depot = Depot.open(url)) {
            Blobs blobs = depot.blobs("paging");
            List<String> stable = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String p = (i % 3 == 0 ? "d" + (i % 5) + "/" : "") + String.format("k%03d", i * 2);
                stable.add(p);
                blobs.put(p, utf8(p));
            }
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread churn = new Thread(() -> {
                Random r = new Random(5);
                try {
                    while (!stop.get()) {
                        int i = r.nextInt(120);
                        String p = (i % 3 == 0 ? "d" + (i % 5) + "/" : "") + String.format("k%03d", i * 2 + 1);
                        switch (r.nextInt(4)) {
                            case 0, 1 -> blobs.put(p, utf8(p));
                            case 2 -> blobs.delete(p);
                            default -> {
                                String dir = "d" + (5 + r.nextInt(3)) + "/e" + r.nextInt(3);
                                try {
                                    if (r.nextBoolean()) {
                                        blobs.mkdir(dir);
                                    } else {
                                        blobs.rmdir(dir);
                                    }
                                } catch (dev.depot.NotFoundException | dev.depot.DirectoryNotEmptyException e) {
                                    // fine
                                }
                            }
                        }
                        started.countDown();
                    }
                } catch (Throwable t) {
                    errors.add(t);
                    started.countDown();
                }
            });
            churn.start();
            started.await();
            try {
                for (int round = 0; round < 6; round++) {
                    boolean fold = round % 2 == 1;
                    List<String> seen = new ArrayList<>();
                    String cursor = null;
                    do {
                        ListOptions o = ListOptions.prefix("").limit(1 + round).after(cursor);
                        Page<BlobEntry> page = blobs.list(fold ? o.delimiter("/") : o);
                        for (BlobEntry e : page.items()) {
                            seen.add(e.path());
                        }
                        cursor = page.nextCursor();
                    } while (cursor != null);
                    for (int i = 1; i < seen.size(); i++) {
                        assertThat(dev.depot.spi.CodePoints.compare(seen.get(i - 1), seen.get(i))).as("order %s", seen).isNegative();
                    }
                    if (fold) {
                        Set<String> expected = new HashSet<>();
                        for (String p : stable) {
                            expected.add(p.contains("/") ? p.substring(0, p.indexOf('/') + 1) : p);
                        }
                        assertThat(seen).containsAll(expected);
                    } else {
                        Set<String> once = new HashSet<>();
                        for (String p : seen) {
                            assertThat(once.add(p)).as("listed twice: %s", p).isTrue();
                        }
                        assertThat(seen).containsAll(stable);
                    }
                }
            } finally {
                stop.set(true);
                churn.join();
            }
            assertThat(errors).isEmpty();
            depot.clear();
        }
    }

    /** Writers, copies, moves and deletes racing on one path: every read sees one whole content or none. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void racingReplacesOfOnePathNeverTearABlob(String db, TestDatabases.UrlSource opener) throws Exception {
        String url = url(opener, "");
        int size = 150_000;
        try (Depot depot = Depot.open(url)) {
            Blobs blobs = depot.blobs("race");
            List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] c = new byte[size + i * 70_000];
                Arrays.fill(c, (byte) ('a' + i));
                contents.add(c);
            }
            blobs.put("src", contents.get(3));
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int id = w;
                threads.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 15; i++) {
                            switch ((i + id) % 4) {
                                case 0 -> blobs.put("target", contents.get(id));
                                case 1 -> blobs.copy("src", "target");
                                case 2 -> {
                                    blobs.copy("src", "tmp" + id);
                                    blobs.move("tmp" + id, "target");
                                }
                                default -> blobs.delete("target");
                            }
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        try {
                            byte[] got = blobs.get("target");
                            assertThat(contents).anySatisfy(c -> assertThat(got).isEqualTo(c));
                            Optional<BlobInfo> s = blobs.stat("target");
                            s.ifPresent(info -> assertThat(contents).anySatisfy(c ->
                                    assertThat(info.etag() + info.size()).isEqualTo(etag(c) + c.length)));
                        } catch (dev.depot.NotFoundException e) {
                            // deleted meanwhile
                        }
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(errors).isEmpty();
            Optional<BlobInfo> last = blobs.stat("target");
            if (last.isPresent()) {
                byte[] got = blobs.get("target");
                assertThat(etag(got)).isEqualTo(last.get().etag());
            }
            assertThat(blobs.list(ListOptions.all()).items()).extracting(BlobEntry::path).isSubsetOf("src", "target");
            depot.clear();
        }
    }

    // ---- sync of odd paths to and from every backend ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void syncCarriesOddPathsBothWays(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (blobs, clock, log) -> {
            try (Depot memory = Depot.open("memory:", DepotOptions.defaults().clock(clock))) {
                Blobs m = memory.blobs("src");
                for (String p : LOOKALIKES) {
                    m.put(p, utf8(p), WriteOptions.contentType("text/x").metadata("p", p.replace('\u0085', '_')));
                }
                log.add("sync in", () -> Blobs.sync(m, blobs, SyncOptions.defaults()));
                log.add("sync again", () -> Blobs.sync(m, blobs, SyncOptions.defaults()));
                m.delete("x/a ");
                blobs.put("x/\u00e9", utf8("changed"));
                log.add("sync changed", () -> Blobs.sync(m, blobs, SyncOptions.defaults().deletingExtraneous()));
                Blobs back = memory.blobs("back");
                log.add("sync out", () -> Blobs.sync(blobs, back, SyncOptions.defaults()));
                log.add("back", () -> back.list(ListOptions.all().limit(100)));
            }
        });
    }
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void pathsUnderABlobAndDirectoriesAnswerAlike(String db, TestDatabases.UrlSource opener) throws Exception {
        compare(db, opener, (blobs, clock, log) -> {
            blobs.put("a", utf8("a blob"));
            for (String p : List.of("a/b", "a/b/c")) {
                log.add("stat " + p, () -> blobs.stat(p));
                log.add("exists " + p, () -> blobs.exists(p));
                log.add("get " + p, () -> blobs.get(p));
                log.add("read " + p, () -> blobs.read(p, 1, 2));
                log.add("delete " + p, () -> blobs.delete(p));
                log.run("rmdir " + p, () -> blobs.rmdir(p));
                log.run("mkdir " + p, () -> blobs.mkdir(p));
                log.add("put " + p, () -> blobs.put(p, utf8("x")));
                log.add("copy to " + p, () -> blobs.copy("a", p));
                log.add("move to " + p, () -> blobs.move("a", p));
                log.add("copy from " + p, () -> blobs.copy(p, "z"));
            }
            log.add("list a/", () -> blobs.list(ListOptions.prefix("a/")));
            log.run("mkdir d/e", () -> blobs.mkdir("d/e"));
            log.run("mkdir d/e again", () -> blobs.mkdir("d/e"));
            log.run("mkdir a", () -> blobs.mkdir("a"));
            log.add("put d", () -> blobs.put("d", utf8("x")));
            log.add("put d create-only", () -> blobs.put("d", utf8("x"), WriteOptions.ifNoneMatch()));
            log.add("delete d", () -> blobs.delete("d"));
            log.add("get d", () -> blobs.get("d"));
            log.add("stat d", () -> blobs.stat("d"));
            log.add("copy d", () -> blobs.copy("d", "x"));
            log.add("copy d to itself", () -> blobs.copy("d", "d"));
            log.add("move d to itself", () -> blobs.move("d", "d"));
            log.add("folded", () -> blobs.list(ListOptions.prefix("").delimiter("/")));
            log.add("folded d", () -> blobs.list(ListOptions.prefix("d").delimiter("/")));
            log.add("folded d/", () -> blobs.list(ListOptions.prefix("d/").delimiter("/")));
            log.add("flat", () -> blobs.list(ListOptions.all()));
            log.run("rmdir d", () -> blobs.rmdir("d"));
            log.run("rmdir d/e", () -> blobs.rmdir("d/e"));
            log.run("rmdir d", () -> blobs.rmdir("d"));
            log.run("rmdir d again", () -> blobs.rmdir("d"));
            log.add("put d now", () -> blobs.put("d", utf8("now a blob")));
            log.add("folded after", () -> blobs.list(ListOptions.prefix("").delimiter("/")));
        });
    }

    /** Two depots on one store (two processes, in effect): of two create-only writes of a path exactly one wins, whole. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void createOnlyWritesFromTwoDepotsOnOneStoreLetExactlyOneWin(String db, TestDatabases.UrlSource opener) throws Exception {
        String given = url(opener, "");
        String url = given.equals("memory:") ? "memory:blobprobe-" + System.nanoTime() : given;
        try (Depot one = Depot.open(url); Depot two = Depot.open(url)) {
            Blobs[] sides = {one.blobs("shared"), two.blobs("shared")};
            for (int round = 0; round < 8; round++) {
                String path = "r/" + round;
                CountDownLatch go = new CountDownLatch(1);
                ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
                List<Thread> threads = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    int side = s;
                    threads.add(new Thread(() -> {
                        try {
                            go.await();
                            byte[] content = new byte[100_000 + side];
                            Arrays.fill(content, (byte) side);
                            sides[side].put(path, content, WriteOptions.ifNoneMatch());
                            winners.add("side " + side);
                        } catch (dev.depot.PreconditionFailedException e) {
                            // the other won
                        } catch (Throwable t) {
                            errors.add(t);
                        }
                    }));
                }
                threads.forEach(Thread::start);
                go.countDown();
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(errors).isEmpty();
                assertThat(winners).hasSize(1);
                int side = winners.peek().equals("side 0") ? 0 : 1;
                for (Blobs b : sides) {
                    byte[] got = b.get(path);
                    assertThat(got).hasSize(100_000 + side);
                    assertThat(b.stat(path).orElseThrow().etag()).isEqualTo(etag(got));
                }
            }
            assertThat(sides[1].list(ListOptions.prefix("r/")).items()).hasSize(8);
            one.clear();
        }
    }
    /** Sizes and ranges right at memory's 64 KiB and SQL's 1 MiB chunk edges, written whole and streamed in odd pieces. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sizesAndRangesAtChunkEdges(String db, TestDatabases.UrlSource opener) throws Exception {
        int mib = 1 << 20;
        int kib64 = 64 * 1024;
        compare(db, opener, (blobs, clock, log) -> {
            for (int size : new int[] {1, kib64 - 1, kib64, kib64 + 1, mib - 1, mib, mib + 1, 2 * mib, 2 * mib + kib64}) {
                byte[] content = random(size, size);
                log.add("put " + size, () -> blobs.put("k/put" + size, content));
                log.add("stream " + size, () -> blobs.write("k/stream" + size, WriteOptions.defaults(), out -> {
                    for (int at = 0; at < size; ) {
                        int n = Math.min(size - at, at % 3 == 0 ? 8191 : 65_537);
                        out.write(content, at, n);
                        at += n;
                    }
                }));
                for (long[] r : new long[][] {{0, size}, {size - 1, 1}, {size - 1, 2}, {mib - 1, 2}, {mib, 1}, {kib64 - 1, 2},
                        {Math.max(0, size - mib), mib}}) {
                    log.add("range " + size + " " + r[0] + "+" + r[1], () -> {
                        byte[] got = blobs.read("k/stream" + size, r[0], r[1]).readAllBytes();
                        int from = (int) Math.min(r[0], size);
                        int to = (int) Math.min(size, r[0] + r[1]);
                        return got.length + " " + Arrays.equals(got, Arrays.copyOfRange(content, from, to));
                    });
                }
                log.add("whole " + size, () -> Arrays.equals(blobs.get("k/put" + size), content));
            }
            log.add("list", () -> blobs.list(ListOptions.prefix("k/")));
        });
    }
}
