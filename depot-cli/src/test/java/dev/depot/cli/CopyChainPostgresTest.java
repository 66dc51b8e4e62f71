package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import dev.depot.jdbc.JdbcDepots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration path of the issue, through the command line: a populated SQLite depot (records
 * declared over HTTP, blobs, queues) is copied to PostgreSQL ({@code DEPOT_TEST_POSTGRES_URL}, under
 * its own table prefix, dropped afterwards) and from there to files; the contents compare equal at
 * each step (the files by restoring them into memory). Skipped when PostgreSQL does not answer,
 * failed then with {@code DEPOT_REQUIRE_SERVERS=true}.
 */
class CopyChainPostgresTest {
    static final String PREFIX = "copychain_";

    @AfterEach
    void dropTables() {
        try {
            JdbcDepots.drop(postgresUrl());
        } catch (BackendUnavailableException e) {
            // No server: nothing was created.
        }
    }

    private static String postgresUrl() {
        return base() + (base().contains("?") ? "&" : "?") + "tablePrefix=" + PREFIX;
    }

    private static String base() {
        return System.getenv().getOrDefault("DEPOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test");
    }

    @Test
    void sqliteToPostgresToFilesKeepsEverything(@TempDir Path dir) throws Exception {
        String sqlite = "sqlite:" + dir.resolve("app.db");
        String postgres = postgresUrl();
        String files = "file:" + dir.resolve("backup");
        try (Depot pg = Depot.open(postgres)) {
            pg.stats(); // answers
        } catch (BackendUnavailableException e) {
            if (Boolean.parseBoolean(System.getenv("DEPOT_REQUIRE_SERVERS"))) {
                fail("PostgreSQL does not answer at DEPOT_TEST_POSTGRES_URL and DEPOT_REQUIRE_SERVERS=true");
            }
            Assumptions.abort("PostgreSQL does not answer at DEPOT_TEST_POSTGRES_URL");
        }
        DepotContents original;
        try (Depot source = Depot.open(sqlite)) {
            CopyAndSyncCommandTest.populate(source, 1200);
            source.blobs("docs").put("guide/intro.md", "# Intro\n".getBytes(StandardCharsets.UTF_8));
            source.blobs("docs").put("logo.bin", new byte[70_000]);
            CopyQueuesTest.fillQueues(source);
            original = DepotContents.of(source);
        }
        assertThat(original.records().get("players")).hasSize(1200);
        assertThat(original.queueItems().get("jobs")).hasSize(2500);

        CommandLineRun toPg = new CommandLineRun();
        assertThat(toPg.execute("copy", sqlite, postgres)).as(toPg.err.toString()).isZero();
        assertThat(toPg.out.toString()).contains("2 collection(s), 1201 record(s)").contains("2 blob(s) copied")
                .contains("Copied 3 queue(s): 2504 item(s) (1 leased in the source, now ready), 1 dead item(s) not copied.");
        try (Depot pg = Depot.open(postgres)) {
            assertThat(DepotContents.of(pg)).isEqualTo(original);
        }

        CommandLineRun toFiles = new CommandLineRun();
        assertThat(toFiles.execute("copy", postgres, files)).as(toFiles.err.toString()).isZero();
        assertThat(toFiles.out.toString()).contains("2 collection(s), 1201 record(s)").contains("Copied 3 queue(s): 2504 item(s)");
        try (Depot backup = Depot.open(files); Depot restored = Depot.open("memory:")) {
            assertThat(DepotContents.of(backup).blobs()).isEqualTo(original.blobs());
            CopyCommand.copy(backup, restored, new Progress(new java.io.PrintWriter(new java.io.StringWriter()), false));
            assertThat(DepotContents.of(restored)).isEqualTo(original);
        }

        CommandLineRun again = new CommandLineRun(); // re-running the first step changes nothing
        assertThat(again.execute("copy", sqlite, postgres)).isZero();
        assertThat(again.out.toString()).contains("0 blob(s) copied").contains("skipped (the target queue has items): jobs, jobs_dead, plain");
        try (Depot pg = Depot.open(postgres)) {
            assertThat(DepotContents.of(pg)).isEqualTo(original);
        }
    }
}
