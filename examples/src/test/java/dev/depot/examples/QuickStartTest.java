package dev.depot.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's quick start runs and prints the change feed it promises. */
class QuickStartTest {
    @Test
    void quickStartRuns() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("Ann").contains("1 INSERT players/").contains("2 UPDATE players/")
                .contains("3 UPDATE players/").contains("reports/q3.txt 6 bytes, etag ").contains("\nreports/\n")
                .contains("welcome bob@example.com").contains("4 INSERT players/")
                .contains("Explanation[ranges=[name [\"Ann\", \"Ann\"], score [90, +\u221e)], scans=false, order=SORT]")
                .contains(" is at version 2");
    }
}
