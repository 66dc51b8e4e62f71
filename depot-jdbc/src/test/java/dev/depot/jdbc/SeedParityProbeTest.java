package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.Capability;
import dev.depot.ChangeEvent;
import dev.depot.Codec;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Direction;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.ListOptions;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.Subscription;
import dev.depot.SyncOptions;
import dev.depot.SyncReport;
import dev.depot.WorkQueue;
import dev.depot.WriteOptions;
import dev.depot.testing.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seed parity probes: what users of five existing in-memory backends (shared/seeds/000..004) expect,
 * exercised through Depot's API on memory and on a SQL backend (and {@code file:} for blobs). Each
 * differential scenario writes a transcript of every answer (value, or exception class and message)
 * on memory and on the database; the transcripts must be equal, and the memory transcript must show
 * what the seed's users expect.
 */
class SeedParityProbeTest {
    private static final String PREFIX = "sp24_";
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    /** Blob backends: every database, and {@code file:}. */
    static Stream<Arguments> blobBackends() {
        return Stream.concat(TestDatabases.all(PREFIX), Stream.of(Arguments.of("file", (TestDatabases.UrlSource) TestDatabases::files)));
    }

    // ------------------------------------------------------------------ harness

    /** The records probes' transcript: every answer, or the exception's class and message. */
    static final class Log extends RecordsProbeTest.Log {}

    interface Scenario {
        void run(Depot depot, TestClock clock, Log log) throws Exception;
    }

    static String sqlUrl(TestDatabases.UrlSource opener) {
        String u = opener.url();
        if (u.startsWith("file:") || u.contains("tablePrefix=")) {
            return u;
        }
        return TestDatabases.withPrefix(u, PREFIX);
    }

    static List<String> runOn(String url, Scenario scenario) {
        TestClock clock = new TestClock(START);
        Log log = new Log();
        try (Depot depot = Depot.open(url, DepotOptions.defaults().clock(clock))) {
            try {
                scenario.run(depot, clock, log);
            } catch (Exception e) {
                throw new AssertionError("scenario failed on " + url, e);
            } finally {
                try {
                    depot.clear();
                } catch (RuntimeException ignored) {
                    // the scenario may have closed it
                }
            }
        }
        return log.lines;
    }

    /** Runs the scenario on memory and on the database; asserts equal transcripts; returns memory's. */
    static List<String> compare(String db, TestDatabases.UrlSource opener, Scenario scenario) {
        List<String> memory = runOn("memory:", scenario);
        List<String> sql = runOn(sqlUrl(opener), scenario);
        System.out.println("---- " + db);
        if (db.equals("h2-mem") || db.equals("file")) {
            memory.forEach(l -> System.out.println("MEM " + l));
        }
        for (int i = 0; i < Math.max(memory.size(), sql.size()); i++) {
            String m = i < memory.size() ? memory.get(i) : "<none>";
            String s = i < sql.size() ? sql.get(i) : "<none>";
            if (!m.equals(s)) {
                System.out.println("DIFF memory: " + m);
                System.out.println("DIFF " + db + ": " + s);
            }
        }
        assertThat(sql).as("transcript on " + db + " vs memory").isEqualTo(memory);
        return memory;
    }

    static String text(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<String> texts(List<Lease> leases) {
        return leases.stream().map(l -> l.payloadText() + "#" + l.attempt()).toList();
    }

    static String stats(QueueStats s) {
        return "ready=" + s.ready() + " leased=" + s.leased() + " scheduled=" + s.scheduled() + " dead=" + s.dead()
                + " oldestReadyAge=" + s.oldestReadyAge();
    }

    static String item(QueueItem i) {
        return i.state() + " " + new String(i.payload(), StandardCharsets.UTF_8) + " attempts=" + i.attempts() + " dead="
                + i.deadReason() + " from=" + i.deadFrom() + " history="
                + i.history().stream().map(a -> a.number() + ":" + a.outcome() + ":" + a.reason()).toList();
    }

    // ================================================================== seed 000: restmachine_orm (Python ORM)

    public record User(String id, String email, String name) {}

    public record Todo(String id, String title, String owner) {}

    static final Schema<String, User> USERS = Schema.of("users", String.class, User.class).key(User::id)
            .index("email", String.class, User::email)
            .index("name", String.class, User::name)
            .build();

    static final Schema<String, Todo> TODOS = Schema.of("todos", String.class, Todo.class).key(Todo::id)
            .index("owner", String.class, Todo::owner)
            .build();

    /** create / get / where().count() / update / delete, as User.create(...), User.get(id=...), User.where().count(). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void ormCreateGetWhereCountUpdateDelete(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<String, User> users = depot.records(USERS);
            log.add("create user-1", () -> users.insert(new User("user-1", "alice@example.com", "Alice")));
            log.add("create user-1 again", () -> users.insert(new User("user-1", "x@example.com", "X")));
            log.add("create user-2", () -> users.insert(new User("user-2", "bob@example.com", "Bob")));
            log.add("get user-1", () -> users.get("user-1").map(User::name));
            log.add("get missing", () -> users.get("nope"));
            log.add("where().count()", () -> users.query().count());
            log.add("where(name=Alice).count()", () -> users.query().where(Q.field("name").eq("Alice")).count());
            log.add("where(name=Alice).list()", () -> users.query().where(Q.field("name").eq("Alice")).list());
            log.add("where(name=Alice, email=...) (AND)", () -> users.query().where(Q.field("name").eq("Alice"))
                    .and(Q.field("email").eq("alice@example.com")).count());
            log.add("update user-2", () -> users.update(new User("user-2", "bob@new.example", "Bob")));
            log.add("update missing", () -> users.update(new User("ghost", "g@example.com", "G")));
            log.add("get user-2 email", () -> users.get("user-2").map(User::email));
            log.add("delete user-2", () -> users.delete("user-2"));
            log.add("delete user-2 again", () -> users.delete("user-2"));
            log.add("count", users::count);
        });
        assertThat(mem).contains(
                "create user-1 -> 1",
                "get user-1 -> Optional[Alice]",
                "get missing -> Optional.empty",
                "where().count() -> 2",
                "where(name=Alice).count() -> 1",
                "update user-2 -> 2",
                "get user-2 email -> Optional[bob@new.example]",
                "delete user-2 -> true",
                "delete user-2 again -> false",
                "count -> 1");
        assertThat(mem.get(1)).startsWith("create user-1 again -> AlreadyExistsException");
        assertThat(mem.get(10)).startsWith("update missing -> NotFoundException");
    }

    /** A shared backend holds several models; backend.clear(User) empties one model, backend.clear() all. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void sharedBackendClearOneModelThenAll(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<String, User> users = depot.records(USERS);
            Records<String, Todo> todos = depot.records(TODOS);
            users.insert(new User("user-1", "a@example.com", "Alice"));
            users.insert(new User("user-2", "b@example.com", "Bob"));
            todos.insert(new Todo("todo-1", "Task", "user-1"));
            log.run("clear(User)", users::clear);
            log.add("User.where().count()", () -> users.query().count());
            log.add("Todo count", todos::count);
            log.add("feed after clear(User)", () -> depot.changes().since(0).stream()
                    .map(e -> e.op() + " " + e.collection() + "/" + e.key()).toList());
            log.run("clear()", depot::clear);
            log.add("User count", users::count);
            log.add("Todo count after clear()", todos::count);
            log.add("feed after clear()", () -> depot.changes().since(0).size());
            log.add("stats records", () -> new java.util.TreeMap<>(depot.stats().records()));
            log.add("insert after clear()", () -> users.insert(new User("user-1", "a@example.com", "Alice")));
        });
        assertThat(mem).contains("User.where().count() -> 0", "Todo count -> 1", "User count -> 0",
                "Todo count after clear() -> 0", "feed after clear() -> 0", "insert after clear() -> 1");
    }

    /** Isolated backends: each InMemoryBackend(...) its own storage; memory:NAME shares one by name. */
    @Test
    void isolatedAndSharedMemoryBackends() {
        String name = "memory:seed24-" + UUID.randomUUID();
        try (Depot a = Depot.open("memory:"); Depot b = Depot.open("memory:")) {
            a.records(USERS).insert(new User("user-1", "a@example.com", "Alice"));
            assertThat(b.records(USERS).count()).isZero();
        }
        try (Depot a = Depot.open(name)) {
            try (Depot b = Depot.open(name)) {
                a.records(USERS).insert(new User("user-1", "a@example.com", "Alice"));
                assertThat(b.records(USERS).get("user-1")).isPresent();
            }
            assertThat(a.records(USERS).count()).isEqualTo(1);
        }
        try (Depot again = Depot.open(name)) {
            assertThat(again.records(USERS).count()).as("gone once the last depot of that name closed").isZero();
        }
        // Same isolation on H2: two in-memory databases, or two table prefixes in one.
        String h2 = TestDatabases.h2Mem();
        try (Depot a = Depot.open(h2 + "?tablePrefix=sa_"); Depot b = Depot.open(h2 + "?tablePrefix=sb_");
                Depot c = Depot.open(TestDatabases.h2Mem())) {
            a.records(USERS).insert(new User("user-1", "a@example.com", "Alice"));
            assertThat(b.records(USERS).count()).isZero();
            assertThat(c.records(USERS).count()).isZero();
        }
    }

    /** where() on any attribute (restmachine scans); Depot requires declared indexes: same refusal everywhere. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void whereOnAnUndeclaredFieldIsRefusedAlikeAndStreamFilterWorks(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<String, User> users = depot.records(USERS);
            users.insert(new User("user-1", "a@example.com", "Alice"));
            users.insert(new User("user-2", "b@other.org", "Bob"));
            log.add("where(id=...)", () -> users.query().where(Q.field("id").eq("user-1")).count());
            log.add("where(title=...)", () -> users.query().where(Q.field("title").eq("x")).count());
            log.add("stream().filter (scan by hand)", () -> {
                try (Stream<User> s = users.query().stream()) {
                    return s.filter(u -> u.email().endsWith("@example.com")).map(User::id).toList();
                }
            });
        });
        assertThat(mem.get(0)).startsWith("where(id=...) -> IllegalArgumentException").contains("not a declared index");
        assertThat(mem).contains("stream().filter (scan by hand) -> [user-1]");
    }

    // ================================================================== seed 001: omnistorage (Go blobs)

    /** NewWriter / Write / Close publishes; NewReader; Stat; Exists; missing paths; abandoned writers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("blobBackends")
    void streamedWriterReaderStatExists(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Blobs b = depot.blobs("test");
            BlobOutputStream w = b.write("test/data.json");
            w.write(utf8("{\"key\": "));
            log.add("exists while writing", () -> b.exists("test/data.json"));
            w.write(utf8("\"value\"}"));
            w.close();
            log.add("published", () -> w.published().size());
            log.add("read", () -> text(b.read("test/data.json")));
            log.add("stat", () -> b.stat("test/data.json").map(i -> i.size() + " " + i.etag() + " " + i.contentType() + " "
                    + i.metadata() + " " + i.created() + " " + i.modified()));
            log.add("exists", () -> b.exists("test/data.json"));
            log.add("exists dir", () -> b.exists("test"));
            log.add("stat dir", () -> b.stat("test"));
            log.add("read missing", () -> text(b.read("output.txt")));
            log.add("stat missing", () -> b.stat("output.txt"));
            // io.Copy(destination, r)
            log.add("transferTo", () -> {
                ByteArrayOutputStream dest = new ByteArrayOutputStream();
                try (InputStream r = b.read("test/data.json")) {
                    return r.transferTo(dest) + " " + dest.toString(StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            // json.NewEncoder(w).Encode(data): a codec writing into the stream
            log.add("encode into writer", () -> b.write("temp.json", WriteOptions.contentType("application/json"),
                    out -> out.write(Codec.json(User.class).encode(new User("u", "e", "n")))).size());
            log.add("decode", () -> Codec.json(User.class).decode(b.get("temp.json")));
            BlobOutputStream abandoned = b.write("abandoned.txt");
            abandoned.write(utf8("partial"));
            abandoned.abort();
            log.add("aborted leaves nothing", () -> b.exists("abandoned.txt"));
            log.add("callback that throws publishes nothing", () -> b.write("failed.txt", WriteOptions.defaults(), out -> {
                out.write(utf8("half"));
                throw new IOException("encoder failed");
            }));
            log.add("failed exists", () -> b.exists("failed.txt"));
            log.add("ranged read", () -> text(b.read("test/data.json", 2, 3)));
            log.add("list", () -> b.list(ListOptions.all()).items().stream().map(BlobEntry::path).toList());
        });
        assertThat(mem).contains("exists while writing -> false", "read -> {\"key\": \"value\"}", "exists -> true",
                "exists dir -> false", "stat missing -> Optional.empty", "aborted leaves nothing -> false",
                "failed exists -> false", "ranged read -> key");
        assertThat(mem).anyMatch(l -> l.startsWith("read missing -> NotFoundException"));
    }

    /** Copy, Move (rename), Mkdir (virtual directories), Rmdir (empty directories only). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("blobBackends")
    void copyMoveMkdirRmdir(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Blobs b = depot.blobs("ext");
            b.put("src.txt", utf8("content"), WriteOptions.contentType("text/plain").metadata("owner", "ann"));
            clock.advance(Duration.ofSeconds(1));
            log.add("copy", () -> {
                BlobInfo i = b.copy("src.txt", "dst.txt");
                return i.path() + " " + i.size() + " " + i.contentType() + " " + i.metadata() + " " + i.modified();
            });
            log.add("copy content", () -> new String(b.get("dst.txt"), StandardCharsets.UTF_8));
            log.add("src still there", () -> b.exists("src.txt"));
            b.put("old.txt", utf8("old"));
            log.add("move", () -> b.move("old.txt", "new.txt").path());
            log.add("old exists", () -> b.exists("old.txt"));
            log.add("new content", () -> new String(b.get("new.txt"), StandardCharsets.UTF_8));
            log.add("move onto existing", () -> b.move("new.txt", "dst.txt").size());
            log.add("dst content", () -> new String(b.get("dst.txt"), StandardCharsets.UTF_8));
            log.add("move missing", () -> b.move("nope.txt", "x.txt"));
            log.add("copy missing", () -> b.copy("nope.txt", "x.txt"));
            log.run("mkdir dir/sub", () -> b.mkdir("dir/sub"));
            log.run("mkdir again (no-op)", () -> b.mkdir("dir/sub"));
            log.add("list /", () -> b.list(ListOptions.prefix("").delimiter("/")).items().stream().map(BlobEntry::path).toList());
            log.add("list dir/", () -> b.list(ListOptions.prefix("dir/").delimiter("/")).items().stream().map(BlobEntry::path).toList());
            log.run("rmdir dir (not empty)", () -> b.rmdir("dir"));
            log.run("rmdir dir/sub", () -> b.rmdir("dir/sub"));
            log.run("rmdir dir", () -> b.rmdir("dir"));
            log.run("rmdir dir again", () -> b.rmdir("dir"));
            log.run("rmdir on a blob", () -> b.rmdir("src.txt"));
            log.run("mkdir on a blob", () -> b.mkdir("src.txt"));
            b.put("a/b.txt", utf8("x"));
            log.add("delete a/b.txt", () -> b.delete("a/b.txt"));
            log.add("dir a stays after its last blob goes", () -> b.list(ListOptions.prefix("").delimiter("/")).items().stream()
                    .map(BlobEntry::path).toList());
            log.add("delete a directory", () -> b.delete("a"));
            log.run("rmdir a", () -> b.rmdir("a"));
            log.add("delete missing", () -> b.delete("a"));
        });
        assertThat(mem).contains("copy content -> content", "src still there -> true", "old exists -> false",
                "new content -> old", "dst content -> old", "rmdir dir/sub -> ok", "rmdir dir -> ok", "rmdir a -> ok",
                "delete missing -> false");
        assertThat(mem).anyMatch(l -> l.startsWith("rmdir dir (not empty) -> DirectoryNotEmptyException"));
        assertThat(mem).anyMatch(l -> l.startsWith("rmdir dir again -> NotFoundException"));
    }

    /** A reader opened before a replace or a delete keeps reading the content it opened (multi-chunk blobs). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("blobBackends")
    void aReaderKeepsItsContentThroughAReplaceAndADelete(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Blobs b = depot.blobs("held");
            byte[] big = new byte[3 * 1024 * 1024 + 17];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i % 251);
            }
            b.put("big.bin", big);
            try (InputStream r1 = b.read("big.bin"); InputStream r2 = b.read("big.bin", 1_500_000, 2_000_000)) {
                byte[] head = r1.readNBytes(10);
                b.put("big.bin", new byte[] {1, 2, 3});
                byte[] rest = r1.readAllBytes();
                log.lines.add("after replace -> " + (head.length + rest.length) + " bytes, same "
                        + (java.util.Arrays.equals(java.util.Arrays.copyOfRange(big, 10, big.length), rest)));
                log.add("delete", () -> b.delete("big.bin"));
                byte[] range = r2.readAllBytes();
                log.lines.add("range after delete -> " + range.length + " same "
                        + java.util.Arrays.equals(java.util.Arrays.copyOfRange(big, 1_500_000, big.length), range));
            }
            log.add("exists", () -> b.exists("big.bin"));
        });
        assertThat(mem).contains("after replace -> 3145745 bytes, same true", "range after delete -> 1645745 same true",
                "exists -> false");
    }

    /** sync.Sync(ctx, src, dst, ...) between two backends; dst.Exists afterwards. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("blobBackends")
    void syncFromMemoryToAnyBackend(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            try (Depot source = Depot.open("memory:", DepotOptions.defaults().clock(clock))) {
                Blobs src = source.blobs("files");
                Blobs dst = depot.blobs("files");
                src.put("file.txt", utf8("content"));
                src.put("dir/a.txt", utf8("a"), WriteOptions.contentType("text/plain").metadata("k", "v"));
                dst.put("extra.txt", utf8("extra"));
                log.add("sync", () -> report(Blobs.sync(src, dst, SyncOptions.defaults())));
                log.add("dst exists file.txt", () -> dst.exists("file.txt"));
                log.add("dst meta", () -> dst.stat("dir/a.txt").map(i -> i.contentType() + " " + i.metadata() + " " + i.etag()));
                log.add("same etag as source", () -> dst.stat("dir/a.txt").get().etag().equals(src.stat("dir/a.txt").get().etag()));
                log.add("sync again", () -> report(Blobs.sync(src, dst, SyncOptions.defaults())));
                src.put("file.txt", utf8("changed"));
                log.add("dry run", () -> report(Blobs.sync(src, dst, SyncOptions.defaults().deletingExtraneous().asDryRun())));
                log.add("sync deleting extraneous", () -> report(Blobs.sync(src, dst, SyncOptions.defaults().deletingExtraneous())));
                log.add("dst list", () -> dst.list(ListOptions.all()).items().stream().map(BlobEntry::path).toList());
                log.add("dst file.txt", () -> new String(dst.get("file.txt"), StandardCharsets.UTF_8));
            }
        });
        assertThat(mem).contains("dst exists file.txt -> true", "same etag as source -> true",
                "dst list -> [dir/a.txt, file.txt]", "dst file.txt -> changed");
    }

    static String report(SyncReport r) {
        return "copied=" + r.copied() + " skipped=" + r.skipped() + " deleted=" + r.deleted() + " bytes=" + r.bytesCopied()
                + " errors=" + r.errors() + " dryRun=" + r.dryRun();
    }

    /** "Thread-safe for concurrent read/write": readers see one writer's whole content, never a mix. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("blobBackends")
    void concurrentWritersAndReadersNeverSeeAMix(String db, TestDatabases.UrlSource opener) throws Exception {
        for (String url : List.of("memory:", sqlUrl(opener))) {
            try (Depot depot = Depot.open(url)) {
                Blobs b = depot.blobs("conc");
                b.put("shared.bin", new byte[] {'0'});
                ExecutorService pool = Executors.newFixedThreadPool(6);
                ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    final int writer = t;
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 20; i++) {
                            byte[] content = new byte[1000 + writer * 70_000 + i];
                            java.util.Arrays.fill(content, (byte) ('A' + writer));
                            b.put("shared.bin", content);
                        }
                    }));
                }
                for (int t = 0; t < 3; t++) {
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 30; i++) {
                            byte[] got = b.get("shared.bin");
                            if (got.length == 1) {
                                continue;
                            }
                            byte first = got[0];
                            int writer = first - 'A';
                            boolean whole = writer >= 0 && writer < 3 && got.length >= 1000 + writer * 70_000
                                    && got.length < 1000 + writer * 70_000 + 20;
                            for (byte x : got) {
                                whole &= x == first;
                            }
                            if (!whole) {
                                problems.add("mixed or short read of " + got.length + " bytes");
                            }
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get(120, TimeUnit.SECONDS);
                }
                pool.shutdown();
                assertThat(problems).as(url).isEmpty();
                depot.clear();
            }
        }
    }

    // ================================================================== seed 002: Pangolin (Rust catalog, DATABASE_URL)

    static Depot fromEnvironment(Map<String, String> env) throws Exception {
        Class<?> backends = Class.forName("dev.depot.Backends");
        Method m = backends.getDeclaredMethod("fromEnvironment", Map.class, DepotOptions.class);
        m.setAccessible(true);
        try {
            return (Depot) m.invoke(null, env, DepotOptions.defaults());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** "Just don't set DATABASE_URL" / "DATABASE_URL=" (empty) means in-memory; a URL switches backend. */
    @Test
    void databaseUrlUnsetOrEmptyMeansMemoryAndAUrlSwitches() throws Exception {
        try (Depot d = fromEnvironment(Map.of())) {
            assertThat(d.stats().backend()).isEqualTo("memory");
            assertThat(d.capabilities().has(Capability.DURABLE)).isFalse();
        }
        try (Depot d = fromEnvironment(Map.of("DATABASE_URL", ""))) {
            assertThat(d.stats().backend()).isEqualTo("memory");
        }
        try (Depot d = fromEnvironment(Map.of("DATABASE_URL", "   "))) {
            assertThat(d.stats().backend()).isEqualTo("memory");
        }
        try (Depot d = fromEnvironment(Map.of("DATABASE_URL", TestDatabases.h2Mem()))) {
            assertThat(d.stats().backend()).isEqualTo("h2");
        }
        try (Depot d = fromEnvironment(Map.of("DATABASE_URL", "memory:", "DEPOT_URL", TestDatabases.h2Mem()))) {
            assertThat(d.stats().backend()).as("DEPOT_URL wins").isEqualTo("h2");
        }
    }

    /**
     * Pangolin's documented SQLite URL is {@code sqlite://./pangolin.db} (sqlx form: the file
     * {@code ./pangolin.db} relative to the working directory). A user who sets DATABASE_URL to that
     * expects a database file next to the process.
     */
    @Test
    void pangolinStyleSqliteUrlOpensTheRelativeFile() throws Exception {
        String dirName = "target/seed24-" + UUID.randomUUID();
        Path dir = Path.of(dirName);
        Files.createDirectories(dir);
        try {
            String url = "sqlite://./" + dirName + "/pangolin.db";
            Throwable failure = null;
            try (Depot d = fromEnvironment(Map.of("DATABASE_URL", url))) {
                d.records(USERS).insert(new User("user-1", "a@example.com", "Alice"));
            } catch (RuntimeException e) {
                failure = e;
            }
            assertThat(failure).as("opening " + url + " (what Pangolin users put in DATABASE_URL)").isNull();
            assertThat(dir.resolve("pangolin.db")).as("the database file is relative to the working directory").exists();
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** sqlite:///absolute/path (three slashes) and sqlite:PATH both open the file they name. */
    @Test
    void sqliteAbsoluteUrlForms() throws Exception {
        Path dir = Files.createTempDirectory("seed24-sqlite");
        try {
            try (Depot d = Depot.open("sqlite://" + dir.toAbsolutePath() + "/a.db")) {
                d.records(USERS).insert(new User("user-1", "a@example.com", "Alice"));
            }
            assertThat(dir.resolve("a.db")).exists();
            try (Depot d = Depot.open("sqlite:" + dir.toAbsolutePath() + "/a.db")) {
                assertThat(d.records(USERS).count()).isEqualTo(1);
            }
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Hosted-style DATABASE_URL: postgres:// scheme with sslmode in the query (Heroku, Render, Fly). */
    @Test
    void hostedPostgresDatabaseUrlForm() throws Exception {
        String pg = TestDatabases.postgres().replaceFirst("^postgresql://", "postgres://");
        String url = TestDatabases.fresh(pg + (pg.contains("?") ? "&" : "?") + "sslmode=prefer", PREFIX);
        try (Depot d = fromEnvironment(Map.of("DATABASE_URL", url))) {
            assertThat(d.stats().backend()).isIn("postgres", "postgresql");
            d.records(USERS).insert(new User("user-1", "a@example.com", "Alice"));
            assertThat(d.records(USERS).count()).isEqualTo(1);
            d.clear();
        }
        assertThatThrownBy(() -> Depot.open("memory://")).isInstanceOf(IllegalArgumentException.class);
    }

    /** DATABASE_URL=mongodb://... : Depot has no MongoDB backend; the refusal must be clear and hide the password. */
    @Test
    void mongodbUrlIsRefusedClearlyWithoutThePassword() {
        assertThatThrownBy(() -> Depot.open("mongodb://user:s3cret@localhost:27017/pangolin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mongodb")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"))
                .satisfies(e -> System.out.println("mongodb refusal: " + e.getMessage()));
    }

    public record Tenant(UUID id, String name, Map<String, String> properties) {}

    static final Schema<UUID, Tenant> TENANTS = Schema.of("tenants", UUID.class, Tenant.class).key(Tenant::id)
            .uniqueIndex("name", String.class, Tenant::name)
            .build();

    /** create_tenant / get_tenant (Option) / list / delete, with a properties map and UUID ids. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void catalogCrudWithUuidKeysAndPropertyMaps(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<UUID, Tenant> tenants = depot.records(TENANTS);
            UUID t1 = UUID.fromString("f0000000-0000-4000-8000-000000000001");
            UUID t2 = UUID.fromString("0a000000-0000-4000-8000-000000000002");
            UUID t3 = UUID.fromString("9b000000-0000-4000-8000-000000000003");
            Map<String, String> props = new HashMap<>(Map.of("owner", "ann", "tier", "gold"));
            log.add("create test", () -> tenants.insert(new Tenant(t1, "test", props)));
            props.put("owner", "mallory");
            log.add("get test", () -> tenants.get(t1).map(t -> t.name() + " " + new java.util.TreeMap<>(t.properties())));
            log.add("mutate what get returned", () -> {
                Tenant t = tenants.get(t1).orElseThrow();
                t.properties().put("tier", "free");
                return new java.util.TreeMap<>(tenants.get(t1).orElseThrow().properties());
            });
            log.add("create dev", () -> tenants.insert(new Tenant(t2, "dev-tenant", Map.of())));
            log.add("create other", () -> tenants.insert(new Tenant(t3, "other", Map.of("a", "b"))));
            log.add("create duplicate name", () -> tenants.insert(new Tenant(UUID.fromString("00000000-0000-4000-8000-000000000009"),
                    "test", Map.of())));
            log.add("list tenants", () -> tenants.query().list().stream().map(Tenant::name).toList());
            log.add("list by name desc", () -> tenants.query().orderBy("name", Direction.DESC).list().stream().map(Tenant::name).toList());
            log.add("get by name", () -> tenants.query().where(Q.field("name").eq("dev-tenant")).first().map(Tenant::id));
            log.add("delete", () -> tenants.delete(t2));
            log.add("get deleted", () -> tenants.get(t2));
            log.add("get unknown", () -> tenants.get(UUID.fromString("00000000-0000-4000-8000-00000000000a")).isPresent());
        });
        assertThat(mem).contains("get test -> Optional[test {owner=ann, tier=gold}]",
                "mutate what get returned -> {owner=ann, tier=gold}",
                "list tenants -> [dev-tenant, other, test]", "get unknown -> false");
        assertThat(mem).anyMatch(l -> l.startsWith("create duplicate name -> UniqueConstraintException"));
    }

    /** Concurrent requests: parallel writers and readers, nothing lost, no errors. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentWritersAndReadersLoseNothing(String db, TestDatabases.UrlSource opener) throws Exception {
        for (String url : List.of("memory:", sqlUrl(opener))) {
            try (Depot depot = Depot.open(url)) {
                Records<UUID, Tenant> tenants = depot.records(TENANTS);
                ExecutorService pool = Executors.newFixedThreadPool(8);
                List<Future<?>> fs = new ArrayList<>();
                ConcurrentLinkedQueue<UUID> ids = new ConcurrentLinkedQueue<>();
                for (int t = 0; t < 6; t++) {
                    final int w = t;
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            UUID id = UUID.randomUUID();
                            tenants.insert(new Tenant(id, "t" + w + "-" + i, Map.of("i", "" + i)));
                            ids.add(id);
                        }
                    }));
                }
                for (int t = 0; t < 2; t++) {
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            for (UUID id : ids) {
                                if (tenants.get(id).isEmpty()) {
                                    throw new AssertionError("a committed tenant is missing");
                                }
                            }
                            tenants.query().count();
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get(120, TimeUnit.SECONDS);
                }
                pool.shutdown();
                assertThat(tenants.count()).as(url).isEqualTo(240);
                depot.clear();
            }
        }
    }

    /** Memory usage monitoring: memory reports an approximate heap size that grows with the data; SQL -1. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void statsCountRecordsAlikeAndMemoryReportsItsHeap(String db, TestDatabases.UrlSource opener) {
        compare(db, opener, (depot, clock, log) -> {
            Records<UUID, Tenant> tenants = depot.records(TENANTS);
            for (int i = 0; i < 50; i++) {
                tenants.insert(new Tenant(UUID.nameUUIDFromBytes(("t" + i).getBytes(StandardCharsets.UTF_8)), "t" + i,
                        Map.of("k", "v".repeat(100))));
            }
            log.add("records", () -> new java.util.TreeMap<>(depot.stats().records()));
            log.add("change events", () -> depot.stats().changeEvents());
            log.add("health up", () -> depot.health().up());
        });
        try (Depot depot = Depot.open("memory:")) {
            long before = depot.stats().approximateHeapBytes();
            Records<UUID, Tenant> tenants = depot.records(TENANTS);
            for (int i = 0; i < 1000; i++) {
                tenants.insert(new Tenant(UUID.randomUUID(), "t" + i, Map.of("k", "v".repeat(1000))));
            }
            assertThat(depot.stats().approximateHeapBytes() - before).isGreaterThan(1_000_000);
        }
    }

    // ================================================================== seed 003: Querator (Go work queue)

    /** produce, lease (oldest first), complete; stats. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void produceLeaseCompleteInFifoOrder(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("jobs");
            log.add("produce batch", () -> q.produce(List.of(Message.of("j1"), Message.of("j2"), Message.of("j3"))).size());
            clock.advance(Duration.ofMillis(1));
            log.add("produce one", () -> q.produce(Message.of("j4").header("kind", "x")) != null);
            clock.advance(Duration.ofMillis(1));
            log.add("produce j5", () -> q.produce(Message.of("j5")) != null);
            List<Lease> first = q.lease("w1", 3, Duration.ZERO);
            log.lines.add("lease 3 -> " + texts(first));
            log.add("stats", () -> stats(q.stats()));
            log.run("complete j1", () -> q.complete(first.get(0)));
            log.add("complete batch", () -> {
                var r = q.complete(List.of(first.get(1), first.get(2), first.get(0)));
                return texts(r.applied()) + " stale " + texts(r.stale());
            });
            log.run("complete j1 again", () -> q.complete(first.get(0)));
            List<Lease> rest = q.lease("w2", 10, Duration.ZERO);
            log.lines.add("lease 10 -> " + texts(rest) + " headers " + rest.get(0).headers() + " holder " + rest.get(0).holder());
            log.add("lease none", () -> texts(q.lease("w3", 10, Duration.ZERO)));
            log.add("complete rest", () -> q.complete(rest).allApplied());
            log.add("stats end", () -> stats(q.stats()));
            log.add("lease 0", () -> q.lease(0, Duration.ZERO));
            log.add("lease 1001", () -> q.lease(1001, Duration.ZERO));
        });
        assertThat(mem).contains("lease 3 -> [j1#1, j2#1, j3#1]", "complete j1 -> ok",
                "complete batch -> [j2#1, j3#1] stale [j1#1]", "lease none -> []",
                "stats end -> ready=0 leased=0 scheduled=0 dead=0 oldestReadyAge=PT0S");
        assertThat(mem).anyMatch(l -> l.startsWith("complete j1 again -> LeaseExpiredException"));
        assertThat(mem).anyMatch(l -> l.startsWith("lease 10 -> [j4#1, j5#1]"));
    }

    /** Lease timeout (visibility timeout): an unsettled item comes back after the timeout, to the tail; fenced. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void leaseTimeoutRedeliversFencedAndExtendKeepsIt(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("vis", QueueOptions.leaseTimeout(Duration.ofSeconds(10)).maxAttempts(3));
            q.produce(Message.of("a"));
            clock.advance(Duration.ofMillis(1));
            q.produce(Message.of("b"));
            Lease a1 = q.lease("w1", 1, Duration.ZERO).get(0);
            log.lines.add("first lease " + a1.payloadText() + " expires +" + Duration.between(a1.leasedAt(), a1.expiresAt()));
            clock.advance(Duration.ofSeconds(9));
            clock.advance(Duration.ofMillis(999));
            List<Lease> b1 = q.lease("w2", 5, Duration.ZERO);
            log.lines.add("a invisible before timeout -> " + texts(b1));
            q.complete(b1);
            clock.advance(Duration.ofMillis(1));
            log.add("stats at expiry", () -> stats(q.stats()));
            List<Lease> again = q.lease("w3", 5, Duration.ZERO);
            log.lines.add("after timeout -> " + texts(again));
            log.run("stale holder completes", () -> q.complete(a1));
            log.run("stale holder extends", () -> q.extend(a1, Duration.ofSeconds(5)));
            Lease a2 = again.get(0);
            log.add("history", () -> a2.history().stream().map(h -> h.number() + ":" + h.outcome() + ":" + h.holder()).toList());
            log.add("extend", () -> {
                Lease e = q.extend(a2, Duration.ofSeconds(60));
                return Duration.between(clock.instant(), e.expiresAt()) + " same token " + e.token().equals(a2.token());
            });
            clock.advance(Duration.ofSeconds(30));
            log.add("extended lease holds", () -> texts(q.lease("w4", 5, Duration.ZERO)));
            log.run("complete extended", () -> q.complete(a2));
            log.add("extend 0", () -> q.extend(a2, Duration.ZERO));
        });
        assertThat(mem).contains("first lease a expires +PT10S", "a invisible before timeout -> [b#1]", "after timeout -> [a#2]",
                "extended lease holds -> []", "complete extended -> ok");
        assertThat(mem).anyMatch(l -> l.startsWith("stale holder completes -> LeaseExpiredException"));
    }

    /** Retries count attempts; after max attempts the item moves to the dead-letter queue with its history. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void retriesMaxAttemptsAndDeadLetters(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("work", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(2).deadLetter("work_dead"));
            WorkQueue dead = depot.queue("work_dead");
            String id = q.produce(Message.of("x"));
            q.produce(Message.of("y"));
            Lease l1 = q.lease(1, Duration.ZERO).get(0);
            log.run("retry 1", () -> q.retry(l1, Duration.ZERO));
            List<Lease> next = q.lease(5, Duration.ZERO);
            log.lines.add("after retry (tail) -> " + texts(next));
            Lease x2 = next.stream().filter(l -> l.payloadText().equals("x")).findFirst().orElseThrow();
            Lease y1 = next.stream().filter(l -> l.payloadText().equals("y")).findFirst().orElseThrow();
            log.run("retry on last attempt", () -> q.retry(x2, Duration.ZERO));
            log.run("dead-letter y now", () -> q.deadLetter(y1, "poison message"));
            log.add("work stats", () -> stats(q.stats()));
            log.add("dead stats", () -> stats(dead.stats()));
            log.add("inspect in dlq", () -> dead.inspect(id).map(SeedParityProbeTest::item));
            log.add("inspect in source", () -> q.inspect(id).map(SeedParityProbeTest::item));
            log.add("dlq lease", () -> dead.lease(5, Duration.ZERO).stream()
                    .map(l -> l.payloadText() + "#" + l.attempt() + " same id " + (l.id().equals(id) || !l.payloadText().equals("x"))
                            + " history " + l.history().size())
                    .toList());
            log.add("queues", () -> depot.queues().keySet());
            // without a dead-letter queue: dead items stay, in state DEAD, until the retention passes
            WorkQueue keep = depot.queue("keep", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(1)
                    .deadRetention(Duration.ofDays(1)));
            keep.produce(Message.of("k"));
            Lease k = keep.lease(1, Duration.ZERO).get(0);
            log.run("retry k (only attempt)", () -> keep.retry(k, Duration.ofSeconds(5)));
            log.add("keep stats", () -> stats(keep.stats()));
            log.add("keep dead list", () -> keep.list(ItemState.DEAD, 10, null).items().stream().map(SeedParityProbeTest::item).toList());
            clock.advance(Duration.ofDays(1).plusMillis(1));
            log.add("keep stats after retention", () -> stats(keep.stats()));
            log.add("dlq of a dlq", () -> depot.queue("work_dead", QueueOptions.defaults().deadLetter("other")));
            log.add("dlq is itself", () -> depot.queue("self", QueueOptions.defaults().deadLetter("self")));
        });
        assertThat(mem).contains("after retry (tail) -> [y#1, x#2]", "work stats -> ready=0 leased=0 scheduled=0 dead=0 oldestReadyAge=PT0S",
                "keep stats after retention -> ready=0 leased=0 scheduled=0 dead=0 oldestReadyAge=PT0S");
        assertThat(mem).anyMatch(l -> l.startsWith("dead stats -> ready=2"));
        assertThat(mem).anyMatch(l -> l.startsWith("keep stats -> ready=0 leased=0 scheduled=0 dead=1"));
    }

    /** Scheduled items (enqueue at / notBefore) and retry delays; TTL (expireAfter); dedup. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void delaysExpiryAndDedup(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("timed");
            q.produce(Message.of("later").notBefore(clock.instant().plus(Duration.ofHours(1))));
            q.produce(Message.of("past").notBefore(clock.instant().minus(Duration.ofHours(1))));
            log.add("stats", () -> stats(q.stats()));
            List<Lease> now = q.lease(10, Duration.ZERO);
            log.lines.add("lease now -> " + texts(now));
            q.complete(now);
            clock.advance(Duration.ofHours(1));
            List<Lease> later = q.lease(10, Duration.ZERO);
            log.lines.add("lease after 1h -> " + texts(later));
            log.run("retry with 5m delay", () -> q.retry(later.get(0), Duration.ofMinutes(5)));
            log.add("stats after delayed retry", () -> stats(q.stats()));
            clock.advance(Duration.ofMinutes(4));
            log.add("lease at 4m", () -> texts(q.lease(10, Duration.ZERO)));
            clock.advance(Duration.ofMinutes(1));
            log.add("lease at 5m", () -> texts(q.lease(10, Duration.ZERO)));
            // TTL: expireAfter
            WorkQueue ttl = depot.queue("ttl");
            String eid = ttl.produce(Message.of("short-lived").expireAfter(Duration.ofMinutes(1)));
            ttl.produce(Message.of("long-lived"));
            clock.advance(Duration.ofMinutes(2));
            log.add("ttl stats", () -> stats(ttl.stats()));
            log.add("ttl inspect", () -> ttl.inspect(eid).map(SeedParityProbeTest::item));
            log.add("ttl lease", () -> texts(ttl.lease(10, Duration.ZERO)));
            // dedup
            WorkQueue d = depot.queue("dedup");
            String d1 = d.produce(Message.of("one").dedupKey("k"));
            log.add("dedup same id", () -> d.produce(Message.of("two").dedupKey("k")).equals(d1));
            log.add("dedup in batch", () -> {
                List<String> ids = d.produce(List.of(Message.of("three").dedupKey("z"), Message.of("four").dedupKey("z")));
                return ids.get(0).equals(ids.get(1));
            });
            Lease one = d.lease(1, Duration.ZERO).get(0);
            log.add("dedup while leased", () -> d.produce(Message.of("five").dedupKey("k")).equals(d1));
            d.complete(one);
            log.add("dedup after completion is new", () -> !d.produce(Message.of("six").dedupKey("k")).equals(d1));
            log.add("dedup stats", () -> stats(d.stats()));
        });
        assertThat(mem).anyMatch(l -> l.startsWith("stats -> ready=1 leased=0 scheduled=1 dead=0"));
        assertThat(mem).contains("lease now -> [past#1]",
                "lease after 1h -> [later#1]", "lease at 4m -> []", "lease at 5m -> [later#2]",
                "ttl lease -> [long-lived#1]", "dedup same id -> true", "dedup in batch -> true",
                "dedup while leased -> true", "dedup after completion is new -> true");
        assertThat(mem).anyMatch(l -> l.startsWith("ttl inspect -> Optional[DEAD short-lived attempts=0 dead=expired"));
    }

    /** Purge: queue.clear() drops every item and makes leases stale; depot.clear() empties queues too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void purgeQueueAndClearDepot(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            WorkQueue q = depot.queue("purge", QueueOptions.defaults().maxAttempts(2));
            q.produce(List.of(Message.of("1"), Message.of("2"), Message.of("3")));
            q.produce(Message.of("4").notBefore(clock.instant().plusSeconds(60)));
            Lease l = q.lease(1, Duration.ZERO).get(0);
            log.add("clear", q::clear);
            log.add("stats", () -> stats(q.stats()));
            log.run("complete stale", () -> q.complete(l));
            log.add("list all", () -> q.list(null, 10, null).items().size());
            q.produce(Message.of("5"));
            log.add("options before depot.clear", () -> q.options().maxAttempts());
            log.run("depot.clear", depot::clear);
            log.add("stats after depot.clear", () -> stats(q.stats()));
            log.add("options after depot.clear", () -> depot.queue("purge").options().maxAttempts());
            log.add("queues still listed after clear (no way to delete one)", () -> depot.queues().keySet());
        });
        assertThat(mem).contains("clear -> 4", "stats after depot.clear -> ready=0 leased=0 scheduled=0 dead=0 oldestReadyAge=PT0S");
    }

    /** A consumer waiting in lease() is woken by a produce (long poll), on every backend. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void leaseLongPollsUntilAProduce(String db, TestDatabases.UrlSource opener) throws Exception {
        for (String url : List.of("memory:", sqlUrl(opener))) {
            try (Depot depot = Depot.open(url)) {
                WorkQueue q = depot.queue("poll");
                ExecutorService pool = Executors.newSingleThreadExecutor();
                CountDownLatch started = new CountDownLatch(1);
                Future<List<Lease>> waiting = pool.submit(() -> {
                    started.countDown();
                    return q.lease(1, Duration.ofSeconds(20));
                });
                started.await();
                RecordsFeedProbeTest.await(() -> q.stats().waitingConsumers() >= 1, 5000);
                long t0 = System.nanoTime();
                q.produce(Message.of("wake"));
                List<Lease> got = waiting.get(10, TimeUnit.SECONDS);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("long poll on " + url + " woke after " + ms + " ms");
                assertThat(texts(got)).as(url).containsExactly("wake#1");
                assertThat(ms).as(url + " woken by the produce, not by the wait's end").isLessThan(5000);
                pool.shutdown();
                depot.clear();
            }
        }
    }

    /** Several waiting consumers share a produced batch (each takes at most ceil(ready / waiting)). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void waitingConsumersShareAProducedBatch(String db, TestDatabases.UrlSource opener) throws Exception {
        for (String url : List.of("memory:", sqlUrl(opener))) {
            try (Depot depot = Depot.open(url)) {
                WorkQueue q = depot.queue("share");
                ExecutorService pool = Executors.newFixedThreadPool(2);
                CountDownLatch started = new CountDownLatch(2);
                List<Future<List<Lease>>> waiting = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    waiting.add(pool.submit(() -> {
                        started.countDown();
                        return q.lease(10, Duration.ofSeconds(20));
                    }));
                }
                started.await();
                RecordsFeedProbeTest.await(() -> q.stats().waitingConsumers() >= 2, 5000);
                int waitingNow = q.stats().waitingConsumers();
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    batch.add(Message.of("m" + i));
                }
                q.produce(batch);
                int a = waiting.get(0).get(10, TimeUnit.SECONDS).size();
                int b = waiting.get(1).get(10, TimeUnit.SECONDS).size();
                System.out.println("share on " + url + ": waiting " + waitingNow + ", got " + a + " and " + b);
                assertThat(waitingNow).as(url).isEqualTo(2);
                assertThat(a + b).as(url).isEqualTo(10);
                assertThat(Math.max(a, b)).as(url + ": shared, not all to one").isLessThanOrEqualTo(5);
                pool.shutdown();
                depot.clear();
            }
        }
    }

    /** Querator's in-memory claim: 100,000+ produce/s, 50,000+ lease and complete/s. */
    @Test
    void memoryQueueThroughputMeetsQueratorsFigures() {
        try (Depot depot = Depot.open("memory:")) {
            WorkQueue q = depot.queue("bench");
            int n = 200_000;
            int batch = 100;
            for (int round = 0; round < 2; round++) { // the first round warms up
                List<Message> msgs = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    msgs.add(Message.of("payload-" + i));
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < n / batch; i++) {
                    q.produce(msgs);
                }
                long t1 = System.nanoTime();
                int done = 0;
                while (done < n) {
                    List<Lease> ls = q.lease(batch, Duration.ZERO);
                    q.complete(ls);
                    done += ls.size();
                }
                long t2 = System.nanoTime();
                double produce = n / ((t1 - t0) / 1e9);
                double consume = n / ((t2 - t1) / 1e9);
                System.out.printf("memory queue round %d: produce %.0f/s, lease+complete %.0f/s%n", round, produce, consume);
                if (round == 1) {
                    assertThat(produce).isGreaterThan(100_000);
                    assertThat(consume).isGreaterThan(50_000);
                }
            }
        }
    }

    /**
     * Querator's in-memory doc: "Monitor memory usage to avoid OOM (1 million items ≈ 200-500 MB)".
     * DepotStats.approximateHeapBytes says "watch it to avoid running out of memory": queue items
     * should count.
     */
    @Test
    void memoryHeapStatsCountQueueItems() {
        try (Depot depot = Depot.open("memory:")) {
            long before = depot.stats().approximateHeapBytes();
            WorkQueue q = depot.queue("big");
            byte[] kb = new byte[1024];
            for (int i = 0; i < 20; i++) {
                List<Message> batch = new ArrayList<>();
                for (int j = 0; j < 500; j++) {
                    batch.add(Message.of(kb));
                }
                q.produce(batch);
            }
            long after = depot.stats().approximateHeapBytes();
            System.out.println("approximateHeapBytes before " + before + ", after 10,000 items of 1 KiB " + after);
            assertThat(after - before).as("heap estimate growth after queuing ~10 MB of items").isGreaterThan(10_000_000L);
        }
    }

    // ================================================================== seed 004: EveryDatabase (Java repositories)

    public record PlayerData(UUID uuid, String name, int score) {}

    static final Schema<UUID, PlayerData> PLAYERS = Schema.of("players", UUID.class, PlayerData.class).key(PlayerData::uuid)
            .index("score", Integer.class, PlayerData::score)
            .build();

    static UUID uuid(int i) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", i));
    }

    /** repo.save (upsert) / repo.find (Optional) / versions. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void saveUpsertFindAndVersions(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<UUID, PlayerData> repo = depot.records(PLAYERS);
            UUID id = uuid(1);
            log.add("save", () -> repo.save(new PlayerData(id, "Alice", 100)));
            log.add("save again (upsert)", () -> repo.save(new PlayerData(id, "Alice", 120)));
            log.add("find", () -> repo.get(id));
            log.add("getVersioned", () -> repo.getVersioned(id).map(v -> v.version() + " " + v.value()));
            log.add("getAll", () -> repo.getAll(List.of(uuid(9), id)));
            log.add("saveAll", () -> repo.saveAll(List.of(new PlayerData(uuid(2), "Bob", 50), new PlayerData(id, "Alice", 130))));
            log.add("saveAll with a key twice", () -> repo.saveAll(List.of(new PlayerData(uuid(3), "C", 1), new PlayerData(uuid(3), "C", 2))));
            log.add("exists 3", () -> repo.exists(uuid(3)));
        });
        assertThat(mem).contains("save -> 1", "save again (upsert) -> 2", "saveAll -> [1, 3]", "exists 3 -> false");
    }

    /** "close() clears the store": a closed memory depot's data is gone; a new one starts empty. */
    @Test
    void closingAMemoryDepotDropsItsData() {
        Depot depot = Depot.open("memory:");
        depot.records(PLAYERS).save(new PlayerData(uuid(1), "Alice", 100));
        depot.close();
        assertThatThrownBy(() -> depot.records(PLAYERS).count()).isInstanceOf(IllegalStateException.class);
        try (Depot again = Depot.open("memory:")) {
            assertThat(again.records(PLAYERS).count()).isZero();
        }
    }

    /** findBy("score", 100), Query.range("score", 50, null) (inclusive, null = open), paging. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void findByAndRangeQueries(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<UUID, PlayerData> repo = depot.records(PLAYERS);
            int[] scores = {100, 40, 50, 75, 100, 10, 60};
            for (int i = 0; i < scores.length; i++) {
                repo.insert(new PlayerData(uuid(i), "p" + i, scores[i]));
            }
            log.add("findBy score 100", () -> names(repo.query().where(Q.field("score").eq(100)).list()));
            log.add("range 50..null (ge)", () -> names(repo.query().where(Q.field("score").ge(50)).orderBy("score").list()));
            log.add("range 50..75 inclusive", () -> names(repo.query().where(Q.field("score").between(50, 75)).list()));
            log.add("range 50..null via between", () -> repo.query().where(Q.field("score").between(50, null)));
            log.add("range null..50 (le)", () -> names(repo.query().where(Q.field("score").le(50)).list()));
            log.add("findBy with a long", () -> repo.query().where(Q.field("score").eq(100L)).count());
            log.add("findBy with text", () -> repo.query().where(Q.field("score").eq("100")).count());
            log.add("findBy with 100.5", () -> repo.query().where(Q.field("score").eq(100.5)).count());
            log.add("page 1", () -> {
                Page<PlayerData> p = repo.query().orderBy("score", Direction.DESC).limit(3).page();
                Page<PlayerData> p2 = repo.query().orderBy("score", Direction.DESC).limit(3).after(p.nextCursor()).page();
                return names(p.items()) + " " + names(p2.items()) + " more=" + p2.hasMore();
            });
            log.add("explain findBy", () -> repo.query().where(Q.field("score").eq(100)).explain());
            log.add("explain range", () -> repo.query().where(Q.field("score").ge(50)).orderBy("score").explain().scans());
            log.add("undeclared field", () -> repo.query().where(Q.field("name").eq("p1")));
            log.add("orderBy undeclared", () -> repo.query().orderBy("name"));
        });
        assertThat(mem).contains("findBy score 100 -> [p0, p4]", "range 50..null (ge) -> [p2, p6, p3, p0, p4]",
                "range 50..75 inclusive -> [p2, p3, p6]", "explain range -> false", "findBy with a long -> 2");
        assertThat(mem).anyMatch(l -> l.startsWith("range 50..null via between -> IllegalArgumentException") && l.contains("ge()"));
        assertThat(mem).anyMatch(l -> l.startsWith("undeclared field -> IllegalArgumentException"));
    }

    static List<String> names(List<PlayerData> ps) {
        return ps.stream().map(PlayerData::name).toList();
    }

    /** A non-JSON codec (EveryDatabase's in-memory refuses one): Depot takes any codec on every backend. */
    static final Codec<PlayerData> PIPE = new Codec<>() {
        @Override
        public byte[] encode(PlayerData p) {
            return utf8(p.uuid() + "|" + p.name() + "|" + p.score());
        }

        @Override
        public PlayerData decode(byte[] bytes) {
            String[] parts = new String(bytes, StandardCharsets.UTF_8).split("\\|", -1);
            return new PlayerData(UUID.fromString(parts[0]), parts[1], Integer.parseInt(parts[2]));
        }
    };

    static final Schema<UUID, PlayerData> PIPED = Schema.of("piped", UUID.class, PlayerData.class).key(PlayerData::uuid)
            .index("score", Integer.class, PlayerData::score)
            .codec(PIPE)
            .build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void nonJsonCodecWorksOnEveryBackend(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<UUID, PlayerData> repo = depot.records(PIPED);
            log.add("save", () -> repo.save(new PlayerData(uuid(1), "Al\"ice {", 100)));
            log.add("find", () -> repo.get(uuid(1)));
            log.add("query", () -> repo.query().where(Q.field("score").ge(50)).count());
        });
        assertThat(mem).contains("save -> 1", "find -> Optional[PlayerData[uuid=" + uuid(1) + ", name=Al\"ice {, score=100]]");
    }

    public record Named(String id, String v) {}

    static final Schema<String, Named> NAMED = Schema.of("named", String.class, Named.class).key(Named::id).build();

    /** EveryDatabase keys: a unique toString() of at most 255 characters. Depot: 255 UTF-8 bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void keyLengthLimits(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<String, Named> r = depot.records(NAMED);
            log.add("255 ascii chars", () -> r.insert(new Named("k".repeat(255), "v")));
            log.add("256 ascii chars", () -> r.insert(new Named("k".repeat(256), "v")));
            log.add("200 chars of é (400 bytes)", () -> r.insert(new Named("é".repeat(200), "v")));
            log.add("127 chars of é (254 bytes)", () -> r.insert(new Named("é".repeat(127), "v")));
            log.add("empty key", () -> r.insert(new Named("", "v")));
        });
        assertThat(mem).contains("255 ascii chars -> 1", "127 chars of é (254 bytes) -> 1");
        // Recorded, not asserted: a 200-character key of non-ASCII text, legal in EveryDatabase, is refused.
        System.out.println("key of 200 é: " + mem.get(2));
    }

    public record PlayerId(UUID value) {
        @Override
        public String toString() {
            return "player-" + value;
        }
    }

    public record Keyed(PlayerId id, String name) {}

    /** EveryDatabase keys only need a stable toString(); Depot needs a KeyCodec for custom key types. */
    @Test
    void customKeyTypeNeedsAKeyCodec() {
        Throwable without = null;
        try {
            Schema.of("keyed", PlayerId.class, Keyed.class).key(Keyed::id).build();
        } catch (RuntimeException e) {
            without = e;
        }
        System.out.println("custom key type without KeyCodec: " + without);
        assertThat(without).isInstanceOf(IllegalArgumentException.class);
        Schema<PlayerId, Keyed> keyed = Schema.of("keyed", PlayerId.class, Keyed.class).key(Keyed::id)
                .keyCodec(dev.depot.KeyCodec.of(PlayerId::toString, s -> new PlayerId(UUID.fromString(s.substring(7)))))
                .build();
        for (String url : List.of("memory:", TestDatabases.h2Mem())) {
            try (Depot depot = Depot.open(url)) {
                PlayerId id = new PlayerId(uuid(5));
                depot.records(keyed).insert(new Keyed(id, "x"));
                assertThat(depot.records(keyed).get(id)).contains(new Keyed(id, "x"));
                assertThat(depot.changes().since(0).get(0).key()).isEqualTo("player-" + uuid(5));
            }
        }
    }

    /**
     * storage.inTransaction(scope -> ...): EveryDatabase's in-memory has no isolation and a no-op
     * rollback; Depot promises both on memory too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void transactionsIsolateAndRollBack(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<UUID, PlayerData> outside = depot.records(PLAYERS);
            UUID alice = uuid(1);
            UUID bob = uuid(2);
            depot.inTransaction(tx -> {
                Records<UUID, PlayerData> txRepo = tx.records(PLAYERS);
                txRepo.save(new PlayerData(alice, "Alice", 1));
                log.add("inside sees own write", () -> txRepo.get(alice).isPresent());
                log.add("outside before commit", () -> outside.get(alice).isPresent());
                log.add("outside count before commit", outside::count);
                txRepo.save(new PlayerData(bob, "Bob", 2));
            });
            log.add("after commit", () -> names(outside.query().list()));
            log.add("rollback by exception", () -> depot.transact(tx -> {
                tx.records(PLAYERS).save(new PlayerData(alice, "Alice", 99));
                tx.records(PLAYERS).delete(bob);
                throw new IllegalStateException("boom");
            }));
            log.add("after rollback", () -> outside.query().list());
            log.add("setRollbackOnly", () -> depot.transact(tx -> {
                tx.records(PLAYERS).save(new PlayerData(uuid(3), "Carol", 3));
                tx.setRollbackOnly();
                return tx.records(PLAYERS).count();
            }));
            log.add("after setRollbackOnly", outside::count);
            log.add("feed", () -> depot.changes().since(0).stream().map(e -> e.op() + " " + e.key() + " v" + e.version()).toList());
            log.add("conflict", () -> depot.transact(tx -> {
                tx.records(PLAYERS).get(alice);
                outside.save(new PlayerData(alice, "Alice", 5));
                tx.records(PLAYERS).save(new PlayerData(alice, "Alice", 6));
                return "committed";
            }));
            log.add("alice after conflict", () -> outside.get(alice).map(PlayerData::score));
        });
        assertThat(mem).contains("inside sees own write -> true", "outside before commit -> false",
                "outside count before commit -> 0", "after commit -> [Alice, Bob]", "after setRollbackOnly -> 2",
                "alice after conflict -> Optional[5]");
        assertThat(mem).anyMatch(l -> l.startsWith("rollback by exception -> IllegalStateException: boom"));
        assertThat(mem).anyMatch(l -> l.startsWith("conflict -> ConflictException"));
    }

    /** Optimistic locking: not enforced by EveryDatabase's in-memory; enforced by Depot everywhere. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void optimisticLockingIsEnforcedOnMemoryToo(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            Records<UUID, PlayerData> repo = depot.records(PLAYERS);
            long v = repo.insert(new PlayerData(uuid(1), "Alice", 1));
            log.add("update at v1", () -> repo.update(new PlayerData(uuid(1), "Alice", 2), v));
            log.add("update at stale v1", () -> repo.update(new PlayerData(uuid(1), "Alice", 3), v));
            log.add("delete at stale v1", () -> repo.delete(uuid(1), v));
            log.add("delete at v2", () -> repo.delete(uuid(1), 2));
        });
        assertThat(mem).contains("update at v1 -> 2", "delete at v2 -> true");
        assertThat(mem).anyMatch(l -> l.startsWith("update at stale v1 -> VersionConflictException"));
    }

    /** The change feed pushes an event for every local write, the writer's own included. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void changeFeedPushesEveryWrite(String db, TestDatabases.UrlSource opener) {
        List<String> mem = compare(db, opener, (depot, clock, log) -> {
            LinkedBlockingQueue<ChangeEvent> got = new LinkedBlockingQueue<>();
            long from = depot.changes().lastSequence();
            try (Subscription s = depot.changes().subscribe(from, got::add)) {
                Records<UUID, PlayerData> repo = depot.records(PLAYERS);
                repo.insert(new PlayerData(uuid(1), "Alice", 1));
                repo.save(new PlayerData(uuid(1), "Alice", 2));
                depot.inTransaction(tx -> {
                    tx.records(PLAYERS).delete(uuid(1));
                    tx.records(PLAYERS).insert(new PlayerData(uuid(2), "Bob", 1));
                });
                repo.delete(uuid(9)); // no-op: no event
                List<String> events = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ChangeEvent e = got.poll(20, TimeUnit.SECONDS);
                    events.add(e == null ? "timeout" : (e.sequence() - from) + " " + e.op() + " " + e.collection() + "/" + e.key()
                            + " v" + e.version() + " " + e.time());
                }
                log.lines.add("pushed -> " + events);
                RecordsFeedProbeTest.await(() -> RecordsFeedProbeTest.caughtUp(depot, s), 5000); // nothing more to come
                log.lines.add("extra -> " + got.size());
                log.add("state", s::state);
            }
            log.add("pull since", () -> depot.changes().since(from, 2).size());
        });
        assertThat(mem.get(0)).isEqualTo("pushed -> [1 INSERT players/" + uuid(1) + " v1 " + START + ", 2 UPDATE players/" + uuid(1)
                + " v2 " + START + ", 3 DELETE players/" + uuid(1) + " v2 " + START + ", 4 INSERT players/" + uuid(2) + " v1 " + START + "]");
    }

    /** The capability matrix ("Choosing a Backend"): what each backend declares. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void capabilitiesAgreeButDurability(String db, TestDatabases.UrlSource opener) {
        Set<Capability> memory;
        try (Depot d = Depot.open("memory:")) {
            memory = new TreeSet<>(d.capabilities().supported());
        }
        try (Depot d = Depot.open(sqlUrl(opener))) {
            Set<Capability> sql = new TreeSet<>(d.capabilities().supported());
            sql.remove(Capability.DURABLE);
            assertThat(sql).isEqualTo(memory);
            assertThat(d.capabilities().has(Capability.DURABLE)).isEqualTo(!db.equals("h2-mem"));
        }
        assertThat(memory).containsExactlyInAnyOrder(Capability.RECORDS, Capability.TRANSACTIONS, Capability.UNIQUE_INDEXES,
                Capability.CHANGE_FEED, Capability.QUEUES, Capability.BLOBS);
    }

}
