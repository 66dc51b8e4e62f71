package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code depot bench} runs both phases against a real server and reports no errors. */
class BenchCommandTest {
    @Test
    void bothPhasesRunWithoutErrors() {
        StringWriter out = new StringWriter();
        CommandLine cmd = DepotCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        assertThat(cmd.execute("bench", "--seconds", "1", "--threads", "2")).isZero();
        assertThat(out.toString()).containsPattern("[0-9,]+ PUT req/s\\n").containsPattern("[0-9,]+ GET req/s\\n")
                .containsPattern("[1-9][0-9,]* queue items/s produced").containsPattern("[1-9][0-9,]* queue items/s leased and completed")
                .doesNotContain("errors");
        assertThat(cmd.execute("bench", "--seconds", "0")).isEqualTo(2);
    }
}
