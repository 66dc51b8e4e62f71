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
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills a real child JVM ({@link CrashWriter}) with {@code kill -9} ({@link Process#destroyForcibly()})
 * in the middle of its writes, many times, and reopens the directory after each kill: it must open,
 * show no partial blob, and every visible blob must match its sidecar (size, etag) and the content its
 * metadata describes. 25 kills by default, 200 with {@code -Pdeep} ({@code depot.deep=true}), or
 * {@code -Ddepot.crash.kills=N}.
 */
class CrashSafetyTest {
    private final Path dir = TempDirs.create("crash");

    @AfterEach
    void cleanUp() {
        TempDirs.delete(dir);
    }

    @Test
    void killedWritersLeaveNoPartialOrMismatchedBlob() throws Exception {
        int kills = Integer.getInteger("depot.crash.kills", Boolean.getBoolean("depot.deep") ? 200 : 25);
        SplittableRandom random = new SplittableRandom(42);
        long checked = 0;
        long corrupt = 0;
        long leftovers = 0;
        long commitsLeft = 0;
        for (int k = 0; k < kills; k++) {
            // The first child writes one blob and waits to be killed, so the checks below always have
            // a blob to check however loaded the machine is; the others are killed mid-work at random.
            Process child = start(random.nextLong(), k == 0);
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).as("child started (it prints ready once the depot is open)").isEqualTo("ready");
                if (k == 0) {
                    assertThat(out.readLine()).as("the first child wrote a blob").isEqualTo("wrote");
                } else {
                    // Kill after a random number of its progress lines: mid-write, mid-publish or between
                    // operations, wherever that count falls, however fast or loaded the machine is.
                    int lines = 1 + random.nextInt(300);
                    while (lines-- > 0 && out.readLine() != null) {
                        // the child works on meanwhile
                    }
                }
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exits after kill").isTrue();
            }
            try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
                for (Path p : s.toList()) {
                    leftovers++;
                    commitsLeft += p.toString().endsWith(".commit") ? 1 : 0;
                }
            }
            try (Depot depot = Depot.open("file:" + dir)) {
                Blobs blobs = depot.blobs("crash");
                for (BlobInfo info : all(blobs)) {
                    checked++;
                    if (!intact(blobs, info)) {
                        corrupt++;
                        System.out.println("corrupt after kill " + k + ": " + info);
                    }
                }
            }
            try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
                assertThat(s.toList()).as("tmp/ is emptied at open").isEmpty();
            }
        }
        String figures = String.format("crash test: %d kills, %d blobs checked, %d corrupt, %d temp files left by kills"
                + " (%d commit records rolled forward)", kills, checked, corrupt, leftovers, commitsLeft);
        System.out.println(figures);
        Files.writeString(Path.of("target", "crash-figures.txt"), figures + System.lineSeparator());
        assertThat(corrupt).as(figures).isZero();
        assertThat(checked).as("the children wrote something").isPositive();
    }

    private Process start(long seed, boolean pauseAfterFirstWrite) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), dir.toString(), Long.toString(seed), pauseAfterFirstWrite ? "pause" : "run")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static java.util.List<BlobInfo> all(Blobs blobs) {
        java.util.List<BlobInfo> out = new java.util.ArrayList<>();
        String cursor = null;
        do {
            Page<BlobEntry> page = blobs.list(ListOptions.all().after(cursor));
            page.items().forEach(e -> out.add(e.blob()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    private static boolean intact(Blobs blobs, BlobInfo listed) {
        BlobInfo info = blobs.stat(listed.path()).orElseThrow();
        byte[] content = blobs.get(listed.path());
        String seed = info.metadata().get("seed");
        return seed != null
                && content.length == info.size()
                && ContentHash.of(content).equals(info.etag())
                && Arrays.equals(content, CrashWriter.content(content.length, Long.parseLong(seed)));
    }
}
