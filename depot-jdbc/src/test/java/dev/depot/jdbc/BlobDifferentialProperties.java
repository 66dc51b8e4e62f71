package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.DepotException;
import dev.depot.DepotOptions;
import dev.depot.ListOptions;
import dev.depot.Page;
import dev.depot.SyncOptions;
import dev.depot.WriteOptions;
import dev.depot.spi.ContentHash;
import dev.depot.testing.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The differential test of blobs: the same random program of blob operations runs step by step on
 * memory and on another backend ({@code file:} or a SQL database), and after every step both must
 * have answered alike: every {@link BlobInfo} (path, size, etag, content type, metadata, created and
 * modified), the bytes read (whole, ranged, and through streams kept open across later changes),
 * listing pages with their cursors, and the type and message of every exception the blob rules
 * word. At the end the whole visible state must be equal: every directory and blob, walked with the
 * delimiter, every blob's bytes, the flat listing and the depot's blob stats.
 *
 * <p>Programs use two buckets and a small alphabet of paths so that operations collide: nested
 * paths, names sorting around {@code /} ({@code a-b}, {@code a.c}, {@code a0}), code points whose
 * UTF-16 order differs from their code point order, NFC and NFD spellings, case, a 255-byte segment
 * and a 1,024-byte path, and paths the contract refuses. They put and stream content (empty, small,
 * across memory's 64 KiB chunks and the buffer of the stream, rarely across SQL's 1 MiB chunks),
 * with content types, metadata and preconditions (create-only, if-match the etag seen at the time or
 * a wrong one); streams may be kept open over later steps and then closed or aborted, so
 * preconditions and path conflicts are decided at publish; bodies may throw inside
 * try-with-resources (which publishes what was written, as the contract says) or inside the
 * callback form (which publishes nothing). Now and then one bucket is synced into the other. Time
 * moves only by the shared {@link TestClock}.
 *
 * <p>{@value #TRIES} programs per backend by default; {@value #DEEP_TRIES} with {@code -Pdeep}
 * ({@code depot.deep=true}); {@code -Ddepot.differential.tries=N} sets any number.
 */
@AddLifecycleHook(DatabaseProperties.SkipWithoutDatabase.class)
abstract class BlobDifferentialProperties extends DatabaseProperties {
    static final int TRIES = 100;
    static final int DEEP_TRIES = 5_000;
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    static final List<String> BUCKETS = List.of("pics", "docs");
    /** Streams and readers a run keeps open at once: each open long SQL read holds a pooled connection. */
    static final int MAX_OPEN = 2;
    private static final DifferentialDepots DEPOTS = new DifferentialDepots("bdiff");
    /** Programs and steps run, per test class: surefire may run the classes side by side in one JVM. */
    private static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> STEPS = new ConcurrentHashMap<>();

    static AtomicInteger count(Map<String, AtomicInteger> counts, String name) {
        return counts.computeIfAbsent(name, n -> new AtomicInteger());
    }

    @Override
    Map<String, String> urls() {
        return DEPOTS.urls();
    }

    /** Sets the number of tries: CI, deep or explicitly given; reports how many programs and steps ran and for how long. */
    static final class Tries implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            String name = ((DatabaseProperties) context.testInstance()).name();
            return counted(context, property, TRIES, DEEP_TRIES, tries -> String.format("blob differential %s: %d programs requested,"
                    + " %d run, %d steps", context.containerClass().getSimpleName(), tries, count(RUNS, name).getAndSet(0), count(STEPS, name).getAndSet(0)));
        }
    }

    /** Without jqwik's edge cases, which would fill programs with the first path of each list (the empty, invalid one). */
    @Property(edgeCases = EdgeCasesMode.NONE)
    @AddLifecycleHook(Tries.class)
    void blobsBehaveLikeMemory(@ForAll("programs") List<Step> program) {
        count(RUNS, name()).incrementAndGet();
        compare(name(), program);
    }

    static String prefixed(String url) {
        return DEPOTS.prefixed(url);
    }

    @AfterContainer
    static void closeAll() {
        DEPOTS.closeAll();
    }

    /** Runs the program on both depots in lock step and stops at the first step they answer differently. */
    private static void compare(String name, List<Step> program) {
        TestClock clock = DEPOTS.clock(name, START);
        Depot other = DEPOTS.depot(name, clock);
        clock.set(START);
        other.clear();
        try (Depot memory = Depot.open("memory:", DepotOptions.defaults().clock(clock))) {
            Run onOther = new Run(other, clock);
            Run onMemory = new Run(memory, clock);
            List<String> log = new ArrayList<>();
            try {
                for (Step step : program) {
                    count(STEPS, name).incrementAndGet();
                    String a;
                    String b;
                    if (step instanceof Tick tick) {
                        a = b = tick.move(clock, onMemory);
                    } else {
                        a = step.apply(onOther);
                        b = step.apply(onMemory);
                    }
                    assertThat(a).as("step %d %s on %s (actual) vs memory (expected), after:%n%s", log.size(), step, name,
                            String.join("\n", log)).isEqualTo(b);
                    log.add(log.size() + " " + step + " -> " + b);
                }
            } finally {
                onOther.release();
                onMemory.release();
            }
            assertThat(onOther.snapshot()).as("final state on %s (actual) vs memory (expected) after:%n%s", name, String.join("\n", log))
                    .isEqualTo(onMemory.snapshot());
        }
    }

    // ---- one backend's run ----

    /** A stream kept open over later steps, and what it was opened for. */
    record Pending(BlobOutputStream out, String label, Instant opened) {}

    /** What one backend holds open so far: streams not yet published, readers part way through. */
    static final class Run {
        final Depot depot;
        final TestClock clock;
        final List<Pending> streams = new ArrayList<>();
        final List<InputStream> readers = new ArrayList<>();
        String cursor;

        Run(Depot depot, TestClock clock) {
            this.depot = depot;
            this.clock = clock;
        }

        Blobs bucket(int b) {
            return depot.blobs(BUCKETS.get(b));
        }

        /** Aborts the streams and closes the readers still open. */
        void release() {
            streams.forEach(p -> p.out().abort());
            streams.clear();
            for (InputStream in : readers) {
                try {
                    in.close();
                } catch (IOException | RuntimeException e) {
                    // the program is over; what the reader says now is not compared
                }
            }
            readers.clear();
        }

        /** Everything visible at the end: per bucket the tree of directories and blobs with each blob's bytes, the flat listing, the stats. */
        List<String> snapshot() {
            List<String> out = new ArrayList<>();
            for (int b = 0; b < BUCKETS.size(); b++) {
                Blobs blobs = bucket(b);
                out.add(BUCKETS.get(b) + " tree");
                walk(blobs, "", out);
                int n = b;
                out.add(BUCKETS.get(b) + " flat " + attempt(() -> pages(bucket(n), ListOptions.all(), 100)));
            }
            out.add("stats " + new TreeMap<>(depot.stats().blobs()));
            return out;
        }

        private static void walk(Blobs blobs, String prefix, List<String> out) {
            Page<BlobEntry> page = blobs.list(ListOptions.prefix(prefix).delimiter("/").limit(ListOptions.MAX_LIMIT));
            for (BlobEntry e : page.items()) {
                if (e.isDirectory()) {
                    out.add("  D " + e.path());
                    walk(blobs, e.path(), out);
                } else {
                    out.add("  " + info(e.blob()) + " " + attempt(() -> digest(blobs.get(e.path()))));
                }
            }
        }
    }

    // ---- describing answers ----

    /** An instant as its distance from the start, which reads better than a date in a failure. */
    static String time(Instant t) {
        return t == null ? "-" : Duration.between(START, t).toString();
    }

    static String info(BlobInfo i) {
        return "B[" + i.path() + " size=" + i.size() + " " + i.etag() + " " + i.contentType() + " " + new TreeMap<>(i.metadata())
                + " created=" + time(i.created()) + " modified=" + time(i.modified()) + "]";
    }

    /** Bytes as their length and content hash: equal digests mean equal bytes (but for 2^-64). */
    static String digest(byte[] bytes) {
        return "bytes(" + bytes.length + " " + ContentHash.of(bytes) + ")";
    }

    static String entries(Page<BlobEntry> page) {
        StringBuilder s = new StringBuilder("[");
        for (BlobEntry e : page.items()) {
            s.append(s.length() > 1 ? ", " : "").append(e.isDirectory() ? "D " + e.path() : info(e.blob()));
        }
        return s.append("] next=").append(page.nextCursor()).toString();
    }

    /** Up to {@code max} pages, each followed by its cursor. */
    static String pages(Blobs blobs, ListOptions options, int max) {
        List<String> out = new ArrayList<>();
        ListOptions o = options;
        for (int i = 0; i < max; i++) {
            Page<BlobEntry> page = blobs.list(o);
            out.add(entries(page));
            if (page.nextCursor() == null) {
                break;
            }
            o = o.after(page.nextCursor());
        }
        return String.join(" | ", out);
    }

    interface Call {
        Object call() throws Exception;
    }

    /**
     * Runs a call, describing its result or the exception it threw: its type, the message for the
     * errors core words from the blob rules (they name bucket and path, which must be the same
     * everywhere), the cause's type for a wrapped IOException.
     */
    static String attempt(Call call) {
        try {
            return String.valueOf(call.call());
        } catch (DepotException e) {
            return "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (UncheckedIOException e) {
            return "threw UncheckedIOException(" + e.getCause().getClass().getSimpleName() + ")";
        } catch (Exception e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }

    // ---- steps ----

    /** One step of a program; its answer on one backend, described. */
    interface Step {
        String apply(Run r);
    }

    /**
     * Moves the shared clock, but never to an hour past the opening of a stream still open: SQL
     * gives an upload a lease of an hour after its last chunk, after which a sweep takes it for
     * abandoned and its stream fails (CONTRACT.md "SQL backends", abandoned uploads); memory and
     * {@code file:} have no such lease. A writer an hour idle is outside what this test compares.
     */
    record Tick(Duration by) implements Step {
        String move(TestClock clock, Run r) {
            Instant to = clock.instant().plus(by);
            for (Pending p : r.streams) {
                if (!to.isBefore(p.opened().plus(SqlBlobStore.LEASE))) {
                    return "stays at " + time(clock.instant());
                }
            }
            clock.set(to);
            return "now " + time(to);
        }

        @Override
        public String apply(Run r) {
            throw new UnsupportedOperationException("a tick moves the shared clock once, not per run");
        }
    }

    /** Content of {@code size} bytes made from {@code seed}: equal specs, equal bytes. */
    record Content(int size, int seed) {
        byte[] bytes() {
            byte[] b = new byte[size];
            long x = seed * 0x9E3779B97F4A7C15L + 1;
            for (int i = 0; i < size; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                b[i] = (byte) x;
            }
            return b;
        }
    }

    enum Condition { NONE, CREATE_ONLY, MATCH_SEEN, MATCH_OTHER, MATCH_WRONG }

    /** Write options: content type, metadata, a precondition decided from what the run sees when it builds them. */
    record Options(int type, int meta, Condition condition, String other) {
        static final List<String> TYPES = List.of(WriteOptions.DEFAULT_CONTENT_TYPE, "text/plain", "application/json; charset=utf-8",
                "text/plain ", "x/" + "y".repeat(253));
        static final List<Map<String, String>> METAS = List.of(Map.of(), Map.of("owner", "ann"),
                Map.of("K", "ü 日本", "a.b-c_d", ""), Map.of("owner", "bob", "x", "y"), Map.of("e", "\ud83d\ude00 ", "t", " x=y "),
                Map.of("s", "a\ud800b"), big());

        /** Metadata near the 8,192-byte limit, in values of two-byte characters. */
        private static Map<String, String> big() {
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i < 7; i++) {
                m.put("k" + i, "é".repeat(i == 6 ? 512 : 510));
            }
            return m;
        }

        WriteOptions build(Blobs blobs, String path) {
            WriteOptions o = WriteOptions.contentType(TYPES.get(type)).metadata(METAS.get(meta));
            return switch (condition) {
                case NONE -> o;
                case CREATE_ONLY -> o.withIfNoneMatch();
                case MATCH_SEEN -> o.withIfMatch(seenEtag(blobs, path));
                case MATCH_OTHER -> o.withIfMatch(seenEtag(blobs, other));
                case MATCH_WRONG -> o.withIfMatch("00000000ffffffff-0");
            };
        }

        /** The etag of the blob the run sees there now, or a wrong one if there is none (or the path is invalid). */
        private static String seenEtag(Blobs blobs, String path) {
            try {
                return blobs.stat(path).map(BlobInfo::etag).orElse("0000000000000000-1");
            } catch (RuntimeException e) {
                return "0000000000000000-2";
            }
        }
    }

    record Put(int b, String path, Content content, Options options) implements Step {
        @Override
        public String apply(Run r) {
            Blobs blobs = r.bucket(b);
            return attempt(() -> info(blobs.put(path, content.bytes(), options.build(blobs, path))));
        }
    }

    /** How a streamed write writes and ends. */
    enum Mode {
        /** try-with-resources, body returns: publishes. */
        CLOSE,
        /** abort() in the catch of a body that throws: publishes nothing. */
        ABORT,
        /** try-with-resources around a body that throws after writing: close() publishes what was written. */
        THROW_IN_TRY,
        /** The callback form, returning normally. */
        CALLBACK,
        /** The callback form, closing {@code out} itself (which must not publish) and returning. */
        CALLBACK_CLOSES,
        /** The callback form, throwing an IOException after writing: nothing published, wrapped. */
        CALLBACK_THROWS_IO,
        /** The callback form, throwing a RuntimeException: nothing published, rethrown. */
        CALLBACK_THROWS
    }

    /** Writes content to a stream: whole, a byte at a time for the first bytes, or in pieces. */
    static void pour(OutputStream out, byte[] bytes, int style) throws IOException {
        switch (style) {
            case 0 -> out.write(bytes);
            case 1 -> {
                int first = Math.min(bytes.length, 300);
                for (int i = 0; i < first; i++) {
                    out.write(bytes[i]);
                }
                out.write(bytes, first, bytes.length - first);
            }
            default -> {
                int at = 0;
                int piece = 1;
                while (at < bytes.length) {
                    int n = Math.min(piece, bytes.length - at);
                    out.write(bytes, at, n);
                    at += n;
                    piece = piece * 3 + 7;
                }
            }
        }
    }

    record Stream(int b, String path, Content content, Options options, int style, Mode mode) implements Step {
        @Override
        public String apply(Run r) {
            Blobs blobs = r.bucket(b);
            return attempt(() -> {
                WriteOptions o = options.build(blobs, path);
                byte[] bytes = content.bytes();
                return switch (mode) {
                    case CLOSE -> {
                        BlobOutputStream out = blobs.write(path, o);
                        try (out) {
                            pour(out, bytes, style);
                        }
                        yield info(out.published());
                    }
                    case ABORT -> {
                        BlobOutputStream out = blobs.write(path, o);
                        try {
                            pour(out, bytes, style);
                            throw new IllegalStateException("body failed");
                        } catch (IllegalStateException e) {
                            out.abort();
                            out.close();
                        }
                        yield "aborted; published " + attempt(out::published);
                    }
                    case THROW_IN_TRY -> {
                        BlobOutputStream out = blobs.write(path, o);
                        String thrown = attempt(() -> {
                            try (out) {
                                pour(out, bytes, style);
                                throw new IllegalStateException("body failed");
                            }
                        });
                        yield thrown + "; published " + attempt(() -> info(out.published()));
                    }
                    case CALLBACK -> info(blobs.write(path, o, out -> pour(out, bytes, style)));
                    case CALLBACK_CLOSES -> info(blobs.write(path, o, out -> {
                        pour(out, bytes, style);
                        out.close();
                    }));
                    case CALLBACK_THROWS_IO -> info(blobs.write(path, o, out -> {
                        pour(out, bytes, style);
                        throw new IOException("body failed");
                    }));
                    case CALLBACK_THROWS -> info(blobs.write(path, o, out -> {
                        pour(out, bytes, style);
                        throw new IllegalArgumentException("body failed");
                    }));
                };
            });
        }
    }

    /** Opens a stream, writes the content and keeps it open for a later {@link Finish}. */
    record Open(int b, String path, Content content, Options options) implements Step {
        @Override
        public String apply(Run r) {
            if (r.streams.size() >= MAX_OPEN) {
                Pending oldest = r.streams.removeFirst();
                oldest.out().abort();
            }
            Blobs blobs = r.bucket(b);
            return attempt(() -> {
                BlobOutputStream out = blobs.write(path, options.build(blobs, path));
                r.streams.add(new Pending(out, BUCKETS.get(b) + ":" + path, r.clock.instant()));
                pour(out, content.bytes(), 2);
                return "open " + r.streams.size();
            });
        }
    }

    /** Closes (publishes) or aborts the k-th stream kept open, then asks it what it published. */
    record Finish(int k, boolean abort) implements Step {
        @Override
        public String apply(Run r) {
            if (r.streams.isEmpty()) {
                return "no stream";
            }
            Pending p = r.streams.remove(k % r.streams.size());
            String done = attempt(() -> {
                if (abort) {
                    p.out().abort();
                } else {
                    p.out().close();
                }
                return abort ? "aborted" : "closed";
            });
            return p.label() + " " + done + "; published " + attempt(() -> info(p.out().published()));
        }
    }

    record Get(int b, String path) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> digest(r.bucket(b).get(path)));
        }
    }

    /**
     * An offset or length: {@code n} itself, or (when {@code fromEnd}) the blob's size the run sees
     * minus {@code n} (so ranges land at and around the end whatever the size).
     */
    record At(long n, boolean fromEnd) {
        long of(Blobs blobs, String path) {
            if (!fromEnd) {
                return n;
            }
            try {
                return blobs.stat(path).map(BlobInfo::size).orElse(0L) - n;
            } catch (RuntimeException e) {
                return n;
            }
        }
    }

    record Read(int b, String path, At offset, At length) implements Step {
        @Override
        public String apply(Run r) {
            Blobs blobs = r.bucket(b);
            return attempt(() -> {
                try (InputStream in = blobs.read(path, offset.of(blobs, path), length.of(blobs, path))) {
                    return digest(in.readAllBytes());
                }
            });
        }
    }

    /** Opens a ranged read, reads {@code first} bytes and keeps it open for a later {@link ReadRest}. */
    record OpenRead(int b, String path, At offset, int first) implements Step {
        @Override
        public String apply(Run r) {
            if (r.readers.size() >= MAX_OPEN) {
                ReadRest.close(r.readers.removeFirst());
            }
            Blobs blobs = r.bucket(b);
            return attempt(() -> {
                InputStream in = blobs.read(path, offset.of(blobs, path), Long.MAX_VALUE);
                r.readers.add(in);
                return digest(in.readNBytes(first));
            });
        }
    }

    /** Reads the rest of the k-th reader kept open: the content it opened, whatever happened since. */
    record ReadRest(int k) implements Step {
        @Override
        public String apply(Run r) {
            if (r.readers.isEmpty()) {
                return "no reader";
            }
            InputStream in = r.readers.remove(k % r.readers.size());
            try {
                return attempt(() -> digest(in.readAllBytes()));
            } finally {
                close(in);
            }
        }

        static void close(InputStream in) {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    record Stat(int b, String path) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> r.bucket(b).stat(path).map(BlobDifferentialProperties::info).orElse("none"));
        }
    }

    record Exists(int b, String path) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> r.bucket(b).exists(path));
        }
    }

    record Delete(int b, String path) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> r.bucket(b).delete(path));
        }
    }

    record Copy(int b, String from, String to) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> info(r.bucket(b).copy(from, to)));
        }
    }

    record Move(int b, String from, String to) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> info(r.bucket(b).move(from, to)));
        }
    }

    record Mkdir(int b, String path) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> {
                r.bucket(b).mkdir(path);
                return "made";
            });
        }
    }

    record Rmdir(int b, String path) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> {
                r.bucket(b).rmdir(path);
                return "removed";
            });
        }
    }

    /**
     * Lists up to {@code pages} pages from {@code after}; with {@code resume}, from the cursor the
     * run's last listing stopped at (so changes in between meet a cursor), and the run keeps the
     * cursor it stops at.
     */
    record ListStep(int b, String prefix, boolean fold, String after, int limit, int pages, boolean resume) implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> {
                ListOptions o = ListOptions.prefix(prefix).delimiter(fold ? "/" : null).limit(limit)
                        .after(resume ? r.cursor : after);
                List<String> out = new ArrayList<>();
                for (int i = 0; i < pages; i++) {
                    Page<BlobEntry> page = r.bucket(b).list(o);
                    out.add(entries(page));
                    r.cursor = page.nextCursor();
                    if (page.nextCursor() == null) {
                        break;
                    }
                    o = o.after(page.nextCursor());
                }
                return String.join(" | ", out);
            });
        }
    }

    /** Syncs one bucket into the other (of the same depot): the report and every progress decision. */
    record Sync(int from, String prefix, boolean deleting, boolean dryRun) implements Step {
        @Override
        public String apply(Run r) {
            List<String> progress = new ArrayList<>();
            SyncOptions o = SyncOptions.defaults().withPrefix(prefix).onProgress(p -> progress.add(p.path() + " " + p.action() + " "
                    + p.blobsSeen() + " " + p.bytesCopied()));
            SyncOptions options = (deleting ? o.deletingExtraneous() : o);
            return attempt(() -> Blobs.sync(r.bucket(from), r.bucket(1 - from), dryRun ? options.asDryRun() : options) + " " + progress);
        }
    }

    record ClearDepot() implements Step {
        @Override
        public String apply(Run r) {
            return attempt(() -> {
                r.depot.clear();
                return "cleared";
            });
        }
    }

    // ---- generators ----

    /** A valid path of 1,024 UTF-8 bytes in eight segments of 127 or 128 bytes. */
    static final String LONGEST = ("x".repeat(127) + "/").repeat(7) + "x".repeat(128);

    /** Paths that collide: nested, sorting around '/', non-ASCII (NFC and NFD, case, beyond the BMP). */
    static final List<String> PATHS = List.of("a", "a/b", "a/b/c", "a/b/c/d", "b", "b/x", "b/x/y", "a-b", "a.c", "a0", "a b/ü", "ü",
            "\u00e9", "e\u0301", "A", "日本/語", "\uff5e", "\ud83d\ude00", "\ud83d\ude00/x", "z".repeat(255), LONGEST, "a/b-c", "a/b/c.txt");

    /** Paths the contract refuses. */
    static final List<String> INVALID = List.of("", "/a", "a/", "a//b", ".", "a/..", "./b", "a\u0000b", "a\u007f", "\ud800", "\ude00x",
            "z".repeat(256), LONGEST + "x", "a/./b");

    static Arbitrary<String> path() {
        return Arbitraries.frequencyOf(Tuple.of(30, Arbitraries.of("a", "a/b", "a/b/c", "b", "b/x")), Tuple.of(20, Arbitraries.of(PATHS)),
                Tuple.of(1, Arbitraries.of(INVALID)));
    }

    static Arbitrary<Integer> bucket() {
        return Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(1, 1));
    }

    /** Mostly small; now and then across the stream's 8 KiB buffer, memory's 64 KiB chunk, rarely SQL's 1 MiB chunk. */
    static Arbitrary<Content> content() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(60, Arbitraries.integers().between(0, 40)),
                Tuple.of(15, Arbitraries.of(0, 100, 2047, 8191, 8192, 8193, 20_000)),
                Tuple.of(8, Arbitraries.of(65_535, 65_536, 65_537, 131_072, 131_075)),
                Tuple.of(1, Arbitraries.of(1_048_575, 1_048_576, 1_048_577, 2 * 1_048_576 + 5)));
        return Combinators.combine(size, Arbitraries.integers().between(0, 2)).as(Content::new);
    }

    static Arbitrary<Options> options() {
        Arbitrary<Condition> condition = Arbitraries.frequency(Tuple.of(10, Condition.NONE), Tuple.of(3, Condition.CREATE_ONLY),
                Tuple.of(3, Condition.MATCH_SEEN), Tuple.of(1, Condition.MATCH_OTHER), Tuple.of(1, Condition.MATCH_WRONG));
        return Combinators.combine(Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(2, 1), Tuple.of(2, 2), Tuple.of(1, 3), Tuple.of(1, 4)),
                Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(2, 1), Tuple.of(2, 2), Tuple.of(2, 3), Tuple.of(1, 4), Tuple.of(1, 5),
                        Tuple.of(1, 6)), condition, path()).as(Options::new);
    }

    static Arbitrary<At> at() {
        Arbitrary<At> absolute = Arbitraries.of(0L, 1L, 7L, 8192L, 65_535L, 65_536L, 65_537L, 1_048_576L, -1L, Long.MAX_VALUE)
                .map(n -> new At(n, false));
        Arbitrary<At> fromEnd = Arbitraries.of(-1L, 0L, 1L, 2L, 65_536L).map(n -> new At(n, true));
        return Arbitraries.oneOf(absolute, fromEnd);
    }

    static Arbitrary<String> prefix() {
        return Arbitraries.of("", "", "a", "a/", "a/b", "a/b/", "b", "b/x/", "ü", "e", "\ud83d\ude00", "\uff5e", "x", "a-", "z", "日本/");
    }

    static Arbitrary<String> after() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just((String) null)), Tuple.of(3, Arbitraries.of(PATHS)),
                Tuple.of(2, Arbitraries.of("a/", "b/x/", "a/b/", "", "zzz", "\uffff", "a/b/c/", "\ud83d\ude00/")));
    }

    static Arbitrary<Step> step() {
        Arbitrary<Step> put = Combinators.combine(bucket(), path(), content(), options()).as(Put::new);
        Arbitrary<Step> stream = Combinators.combine(bucket(), path(), content(), options(), Arbitraries.integers().between(0, 2),
                Arbitraries.of(Mode.values())).as(Stream::new);
        Arbitrary<Step> open = Combinators.combine(bucket(), path(), content(), options()).as(Open::new);
        Arbitrary<Step> finish = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true))).as(Finish::new);
        Arbitrary<Step> get = Combinators.combine(bucket(), path()).as(Get::new);
        Arbitrary<Step> read = Combinators.combine(bucket(), path(), at(), at()).as(Read::new);
        Arbitrary<Step> openRead = Combinators.combine(bucket(), path(), at(), Arbitraries.of(0, 1, 100, 70_000)).as(OpenRead::new);
        Arbitrary<Step> readRest = Arbitraries.integers().between(0, 3).map(ReadRest::new);
        Arbitrary<Step> stat = Combinators.combine(bucket(), path()).as(Stat::new);
        Arbitrary<Step> exists = Combinators.combine(bucket(), path()).as(Exists::new);
        Arbitrary<Step> delete = Combinators.combine(bucket(), path()).as(Delete::new);
        Arbitrary<Step> copy = Combinators.combine(bucket(), path(), path()).as(Copy::new);
        Arbitrary<Step> move = Combinators.combine(bucket(), path(), path()).as(Move::new);
        Arbitrary<Step> mkdir = Combinators.combine(bucket(), path()).as(Mkdir::new);
        Arbitrary<Step> rmdir = Combinators.combine(bucket(), path()).as(Rmdir::new);
        Arbitrary<Step> list = Combinators.combine(bucket(), prefix(), Arbitraries.of(true, false), after(),
                Arbitraries.of(1, 2, 3, 1000), Arbitraries.integers().between(1, 4), Arbitraries.frequency(Tuple.of(3, false),
                        Tuple.of(1, true))).as(ListStep::new);
        Arbitrary<Step> tick = Arbitraries.of(Duration.ofNanos(500), Duration.ofNanos(1000), Duration.ofSeconds(1), Duration.ofHours(1))
                .map(Tick::new);
        Arbitrary<Step> sync = Combinators.combine(Arbitraries.of(0, 1), Arbitraries.of("", "", "a", "a/", "b"), Arbitraries.of(true, false),
                Arbitraries.frequency(Tuple.of(3, false), Tuple.of(1, true))).as(Sync::new);
        return Arbitraries.frequencyOf(Tuple.of(1, sync),
                Tuple.of(24, put), Tuple.of(8, stream), Tuple.of(4, open), Tuple.of(4, finish), Tuple.of(3, get), Tuple.of(4, read),
                Tuple.of(3, openRead), Tuple.of(3, readRest), Tuple.of(3, stat), Tuple.of(1, exists), Tuple.of(4, delete),
                Tuple.of(5, copy), Tuple.of(5, move), Tuple.of(4, mkdir), Tuple.of(3, rmdir), Tuple.of(8, list), Tuple.of(4, tick));
    }

    @Provide
    Arbitrary<List<Step>> programs() {
        Arbitrary<Step> any = Arbitraries.frequencyOf(Tuple.of(150, step()), Tuple.of(1, Arbitraries.just(new ClearDepot())));
        return any.list().ofMinSize(1).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
    }
}
