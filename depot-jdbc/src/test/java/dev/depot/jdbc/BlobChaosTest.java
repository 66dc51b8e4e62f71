package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BackendUnavailableException;
import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.BucketStats;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ListOptions;
import dev.depot.NotFoundException;
import dev.depot.Page;
import dev.depot.WriteOptions;
import dev.depot.spi.ContentHash;
import dev.depot.spi.DepotUrl;
import dev.depot.testing.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Blob writers (byte arrays, streams, streams given up half-way), deletes, copies and moves, and a
 * reader, while a {@link FaultProxy} cuts the first process's connections at random (mid-chunk,
 * mid-publish, mid-commit), refuses new ones and stalls them; one writer is a second process, out of
 * the faults' way. Every blob's bytes name the write they came from and carry a checksum, so each
 * read can tell whose content it got and whether it is whole. The test proves:
 *
 * <ul>
 *   <li>every read that succeeds, during the faults and after, returns the whole content of one write
 *       attempted for that path (or copied or moved there from a path of the same writer): never a
 *       prefix, a mix, another writer's content, nor content whose write was aborted or failed before
 *       publishing; and its {@link BlobInfo} (size, etag, content type, metadata) is that write's;
 *   <li>an acknowledged call is durable: afterwards each path holds what its last acknowledged write,
 *       delete, copy or move left, or what a later call of unknown outcome may have left. A call that
 *       failed with {@link BackendUnavailableException} (also inside a stream's {@link IOException})
 *       may have happened or not, but not half; any other failure fails the test;
 *   <li>afterwards, on a clean depot: the listing of every prefix agrees with {@code stat} of every
 *       path, the bucket's stats agree with the listing, no upload or chunk shows as a blob, no chunk
 *       is orphaned (named by neither a blob nor an upload), and a later process whose sweep finds
 *       every upload's lease run out removes all uploads left by the faults without touching a
 *       published blob.
 * </ul>
 *
 * No call hangs: faults are paced by the writers' calls through them ({@link ChaosPace}), which fails
 * when no call ends for 30 s; 600 calls per server by default, 5,000 with {@code
 * -Ddepot.deep=true}, or {@code -Ddepot.chaos.calls=N}. Sizes run from 0 B to about 300 KB, with a
 * few blobs of 2 and 3 chunks and rarely one of 5 (the SQL chunk is 1 MiB: below it nothing is
 * uploaded before the publish, so without them the uploads table, multi-chunk reads, aborts of stored
 * chunks and the deletion of big replaced content after its commit would go untested).
 */
class BlobChaosTest {
    private static final String BUCKET = "chaos";
    /** Written by every writer; nobody deletes, copies or moves it. */
    private static final String SHARED = "shared/blob";
    /** Each writer's own paths, under {@code w<id>/}: nested, so writes make directories and listings fold them. */
    private static final List<String> OWN = List.of("a", "b", "sub/c", "sub/d", "sub/deep/e");
    private static final int WRITERS = 4;
    private static final List<String> TYPES = List.of("application/octet-stream", "application/x-chaos", "text/plain; charset=x-chaos");
    private static final int MIB = 1 << 20;
    /** In a writer's model: the path may hold no blob. */
    private static final String ABSENT = "(absent)";
    /** What {@link #identify} says of zero bytes, which cannot name their write. */
    private static final String EMPTY = "";

    /** Header: magic, writer, sequence number, size; then a pseudo-random body; then the CRC-32 of all before it. */
    private static final int MAGIC = 0xB10BC4A5;
    private static final int HEADER = 4 + 4 + 8 + 4;
    private static final int SMALLEST = HEADER + 4;

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("postgresql", (Supplier<String>) TestDatabases::postgres, 5432),
                Arguments.of("mariadb", (Supplier<String>) TestDatabases::mariadb, 3306));
    }

    enum Outcome { OK, UNKNOWN, NOT_PUBLISHED }

    /** One write's content and options, registered before the call so that any read can name it. */
    record Content(String id, String path, int size, String type, String etag) {
        static Content of(int writer, long seq, String path, int size) {
            String id = writer + "-" + seq;
            return new Content(id, path, size, TYPES.get((int) (seq % TYPES.size())), ContentHash.of(pattern(writer, seq, size)));
        }

        byte[] bytes() {
            int dash = id.indexOf('-');
            return pattern(Integer.parseInt(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)), size);
        }

        WriteOptions options() {
            return WriteOptions.contentType(type).metadata("chaos", id);
        }
    }

    /** A call on the shared path, timed: an acknowledged write that began after another call ended replaced what that call left. */
    record SharedWrite(String id, long start, long end, Outcome outcome) {}

    /** What the callers were told, and what the readers saw. */
    static final class Ledger {
        final Map<String, Content> contents = new ConcurrentHashMap<>();
        /** Aborted, or failed before publishing: no read may ever return these. */
        final Set<String> neverPublished = ConcurrentHashMap.newKeySet();
        /** Contents any read returned, during the run or after. */
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        /** Writes that failed as unavailable where they may have published: seen, they did. */
        final Set<String> unknownWrites = ConcurrentHashMap.newKeySet();
        final List<SharedWrite> shared = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final AtomicLong attempts = new AtomicLong();
        final AtomicLong unknown = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong unavailableReads = new AtomicLong();

        Content register(Content c) {
            contents.put(c.id(), c);
            return c;
        }

        Content content(String id) {
            Content c = contents.get(id);
            assertThat(c).as("content %s was written by no call of this test", id).isNotNull();
            return c;
        }

        /**
         * A read of {@code path} by someone who cannot know what its writer did last: the content must
         * be one attempted for that path, or for another path of the same writer (copies and moves
         * stay among a writer's own paths), and whole.
         */
        void checkForeign(String path, String id) {
            reads.incrementAndGet();
            if (id.equals(EMPTY)) {
                assertThat(contents.values()).as("%s: read empty, but no empty write was attempted there", path)
                        .anyMatch(c -> c.size() == 0 && related(c.path(), path));
                return;
            }
            Content c = content(id);
            assertThat(related(c.path(), path)).as("%s holds %s, written for %s", path, id, c.path()).isTrue();
            seen.add(id);
        }

        /** Whether content written for {@code origin} may be at {@code path}: the shared path's own, or the same writer's. */
        private static boolean related(String origin, String path) {
            if (origin.equals(SHARED) || path.equals(SHARED)) {
                return origin.equals(path);
            }
            return origin.substring(0, origin.indexOf('/')).equals(path.substring(0, path.indexOf('/')));
        }

        void checkForeign(BlobInfo info) {
            checkForeign(info.path(), idOf(info));
            checkInfo(info, info.path(), content(idOf(info)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void everyReadIsOneWholeWriteAndAcknowledgedWritesStayWhileConnectionsAreCut(String name, Supplier<String> server, int port)
            throws Exception {
        String prefix = "bc" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";
        String base = TestDatabases.fresh(server.get(), prefix);
        long began = System.nanoTime();
        Ledger ledger = new Ledger();
        try (FaultProxy proxy = new FaultProxy(port);
                Depot chaotic = Depot.open(proxy.route(base, port) + FeedChaosTest.BOUNDS);
                Depot direct = Depot.open(base)) {
            ChaosPace pace = new ChaosPace();
            List<Writer> writers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                // writer 0 is another process, out of the faults' way
                Writer writer = new Writer(w, (w == 0 ? direct : chaotic).blobs(BUCKET), w != 0, ledger, pace);
                writers.add(writer);
                threads.add(Thread.ofPlatform().name("chaos-blob-writer-" + w).start(writer));
            }
            threads.add(Thread.ofPlatform().name("chaos-blob-reader").start(() -> readAround(chaotic.blobs(BUCKET), ledger, pace)));
            FeedChaosTest.runFaults(proxy, pace, threads, ledger.failures);
            FeedChaosTest.assertNoFailures(ledger.failures);

            Blobs blobs = direct.blobs(BUCKET);
            Map<String, BlobInfo> found = new TreeMap<>();
            for (Writer w : writers) {
                w.checkFinal(blobs, found);
            }
            checkShared(blobs, ledger, found);
            assertThat(ledger.seen).as("contents read during the run whose write was aborted or failed before publishing")
                    .doesNotContainAnyElementsOf(ledger.neverPublished);
            checkListings(blobs, found);
            BucketStats stats = direct.stats().blobs().getOrDefault(BUCKET, new BucketStats(0, 0));
            assertThat(stats).as("the bucket's stats against its blobs")
                    .isEqualTo(new BucketStats(found.size(), found.values().stream().mapToLong(BlobInfo::size).sum()));
            long uploadsLeft = checkTables(base, prefix, false);

            // A later process, its clock past every upload's lease: its opening sweeps what the faults left.
            DepotOptions later = DepotOptions.defaults().clock(new TestClock(Instant.now().plus(SqlBlobStore.LEASE).plus(Duration.ofHours(1))));
            try (Depot sweeping = Depot.open(base, later)) {
                checkTables(base, prefix, true);
                Blobs after = sweeping.blobs(BUCKET);
                for (Map.Entry<String, BlobInfo> e : found.entrySet()) {
                    assertThat(after.stat(e.getKey())).as("%s after the sweep", e.getKey()).contains(e.getValue());
                    assertThat(identify(after.get(e.getKey()))).as("%s after the sweep", e.getKey())
                            .isEqualTo(e.getValue().size() == 0 ? EMPTY : idOf(e.getValue()));
                }
            }
            LoggerFactory.getLogger(BlobChaosTest.class).info(
                    "{}: {} calls through the faults; {} attempts ({} of unknown outcome, of which {} writes seen applied; {} never"
                            + " published: aborted or failed before publishing); {} reads checked ({} more failed as unavailable); {} blobs"
                            + " at the end, {} uploads left for the sweep; {} s",
                    name, pace.calls(), ledger.attempts.get(), ledger.unknown.get(),
                    ledger.unknownWrites.stream().filter(ledger.seen::contains).count(), ledger.neverPublished.size(), ledger.reads.get(),
                    ledger.unavailableReads.get(), found.size(), uploadsLeft, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
        } finally {
            TestDatabases.release(base, prefix);
        }
    }

    /**
     * One writer: random calls on its own paths and the shared one until the run ends. Only it
     * changes its own paths, so it knows for each which contents it may hold: exactly one after an
     * acknowledged call, one more after each call of unknown outcome. A late commit of an unknown
     * call cannot land after a later call, because every change of a bucket locks the bucket's row
     * first: a stalled commit holds that lock until it ends, and the later call waits for it.
     */
    static final class Writer implements Runnable {
        final int id;
        final Blobs blobs;
        final boolean throughFaults;
        final Ledger ledger;
        final ChaosPace pace;
        final SplittableRandom random;
        /** Per own path: ids of the contents it may hold, or {@code ABSENT}. */
        final Map<String, Set<String>> possible = new HashMap<>();
        long seq;

        Writer(int id, Blobs blobs, boolean throughFaults, Ledger ledger, ChaosPace pace) {
            this.id = id;
            this.blobs = blobs;
            this.throughFaults = throughFaults;
            this.ledger = ledger;
            this.pace = pace;
            this.random = new SplittableRandom(id * 7919L + System.nanoTime());
            for (String p : OWN) {
                possible.put(path(p), new HashSet<>(Set.of(ABSENT)));
            }
        }

        String path(String own) {
            return "w" + id + "/" + own;
        }

        String anyOwn() {
            return path(OWN.get(random.nextInt(OWN.size())));
        }

        @Override
        public void run() {
            try {
                while (pace.running()) {
                    try {
                        step();
                    } finally {
                        if (throughFaults) {
                            pace.called();
                        }
                    }
                    if (!throughFaults) {
                        // Keeps step with the faulty writers instead of taking the two cores from them.
                        pace.awaitCalls(1);
                    }
                }
            } catch (Throwable t) {
                ledger.failures.add(t);
                pace.stop(); // the run ends now and reports this, rather than waiting for calls that will not come
            }
        }

        private void step() {
            int roll = random.nextInt(100);
            if (roll < 85) {
                ledger.attempts.incrementAndGet();
            }
            if (roll < 55) {
                String path = roll < 45 ? anyOwn() : SHARED;
                Content c = ledger.register(Content.of(id, seq++, path, size()));
                long start = System.nanoTime();
                Outcome o = write(c);
                if (o == Outcome.UNKNOWN) {
                    ledger.unknown.incrementAndGet();
                    ledger.unknownWrites.add(c.id());
                } else if (o == Outcome.NOT_PUBLISHED) {
                    ledger.neverPublished.add(c.id());
                }
                if (path.equals(SHARED)) {
                    ledger.shared.add(new SharedWrite(c.id(), start, System.nanoTime(), o));
                } else if (o == Outcome.OK) {
                    possible.put(path, new HashSet<>(Set.of(c.id())));
                } else if (o == Outcome.UNKNOWN) {
                    possible.get(path).add(c.id());
                }
            } else if (roll < 65) {
                delete(anyOwn());
            } else if (roll < 85) {
                String from = anyOwn();
                String to = anyOwn();
                while (to.equals(from)) {
                    to = anyOwn();
                }
                transfer(from, to, roll < 75);
            } else {
                read(anyOwn());
            }
        }

        /**
         * 0 B to about 300 KB; a few of 2 or 3 SQL chunks (stored before the publish, under an
         * upload); rarely one of 5 (whose replaced content is deleted after its commit, in batches).
         */
        private int size() {
            int roll = random.nextInt(200);
            if (roll < 8) {
                return 0;
            } else if (roll < 48) {
                return SMALLEST + random.nextInt(2000);
            } else if (roll < 190) {
                return SMALLEST + random.nextInt(300_000);
            } else if (roll < 198) {
                return MIB + random.nextInt(MIB + MIB / 2);
            }
            return 4 * MIB + 1 + random.nextInt(MIB - 1);
        }

        /** Writes {@code c} in one of the three forms; streams are sometimes given up half-way. */
        private Outcome write(Content c) {
            byte[] bytes = c.bytes();
            switch (random.nextInt(3)) {
                case 0 -> {
                    try {
                        checkInfo(blobs.put(c.path(), bytes, c.options()), c.path(), c);
                        return Outcome.OK;
                    } catch (RuntimeException e) {
                        // put does not say whether it failed before publishing: unknown
                        expectUnavailable(e);
                        return Outcome.UNKNOWN;
                    }
                }
                case 1 -> {
                    boolean giveUp = random.nextInt(6) == 0;
                    int upTo = giveUp ? random.nextInt(bytes.length + 1) : bytes.length;
                    boolean[] bodyFailed = {false};
                    try {
                        BlobInfo info = blobs.write(c.path(), c.options(), out -> {
                            try {
                                pieces(out, bytes, upTo);
                            } catch (IOException e) {
                                bodyFailed[0] = true;
                                throw e;
                            }
                            if (giveUp) {
                                throw new GivenUp();
                            }
                        });
                        checkInfo(info, c.path(), c);
                        return Outcome.OK;
                    } catch (GivenUp e) {
                        return Outcome.NOT_PUBLISHED;
                    } catch (RuntimeException e) {
                        expectUnavailable(e);
                        // a stream's own write that failed publishes nothing; a failed publish may have published
                        return bodyFailed[0] ? Outcome.NOT_PUBLISHED : Outcome.UNKNOWN;
                    }
                }
                default -> {
                    BlobOutputStream out = blobs.write(c.path(), c.options());
                    boolean giveUp = random.nextInt(4) == 0;
                    try {
                        pieces(out, bytes, giveUp ? random.nextInt(bytes.length + 1) : bytes.length);
                    } catch (IOException e) {
                        expectUnavailable(e);
                        out.close(); // after its own write failed, close publishes nothing
                        assertThatThrownBy(out::published).as("a stream whose write failed, closed").isInstanceOf(IllegalStateException.class);
                        return Outcome.NOT_PUBLISHED;
                    }
                    if (giveUp) {
                        out.abort();
                        out.close();
                        assertThatThrownBy(out::published).as("an aborted stream, closed").isInstanceOf(IllegalStateException.class);
                        return Outcome.NOT_PUBLISHED;
                    }
                    try {
                        out.close();
                    } catch (RuntimeException e) {
                        expectUnavailable(e);
                        return Outcome.UNKNOWN;
                    }
                    checkInfo(out.published(), c.path(), c);
                    return Outcome.OK;
                }
            }
        }

        /** The first {@code upTo} bytes, in pieces of one byte to 200 KB (small ones are gathered by the stream, big ones split). */
        private void pieces(OutputStream out, byte[] bytes, int upTo) throws IOException {
            for (int at = 0; at < upTo; ) {
                int roll = random.nextInt(10);
                if (roll == 0) {
                    out.write(bytes[at++]);
                    continue;
                }
                int n = Math.min(upTo - at, 1 + (roll < 4 ? random.nextInt(2000) : random.nextInt(200_000)));
                out.write(bytes, at, n);
                at += n;
            }
        }

        private void delete(String path) {
            Set<String> may = possible.get(path);
            try {
                boolean had = blobs.delete(path);
                if (had) {
                    assertThat(may).as("%s: delete found a blob where none could be", path).anyMatch(x -> !x.equals(ABSENT));
                } else {
                    assertThat(may).as("%s: delete found nothing, but a blob had to be there", path).contains(ABSENT);
                }
                possible.put(path, new HashSet<>(Set.of(ABSENT)));
            } catch (RuntimeException e) {
                expectUnavailable(e);
                ledger.unknown.incrementAndGet();
                may.add(ABSENT);
            }
        }

        /** A copy, or a move; either replaces a blob at {@code to}. */
        private void transfer(String from, String to, boolean copy) {
            Set<String> source = possible.get(from);
            try {
                BlobInfo info = copy ? blobs.copy(from, to) : blobs.move(from, to);
                String id = idOf(info);
                assertThat(source).as("%s: %s %s, which it could not hold", from, copy ? "copied" : "moved", id).contains(id);
                checkInfo(info, to, ledger.content(id));
                possible.put(to, new HashSet<>(Set.of(id)));
                possible.put(from, new HashSet<>(Set.of(copy ? id : ABSENT)));
            } catch (NotFoundException e) {
                assertThat(source).as("%s: not found to %s, but a blob had to be there", from, copy ? "copy" : "move").contains(ABSENT);
                possible.put(from, new HashSet<>(Set.of(ABSENT)));
            } catch (RuntimeException e) {
                expectUnavailable(e);
                ledger.unknown.incrementAndGet();
                source.stream().filter(x -> !x.equals(ABSENT)).forEach(possible.get(to)::add);
                if (!copy) {
                    source.add(ABSENT);
                }
            }
        }

        /** A read of an own path in one of five ways, checked against what the path may hold. */
        private void read(String path) {
            Set<String> may = possible.get(path);
            try {
                switch (random.nextInt(5)) {
                    case 0 -> expectOne(path, identify(blobs.get(path)));
                    case 1 -> {
                        ByteArrayOutputStream got = new ByteArrayOutputStream();
                        try (InputStream in = blobs.read(path)) {
                            if (random.nextBoolean()) {
                                in.transferTo(got);
                            } else {
                                byte[] buf = new byte[1 + random.nextInt(100_000)];
                                for (int n; (n = in.read(buf, 0, 1 + random.nextInt(buf.length))) >= 0; ) {
                                    got.write(buf, 0, n);
                                }
                            }
                        }
                        expectOne(path, identify(got.toByteArray()));
                    }
                    case 2 -> {
                        // A range: its bytes must be that range of one content the path may hold.
                        int longest = may.stream().filter(x -> !x.equals(ABSENT)).mapToInt(x -> ledger.content(x).size()).max().orElse(0);
                        long offset = random.nextInt(longest + 10);
                        long length = random.nextInt(MIB + MIB / 2);
                        byte[] got;
                        try (InputStream in = blobs.read(path, offset, length)) {
                            got = in.readAllBytes();
                        }
                        ledger.reads.incrementAndGet();
                        assertThat(may).as("%s: %d bytes from %d are no range of what it may hold", path, got.length, offset)
                                .anyMatch(x -> !x.equals(ABSENT) && Arrays.equals(got, range(ledger.content(x).bytes(), offset, length)));
                    }
                    case 3 -> {
                        Optional<BlobInfo> info = blobs.stat(path);
                        ledger.reads.incrementAndGet();
                        if (info.isEmpty()) {
                            assertThat(may).as("%s: stat found nothing", path).contains(ABSENT);
                        } else {
                            String id = idOf(info.get());
                            assertThat(may).as("%s: stat found %s", path, id).contains(id);
                            checkInfo(info.get(), path, ledger.content(id));
                            ledger.seen.add(id);
                        }
                    }
                    default -> {
                        String prefix = path.substring(0, path.lastIndexOf('/') + 1);
                        Set<String> unlisted = new HashSet<>(possible.keySet());
                        unlisted.removeIf(p -> !p.startsWith(prefix));
                        for (BlobEntry e : listAll(blobs, ListOptions.prefix(prefix).limit(1 + random.nextInt(3)))) {
                            String id = idOf(e.blob());
                            ledger.reads.incrementAndGet();
                            assertThat(possible.get(e.path())).as("%s: listed with %s", e.path(), id).isNotNull().contains(id);
                            checkInfo(e.blob(), e.path(), ledger.content(id));
                            ledger.seen.add(id);
                            unlisted.remove(e.path());
                        }
                        for (String p : unlisted) {
                            assertThat(possible.get(p)).as("%s: not listed under %s", p, prefix).contains(ABSENT);
                        }
                    }
                }
            } catch (NotFoundException e) {
                ledger.reads.incrementAndGet();
                assertThat(may).as("%s: not found", path).contains(ABSENT);
            } catch (RuntimeException | IOException e) {
                expectUnavailable(e);
                ledger.unavailableReads.incrementAndGet();
            }
        }

        private void expectOne(String path, String id) {
            ledger.reads.incrementAndGet();
            Set<String> may = possible.get(path);
            if (id.equals(EMPTY)) {
                assertThat(may).as("%s: read empty", path).anyMatch(x -> !x.equals(ABSENT) && ledger.content(x).size() == 0);
            } else {
                assertThat(may).as("%s: read %s", path, id).contains(id);
                ledger.seen.add(id);
            }
        }

        /** After the run, on a clean depot: each own path holds one of the contents it may hold, whole. */
        void checkFinal(Blobs clean, Map<String, BlobInfo> found) {
            for (String p : OWN) {
                String path = path(p);
                Set<String> may = possible.get(path);
                Optional<BlobInfo> info = clean.stat(path);
                if (info.isEmpty()) {
                    assertThat(may).as("%s is absent at the end", path).contains(ABSENT);
                    assertThatThrownBy(() -> clean.get(path)).as("%s: read, absent", path).isInstanceOf(NotFoundException.class);
                    continue;
                }
                String id = idOf(info.get());
                assertThat(may).as("%s holds %s at the end (the last acknowledged call left one of these)", path, id).contains(id);
                Content c = ledger.content(id);
                checkInfo(info.get(), path, c);
                assertThat(identify(clean.get(path))).as("%s: its bytes", path).isEqualTo(c.size() == 0 ? EMPTY : id);
                ledger.seen.add(id);
                found.put(path, info.get());
            }
        }
    }

    /** What a writer's callback throws to give its write up half-way. */
    private static final class GivenUp extends RuntimeException {
        GivenUp() {
            super("given up on purpose", null, false, false);
        }
    }

    /** Reads any path every way, through the faults, until the run ends; what it gets must be plausible for that path. */
    private static void readAround(Blobs blobs, Ledger ledger, ChaosPace pace) {
        List<String> paths = new ArrayList<>(List.of(SHARED));
        for (int w = 0; w < WRITERS; w++) {
            for (String p : OWN) {
                paths.add("w" + w + "/" + p);
            }
        }
        SplittableRandom random = new SplittableRandom();
        try {
            while (pace.running()) {
                pace.awaitCalls(1); // one read per writer call through the faults: enough to meet them, not to starve them
                String path = paths.get(random.nextInt(paths.size()));
                try {
                    switch (random.nextInt(4)) {
                        case 0 -> ledger.checkForeign(path, identify(blobs.get(path)));
                        case 1 -> {
                            try (InputStream in = blobs.read(path)) {
                                ledger.checkForeign(path, identify(in.readAllBytes()));
                            }
                        }
                        case 2 -> blobs.stat(path).ifPresent(ledger::checkForeign);
                        default -> {
                            String prefix = path.substring(0, path.indexOf('/') + 1);
                            ListOptions options = ListOptions.prefix(prefix).limit(1 + random.nextInt(4));
                            for (BlobEntry e : listAll(blobs, random.nextBoolean() ? options : options.delimiter("/"))) {
                                if (e.isDirectory()) {
                                    assertThat(e.path()).as("a directory listed under %s", prefix).isIn(prefix + "sub/");
                                } else {
                                    ledger.checkForeign(e.blob());
                                }
                            }
                        }
                    }
                } catch (NotFoundException e) {
                    // any path may be absent now
                } catch (RuntimeException | IOException e) {
                    expectUnavailable(e);
                    ledger.unavailableReads.incrementAndGet();
                }
            }
        } catch (Throwable t) {
            ledger.failures.add(t);
            pace.stop();
        }
    }

    /**
     * The shared path holds a content written for it, and not one that an acknowledged write began
     * after the end of: that write locked the bucket after it, so it replaced it.
     */
    private static void checkShared(Blobs clean, Ledger ledger, Map<String, BlobInfo> found) {
        List<SharedWrite> acknowledged = ledger.shared.stream().filter(s -> s.outcome() == Outcome.OK).toList();
        Optional<BlobInfo> info = clean.stat(SHARED);
        if (info.isEmpty()) {
            assertThat(acknowledged).as("%s is absent, yet writes to it were acknowledged", SHARED).isEmpty();
            return;
        }
        String id = idOf(info.get());
        Content c = ledger.content(id);
        checkInfo(info.get(), SHARED, c);
        assertThat(identify(clean.get(SHARED))).as("%s: its bytes", SHARED).isEqualTo(c.size() == 0 ? EMPTY : id);
        ledger.seen.add(id);
        SharedWrite mine = ledger.shared.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(
                () -> new AssertionError(SHARED + " holds " + id + ", written for " + c.path()));
        assertThat(mine.outcome()).as("%s holds %s", SHARED, id).isNotEqualTo(Outcome.NOT_PUBLISHED);
        for (SharedWrite a : acknowledged) {
            assertThat(a.start()).as("%s holds %s, yet %s was acknowledged and began after %s's call ended", SHARED, id, a.id(), id)
                    .isLessThan(mine.end());
        }
        found.put(SHARED, info.get());
    }

    /** Listings of every prefix, paged, flat and folded, agree with stat of every path. */
    private static void checkListings(Blobs clean, Map<String, BlobInfo> found) {
        assertThat(asMap(listAll(clean, ListOptions.all().limit(7))))
                .as("the whole listing against stat of every path (nothing else, no upload or chunk, shows as a blob)")
                .isEqualTo(found);
        Set<String> prefixes = new HashSet<>(Set.of("", "shared/"));
        for (int w = 0; w < WRITERS; w++) {
            prefixes.addAll(List.of("w" + w + "/", "w" + w + "/sub/", "w" + w + "/sub/deep/", "w" + w + "/s"));
        }
        for (String prefix : prefixes) {
            Map<String, BlobInfo> under = new TreeMap<>();
            found.forEach((p, i) -> {
                if (p.startsWith(prefix)) {
                    under.put(p, i);
                }
            });
            assertThat(asMap(listAll(clean, ListOptions.prefix(prefix).limit(2)))).as("listing '%s'", prefix).isEqualTo(under);
            List<BlobEntry> folded = listAll(clean, ListOptions.prefix(prefix).delimiter("/").limit(2));
            Map<String, BlobInfo> direct = new TreeMap<>();
            Set<String> dirs = new HashSet<>();
            under.forEach((p, i) -> {
                int slash = p.indexOf('/', prefix.length());
                if (slash < 0) {
                    direct.put(p, i);
                } else {
                    dirs.add(p.substring(0, slash + 1));
                }
            });
            assertThat(asMap(folded)).as("listing '%s' folded: its blobs", prefix).isEqualTo(direct);
            // Directories stay when emptied, so a folded listing may name more than the blobs need.
            Set<String> listedDirs = new HashSet<>();
            folded.stream().filter(BlobEntry::isDirectory).forEach(e -> listedDirs.add(e.path()));
            assertThat(listedDirs).as("listing '%s' folded: its directories", prefix).containsAll(dirs)
                    .allMatch(d -> d.startsWith(prefix) && (d.equals("shared/") || d.matches("w\\d/(sub/(deep/)?)?")));
        }
    }

    /**
     * Past Depot, in the tables: no chunk that neither a blob nor an upload names (nothing would ever
     * delete it), no chunk past its blob's size; after a sweep no upload at all. Returns the uploads left.
     */
    private static long checkTables(String url, String prefix, boolean swept) throws SQLException {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        BlobTables t = new BlobTables(prefix);
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password()); Statement st = c.createStatement()) {
            long orphans = count(st, "SELECT COUNT(*) FROM " + t.chunks + " c WHERE NOT EXISTS (SELECT 1 FROM " + t.blobs
                    + " b WHERE b.id = c.id)" + (swept ? "" : " AND NOT EXISTS (SELECT 1 FROM " + t.uploads + " u WHERE u.id = c.id)"));
            assertThat(orphans).as(swept ? "chunks no blob names, after the sweep" : "chunks neither a blob nor an upload names").isZero();
            long beyond = count(st, "SELECT COUNT(*) FROM " + t.blobs + " b JOIN " + t.chunks + " c ON c.id = b.id WHERE c.n * "
                    + BlobTables.CHUNK + " >= b.size");
            assertThat(beyond).as("chunks past their blob's size").isZero();
            long uploads = count(st, "SELECT COUNT(*) FROM " + t.uploads);
            if (swept) {
                assertThat(uploads).as("uploads left after a sweep with every lease run out").isZero();
            }
            return uploads;
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every page of a listing. */
    private static List<BlobEntry> listAll(Blobs blobs, ListOptions options) {
        List<BlobEntry> out = new ArrayList<>();
        for (ListOptions o = options; ; ) {
            Page<BlobEntry> page = blobs.list(o);
            out.addAll(page.items());
            if (!page.hasMore()) {
                return out;
            }
            o = o.after(page.nextCursor());
        }
    }

    private static Map<String, BlobInfo> asMap(List<BlobEntry> entries) {
        Map<String, BlobInfo> out = new TreeMap<>();
        for (BlobEntry e : entries) {
            if (!e.isDirectory()) {
                assertThat(out.put(e.path(), e.blob())).as("%s listed twice", e.path()).isNull();
            }
        }
        return out;
    }

    /** The write a blob came from, by the metadata every write of this test sets (copies and moves keep it). */
    private static String idOf(BlobInfo info) {
        String id = info.metadata().get("chaos");
        assertThat(id).as("%s: a blob no write of this test made (%s)", info.path(), info).isNotNull();
        return id;
    }

    /** The blob's info is that of content {@code c} at {@code path}. */
    private static void checkInfo(BlobInfo info, String path, Content c) {
        assertThat(info.path()).as("path of %s", c.id()).isEqualTo(path);
        assertThat(info.size()).as("%s: size of %s", path, c.id()).isEqualTo(c.size());
        assertThat(info.etag()).as("%s: etag of %s", path, c.id()).isEqualTo(c.etag());
        assertThat(info.contentType()).as("%s: content type of %s", path, c.id()).isEqualTo(c.type());
        assertThat(info.metadata()).as("%s: metadata of %s", path, c.id()).isEqualTo(Map.of("chaos", c.id()));
    }

    /**
     * Fails unless {@code t} is the contract's "the backend could not be reached" ({@link
     * BackendUnavailableException}, including {@code CommitOutcomeUnknownException}), possibly inside
     * the {@link IOException} of a stream or its {@code UncheckedIOException}.
     */
    private static void expectUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BackendUnavailableException) {
                return;
            }
        }
        throw new AssertionError("a blob call failed other than as unavailable", t);
    }

    /** Content {@code size} bytes long naming writer and sequence number, a checksum last; empty at size 0. */
    static byte[] pattern(int writer, long seq, int size) {
        byte[] b = new byte[size];
        if (size == 0) {
            return b;
        }
        ByteBuffer buf = ByteBuffer.wrap(b).putInt(MAGIC).putInt(writer).putLong(seq).putInt(size);
        byte[] body = new byte[size - SMALLEST];
        new SplittableRandom(writer * 1_000_003L + seq).nextBytes(body);
        buf.put(body);
        CRC32 crc = new CRC32();
        crc.update(b, 0, size - 4);
        buf.putInt((int) crc.getValue());
        return b;
    }

    /** The id of the write whose whole content {@code b} is ({@link #EMPTY} for no bytes); fails on anything else. */
    static String identify(byte[] b) {
        if (b.length == 0) {
            return EMPTY;
        }
        assertThat(b.length).as("a blob shorter than any write (a cut prefix)").isGreaterThanOrEqualTo(SMALLEST);
        ByteBuffer buf = ByteBuffer.wrap(b);
        assertThat(buf.getInt()).as("the start of a blob (a mix, or bytes from the middle)").isEqualTo(MAGIC);
        int writer = buf.getInt();
        long seq = buf.getLong();
        int size = buf.getInt();
        String id = writer + "-" + seq;
        assertThat(b.length).as("the length of %s (cut or extended)", id).isEqualTo(size);
        CRC32 crc = new CRC32();
        crc.update(b, 0, size - 4);
        assertThat(buf.getInt(size - 4)).as("the checksum of %s (a mix of writes)", id).isEqualTo((int) crc.getValue());
        assertThat(Arrays.equals(b, pattern(writer, seq, size))).as("the bytes of %s", id).isTrue();
        return id;
    }

    /** What a ranged read of {@code content} returns: cut at the end, empty from the end on. */
    private static byte[] range(byte[] content, long offset, long length) {
        int from = (int) Math.min(offset, content.length);
        int to = (int) Math.min(content.length, offset + length);
        return Arrays.copyOfRange(content, from, to);
    }
}
