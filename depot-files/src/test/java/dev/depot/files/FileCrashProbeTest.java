package dev.depot.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.ListOptions;
import dev.depot.Page;
import dev.depot.spi.ContentHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stricter oracle than {@link CrashSafetyTest}: the parent keeps a model of every path (which put's
 * content it holds) from the child's {@code E} lines, so after each {@code kill -9} and reopen every
 * path must hold exactly the model's content, except the paths of the one operation in flight, which
 * must show that operation wholly done or wholly undone, across both paths of a move or copy (a move
 * that lost or duplicated its blob fails here, though every visible blob is intact). Also: listing and
 * stat agree (flat and folded), {@code tmp/} is emptied, and no temp file is ever a blob.
 */
class FileCrashProbeTest {
    private final Path dir = TempDirs.create("crashprobe");

    @AfterEach
    void cleanUp() {
        TempDirs.delete(dir);
    }

    /** What a path holds: a put's size and seed (copies and moves carry them). */
    record Content(long size, long seed) {}

    @Test
    void everyPathShowsTheWholeOldOrTheWholeNewStateAfterAKill() throws Exception {
        int kills = Integer.getInteger("depot.crash.kills", Boolean.getBoolean("depot.deep") ? 150 : 30);
        SplittableRandom random = new SplittableRandom(7);
        Map<String, Content> model = new TreeMap<>();
        int inFlightUndone = 0;
        int inFlightDone = 0;
        long lines = 0;
        for (int k = 0; k < kills; k++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), FileCrashProbeChild.class.getName(),
                    dir.toString(), Long.toString(random.nextLong()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] inFlight = null;
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            try {
                assertThat(out.readLine()).isEqualTo("ready");
                int budget = 1 + random.nextInt(k % 3 == 0 ? 30 : 400);
                String line;
                while (budget-- > 0 && (line = out.readLine()) != null) {
                    lines++;
                    inFlight = follow(model, inFlight, line);
                }
            } finally {
                child.toHandle().destroyForcibly(); // SIGKILL; unlike Process.destroyForcibly it keeps the pipe readable
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            // The child worked on until the kill landed: what it printed meanwhile is still in the pipe.
            for (String line; (line = out.readLine()) != null; ) {
                lines++;
                inFlight = follow(model, inFlight, line);
            }
            Map<String, Content> undone = new TreeMap<>(model);
            Map<String, Content> done = new TreeMap<>(model);
            if (inFlight != null) {
                apply(done, inFlight);
            }
            try (Depot depot = Depot.open("file:" + dir + "?fsync=false")) {
                Blobs blobs = depot.blobs("crash");
                Map<String, Content> actual = actual(blobs);
                String where = "after kill " + k + " with in flight: " + (inFlight == null ? "nothing" : String.join(" ", inFlight));
                if (actual.equals(undone)) {
                    inFlightUndone += inFlight == null ? 0 : 1;
                } else if (actual.equals(done)) {
                    inFlightDone++;
                } else {
                    throw new AssertionError(where + "\n expected (undone) " + undone + "\n or (done)        " + done
                            + "\n but found        " + actual);
                }
                model = actual;
                checkListingMatchesStat(blobs, where);
            }
            try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
                assertThat(s.toList()).as("tmp/ emptied at open").isEmpty();
            }
        }
        System.out.printf("crash probe: %d kills, %d lines, in-flight ops seen undone %d, done %d, final blobs %d%n",
                kills, lines, inFlightUndone, inFlightDone, model.size());
    }

    /** Follows one line of the child: returns the operation now in flight. */
    private static String[] follow(Map<String, Content> model, String[] inFlight, String line) {
        if (line.startsWith("B ")) {
            return line.substring(2).split(" ");
        }
        if (line.equals("E")) {
            apply(model, inFlight);
            return null;
        }
        if (line.startsWith("F ")) {
            return null; // refused: changed nothing
        }
        return inFlight;
    }

    private static void apply(Map<String, Content> m, String[] op) {
        switch (op[0]) {
            case "put" -> m.put(op[1], new Content(Long.parseLong(op[2]), Long.parseLong(op[3])));
            case "read" -> { }
            case "copy" -> {
                Content c = m.get(op[1]);
                if (c != null) {
                    m.put(op[2], c);
                }
            }
            case "move" -> {
                Content c = m.get(op[1]);
                if (c != null && !op[1].equals(op[2])) {
                    m.remove(op[1]);
                    m.put(op[2], c);
                }
            }
            case "delete" -> m.remove(op[1]);
            default -> throw new IllegalArgumentException(op[0]);
        }
    }

    /** Every blob, checked whole: bytes = the put's content, stat's size and etag agree with them. */
    private static Map<String, Content> actual(Blobs blobs) {
        Map<String, Content> out = new TreeMap<>();
        for (BlobEntry e : all(blobs, ListOptions.all())) {
            BlobInfo info = blobs.stat(e.path()).orElseThrow(() -> new AssertionError("listed but no stat: " + e.path()));
            byte[] bytes = blobs.get(e.path());
            String seed = info.metadata().get("seed");
            assertThat(seed).as("a blob of a put (not a temp file or a sidecar-less file): " + e.path()).isNotNull();
            Content c = new Content(bytes.length, Long.parseLong(seed));
            assertThat(info.size()).as(e.path()).isEqualTo(bytes.length);
            assertThat(info.etag()).as(e.path()).isEqualTo(ContentHash.of(bytes));
            assertThat(Arrays.equals(bytes, CrashWriter.content(bytes.length, c.seed()))).as("whole content of " + e.path()).isTrue();
            out.put(e.path(), c);
        }
        return out;
    }

    private static void checkListingMatchesStat(Blobs blobs, String where) {
        List<BlobEntry> flat = all(blobs, ListOptions.all());
        for (BlobEntry e : flat) {
            assertThat(blobs.stat(e.path())).as(where).contains(e.blob());
        }
        // The folded listing, walked down, shows the same blobs; every directory it shows exists as one.
        TreeSet<String> folded = new TreeSet<>();
        List<String> dirs = new ArrayList<>(List.of(""));
        while (!dirs.isEmpty()) {
            String prefix = dirs.removeLast();
            for (BlobEntry e : all(blobs, ListOptions.prefix(prefix).delimiter("/"))) {
                if (e.isDirectory()) {
                    dirs.add(e.path());
                } else {
                    folded.add(e.path());
                }
            }
        }
        assertThat(folded).as(where).containsExactlyElementsOf(flat.stream().map(BlobEntry::path).sorted().toList());
        for (String p : List.of("d0/f0", "d1/f1", "d5/f2")) {
            assertThat(blobs.exists(p)).as(where).isEqualTo(flat.stream().anyMatch(e -> e.path().equals(p)));
        }
    }

    private static List<BlobEntry> all(Blobs blobs, ListOptions options) {
        List<BlobEntry> out = new ArrayList<>();
        String cursor = null;
        do {
            Page<BlobEntry> page = blobs.list(options.after(cursor).limit(3));
            out.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }
}
