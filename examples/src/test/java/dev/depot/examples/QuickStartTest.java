package dev.depot.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Capability;
import dev.depot.Depot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The README's quick start runs and prints the change feed it promises. */
class QuickStartTest {
    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(args);
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void quickStartRuns() {
        String printed = run();
        assertThat(printed).contains("Ann").contains("1 INSERT players/").contains("2 UPDATE players/")
                .contains("3 UPDATE players/").contains("reports/q3.txt 6 bytes, etag ").contains("\nreports/\n")
                .contains("welcome bob@example.com").contains("4 INSERT players/")
                .contains("Explanation[ranges=[name [\"Ann\", \"Ann\"], score [90, +\u221e)], scans=false, order=SORT]")
                .contains(" is at version 2");
    }

    /**
     * Run twice on a store that outlives the run (a named memory: store kept open in between, which
     * has records, queues and blobs): the second run neither fails on the unique email index nor adds
     * players; it replaces Ann and Bob.
     */
    @Test
    void quickStartRunsTwiceOnAStoreThatKeepsItsData() {
        String url = "memory:quickstart-twice";
        try (Depot kept = Depot.open(url)) {
            run(url);
            String second = run(url);
            assertThat(second).contains("Ann").contains("UPDATE players/");
            assertThat(kept.records(QuickStart.PLAYERS).count()).isEqualTo(2);
        }
    }

    /** The same on a database file, once the SQL backends have queues and blobs (records alone: skipped). */
    @Test
    void quickStartRunsTwiceOnADatabaseFile() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("depot-quickstart");
        String url = "h2:file:" + dir.resolve("app");
        try {
            try (Depot probe = Depot.open(url)) {
                Assumptions.assumeTrue(probe.capabilities().has(Capability.QUEUES) && probe.capabilities().has(Capability.BLOBS),
                        "H2 has no queues or blobs yet; the quick start needs both");
            }
            run(url);
            run(url);
            try (Depot depot = Depot.open(url)) {
                assertThat(depot.records(QuickStart.PLAYERS).count()).isEqualTo(2);
            }
        } finally {
            try (var paths = java.nio.file.Files.walk(dir)) {
                for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        }
    }
}
