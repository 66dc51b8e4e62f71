package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.depot.BackendUnavailableException;
import dev.depot.Blobs;
import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The disk of an embedded backend fills up (a small tmpfs mounted for the test; skipped where the
 * test may not mount one). What was acknowledged must stay, what failed must be absent or whole, the
 * failure must say the disk is full and name what was being written, and once space is freed the same
 * depot (not reopened) must work again. H2 lost acknowledged commits here: with its default write
 * delay its commits waited in memory for a background writer, which failed on the full disk and
 * dropped them, while later calls went on succeeding.
 */
class DiskFullProbeTest {
    record Doc(String id, String body) {}

    private static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id).build();
    private static final String BODY = "x".repeat(2_000);

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Path dir : mounts) {
            if (run("umount", dir.toString()) != null) {
                run("umount", "-l", dir.toString()); // still busy: detach now, freed when the last file closes
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * A tmpfs of {@code kb} KiB. Skipped only where mounting is not ours to do (not Linux, not root);
     * as root a refused mount fails the test, so it cannot pass by skipping itself on the machines
     * that run it.
     */
    private Path smallDisk(int kb) throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && "root".equals(System.getProperty("user.name")),
                "tmpfs mounts need Linux and root");
        Path dir = Files.createTempDirectory("depot-full");
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + kb + "k", "tmpfs", dir.toString());
        if (out != null) {
            Files.deleteIfExists(dir);
            throw new AssertionError("root could not mount a small tmpfs: " + out);
        }
        mounts.add(dir);
        return dir;
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return p.waitFor() == 0 ? null : out.isBlank() ? "exit " + p.exitValue() : out.strip();
    }

    private static String url(String kind, Path dir) {
        return switch (kind) {
            case "sqlite" -> "sqlite:" + dir.resolve("depot.db");
            case "h2-file" -> "h2:file:" + dir.resolve("depot") + ";WRITE_DELAY=0"; // per-commit writes: see CONTRACT §1
            default -> "file:" + dir.resolve("store");
        };
    }

    /** A file that takes {@code kb} KiB of the disk until the test deletes it to free space. */
    private static Path filler(Path dir, int kb) throws IOException {
        Path f = dir.resolve("filler");
        Files.write(f, new byte[kb * 1024]);
        return f;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "h2-file"})
    void recordsAcknowledgedBeforeTheDiskFilledStayAndTheDepotRecoversOnceSpaceIsFreed(String kind) throws Exception {
        Path dir = smallDisk(kind.equals("h2-file") ? 4_096 : 2_048);
        Path filler = filler(dir, 512);
        String url = url(kind, dir);
        Set<String> acked = new TreeSet<>();
        Set<String> failed = new HashSet<>();
        try (Depot d = Depot.open(url)) {
            Records<String, Doc> r = d.records(DOCS);
            int failures = 0;
            for (int i = 0; i < 20_000 && failures < 5; i++) {
                String a = "k" + i;
                String b = "t" + i;
                try {
                    if (i % 5 == 4) {
                        d.inTransaction(tx -> {
                            tx.records(DOCS).save(new Doc(a, BODY + a));
                            tx.records(DOCS).save(new Doc(b, BODY + b));
                        });
                        acked.add(b);
                    } else {
                        r.save(new Doc(a, BODY + a));
                    }
                    acked.add(a);
                } catch (RuntimeException e) {
                    failures++;
                    failed.add(a);
                    failed.add(b);
                    // a transaction's commit names the transaction (its outcome is for commitOutcome to say), a write its collection
                    assertThat(e).as(kind).isInstanceOf(BackendUnavailableException.class)
                            .satisfiesAnyOf(x -> assertThat(x).isInstanceOf(dev.depot.StorageFullException.class),
                                    x -> assertThat(x.getCause()).isInstanceOf(dev.depot.StorageFullException.class))
                            .hasMessageContaining("disk is full").hasMessageContaining(i % 5 == 4 ? "transaction" : "docs")
                            .hasMessageNotContaining(BODY.substring(0, 50));
                }
            }
            assertThat(failures).as(kind + ": the disk filled up").isEqualTo(5);
            assertThat(acked).as(kind).hasSizeGreaterThan(20);
            assertHolds(d, acked, failed, kind + " when full");

            Files.delete(filler); // the operator frees space
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 20 && after.size() < 5; i++) {
                String k = "after" + i;
                try {
                    r.save(new Doc(k, BODY + k));
                    after.add(k);
                    acked.add(k);
                } catch (BackendUnavailableException e) {
                    failed.add(k); // a reconnect may take a call or two
                }
            }
            assertThat(after).as(kind + ": writes work again on the same depot").hasSize(5);
            assertHolds(d, acked, failed, kind + " after space was freed");
        }
        try (Depot d = Depot.open(url)) {
            assertHolds(d, acked, failed, kind + " reopened");
        }
    }

    /** Every acknowledged key is there, whole; a failed one absent or whole; the feed holds exactly the stored keys. */
    private static void assertHolds(Depot d, Set<String> acked, Set<String> failed, String when) {
        Records<String, Doc> r = d.records(DOCS);
        List<Doc> all = r.query().list();
        Set<String> stored = new TreeSet<>();
        for (Doc doc : all) {
            assertThat(doc.body()).as(when + " " + doc.id()).isEqualTo(BODY + doc.id());
            stored.add(doc.id());
        }
        assertThat(stored).as(when + ": every acknowledged write").containsAll(acked);
        Set<String> extra = new TreeSet<>(stored);
        extra.removeAll(acked);
        assertThat(failed).as(when + ": nothing stored that was not written").containsAll(extra);
        List<ChangeEvent> events = d.changes().since(0, 100_000);
        Set<String> inFeed = new TreeSet<>();
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).sequence()).as(when + ": gap-free").isEqualTo(events.get(0).sequence() + i);
            inFeed.add(events.get(i).key());
        }
        assertThat(inFeed).as(when + ": the feed holds exactly the stored writes").isEqualTo(stored);
        assertThat(events).as(when + ": one event per stored key").hasSize(stored.size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "sqlite", "h2-file"})
    void aBlobThatDoesNotFitLeavesThePreviousContentAndNothingHalfWritten(String kind) throws Exception {
        Path dir = smallDisk(kind.equals("h2-file") ? 4_096 : 2_048);
        String url = url(kind, dir);
        byte[] small = "the first content".getBytes();
        try (Depot d = Depot.open(url)) {
            Blobs b = d.blobs("b");
            b.put("kept", small);
            Path filler = filler(dir, 256);
            byte[] huge = new byte[8 * 1024 * 1024]; // more than the disk holds
            Arrays.fill(huge, (byte) 7);
            assertThatThrownBy(() -> b.put("kept", huge)).as(kind)
                    .isInstanceOf(dev.depot.StorageFullException.class)
                    .hasMessageContaining("kept").hasMessageContaining("disk is full");
            assertThatThrownBy(() -> b.put("new", huge)).as(kind)
                    .isInstanceOf(dev.depot.StorageFullException.class)
                    .hasMessageContaining("new").hasMessageContaining("disk is full");
            assertThat(get(b, "kept")).as(kind + ": the previous content").isEqualTo(small);
            assertThat(b.exists("new")).as(kind + ": no half-written blob").isFalse();
            if (kind.equals("file")) {
                try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
                    assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                            .filter(n -> !n.startsWith("kept") && !n.startsWith(".")).toList())
                            .as("no temporary file left behind").isEmpty();
                }
            }
            Files.delete(filler);
            byte[] fits = new byte[64 * 1024];
            Arrays.fill(fits, (byte) 3);
            boolean written = false;
            for (int i = 0; i < 10 && !written; i++) {
                try {
                    b.put("new", fits);
                    written = true;
                } catch (BackendUnavailableException e) {
                    // a reconnect may take a call or two
                }
            }
            assertThat(written).as(kind + ": writes work again once space is freed").isTrue();
            assertThat(get(b, "new")).isEqualTo(fits);
            assertThat(get(b, "kept")).isEqualTo(small);
        }
    }

    private static byte[] get(Blobs b, String path) {
        return b.get(path);
    }
}
