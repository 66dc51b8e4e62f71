package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code depot bench} runs every phase against Depot and the anchor and reports no errors. */
class BenchCommandTest {
    @Test
    void everyPhaseRunsOnBothServersWithoutErrors() {
        StringWriter out = new StringWriter();
        CommandLine cmd = DepotCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        assertThat(cmd.execute("bench", "--seconds", "1", "--warmup", "0", "--threads", "2")).isZero();
        String row = " +[1-9][0-9,]* +[1-9][0-9,]* +[0-9]+\\.[0-9]{2}×\\n";
        assertThat(out.toString()).containsPattern("PUT req/s" + row).containsPattern("GET req/s" + row)
                .containsPattern("produce items/s" + row).containsPattern("lease\\+complete items/s" + row)
                .doesNotContain("errors");
        assertThat(cmd.execute("bench", "--seconds", "0")).isEqualTo(2);
    }
}
