package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.WorkQueue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depot copy} of queues: options (dead-letter queues included), ready, scheduled and leased
 * items (leased ones arrive ready), dead ones counted and left; a second run doubles nothing; and a
 * round trip through a blobs-only {@code file:} depot (JSON Lines in the export bucket) gives back
 * the same records, blobs and queues.
 */
class CopyQueuesTest {
    final StringWriter out = new StringWriter();

    /** Three queues: one with a dead-letter queue and 2,500 items, its dead-letter queue, and one with an item in every state. */
    static void fillQueues(Depot depot) {
        WorkQueue jobs = depot.queue("jobs", QueueOptions.leaseTimeout(Duration.ofMinutes(1)).maxAttempts(3).deadLetter("jobs_dead"));
        depot.queue("jobs_dead", QueueOptions.defaults().deadRetention(Duration.ofDays(2)));
        jobs.produce(Message.of("doomed"));
        jobs.deadLetter(jobs.lease("w", 1, Duration.ZERO).getFirst(), "bad input");
        for (int start = 0; start < 2500; start += 500) {
            List<Message> batch = new ArrayList<>();
            for (int i = start; i < start + 500; i++) {
                batch.add(Message.of("{\"n\":" + i + "}").header("kind", i % 2 == 0 ? "even" : "odd"));
            }
            jobs.produce(batch);
        }
        WorkQueue plain = depot.queue("plain");
        plain.produce(Message.of("dies"));
        plain.deadLetter(plain.lease("w", 1, Duration.ZERO).getFirst(), "no");
        plain.produce(Message.of("held"));
        Lease held = plain.lease("w", 1, Duration.ZERO).getFirst();
        assertThat(held.payload()).isEqualTo("held".getBytes(StandardCharsets.UTF_8));
        plain.produce(Message.of(new byte[] {0, (byte) 0xff, 7}).dedupKey("binary-1"));
        plain.produce(Message.of("later").notBefore(Instant.now().plus(Duration.ofHours(1))).expireAfter(Duration.ofDays(3)));
    }

    @Test
    void queuesAreCopiedWithTheirOptionsAndPendingItemsOnce() throws Exception {
        try (Depot source = Depot.open("memory:"); Depot target = Depot.open("memory:")) {
            fillQueues(source);
            CopyCommand.Summary s = CopyCommand.copy(source, target, new Progress(new PrintWriter(out), false));
            assertThat(s.queues.queues()).isEqualTo(3);
            assertThat(s.queues.items()).isEqualTo(2500 + 1 + 3);
            assertThat(s.queues.leasedAsReady()).isEqualTo(1);
            assertThat(s.queues.deadNotCopied()).isEqualTo(1);
            assertThat(s.queues.skipped()).isEmpty();
            assertThat(DepotContents.of(target)).isEqualTo(DepotContents.of(source));
            assertThat(target.queues().get("jobs").deadLetterQueue()).isEqualTo("jobs_dead");
            QueueStats plain = target.queue("plain").stats();
            assertThat(plain.ready()).isEqualTo(2); // the held item is ready again
            assertThat(plain.scheduled()).isEqualTo(1);
            assertThat(plain.dead() + plain.leased()).isZero();
            assertThat(target.queue("plain").list(dev.depot.ItemState.SCHEDULED, 10, null).items().getFirst().expiresAt())
                    .isAfter(Instant.now().plus(Duration.ofDays(2)));

            CopyCommand.Summary again = CopyCommand.copy(source, target, new Progress(new PrintWriter(out), false));
            assertThat(again.queues.items()).isZero();
            assertThat(again.queues.skipped()).containsExactly("jobs", "jobs_dead", "plain");
            assertThat(DepotContents.of(target)).isEqualTo(DepotContents.of(source));
        }
    }

    @Test
    void aBlobsOnlyDepotCarriesRecordsAndQueuesAsReadableFilesAndGivesThemBack(@TempDir Path dir) throws Exception {
        String files = "file:" + dir.resolve("backup");
        try (Depot source = Depot.open("memory:")) {
            CopyAndSyncCommandTest.populate(source, 1500);
            source.blobs("docs").put("a/one.txt", "one".getBytes(StandardCharsets.UTF_8));
            fillQueues(source);
            try (Depot backup = Depot.open(files)) {
                CopyCommand.Summary s = CopyCommand.copy(source, backup, new Progress(new PrintWriter(out), false));
                assertThat(s.records).isEqualTo(1501);
                assertThat(s.queues.items()).isEqualTo(2504);
                assertThat(s.sync.copied()).isEqualTo(1);
                CopyCommand.copy(source, backup, new Progress(new PrintWriter(out), false)); // a second run replaces the export
            }
            Path export = dir.resolve("backup").resolve("blobs").resolve(ExportBucket.BUCKET);
            assertThat(Files.readAllLines(export.resolve("collections/players.jsonl"))).hasSize(1500)
                    .contains("{\"id\":\"p7\",\"score\":7}");
            assertThat(Files.readString(export.resolve("queues/jobs.json"))).contains("\"deadLetterQueue\":\"jobs_dead\"");
            assertThat(Files.readAllLines(export.resolve("queues/plain.jsonl"))).hasSize(3)
                    .anyMatch(l -> l.contains("\"payloadBase64\":\"AP8H\"") && l.contains("\"dedupKey\":\"binary-1\""));
            try (Depot backup = Depot.open(files); Depot restored = Depot.open("memory:")) {
                CopyCommand.Summary s = CopyCommand.copy(backup, restored, new Progress(new PrintWriter(out), false));
                assertThat(s.records).isEqualTo(1501);
                assertThat(s.queues.items()).isEqualTo(2504);
                assertThat(restored.stats().blobs()).doesNotContainKey(ExportBucket.BUCKET);
                assertThat(DepotContents.of(restored)).isEqualTo(DepotContents.of(source));
                CopyCommand.Summary again = CopyCommand.copy(backup, restored, new Progress(new PrintWriter(out), false));
                assertThat(again.queues.skipped()).containsExactly("jobs", "jobs_dead", "plain");
                assertThat(DepotContents.of(restored)).isEqualTo(DepotContents.of(source));
            }
        }
    }

    @Test
    void aBrokenExportLineIsNamedAndTheQueueIsLeftEmpty(@TempDir Path dir) throws Exception {
        String files = "file:" + dir.resolve("backup");
        try (Depot backup = Depot.open(files)) {
            backup.blobs(ExportBucket.BUCKET).put("queues/q.json", "{\"maxAttempts\": 2}".getBytes(StandardCharsets.UTF_8));
            backup.blobs(ExportBucket.BUCKET).put("queues/q.jsonl", "{\"payload\": 1}\n{not json\n".getBytes(StandardCharsets.UTF_8));
        }
        try (Depot backup = Depot.open(files); Depot target = Depot.open("memory:")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> CopyCommand.copy(backup, target, new Progress(new PrintWriter(out), false)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("depot_export/queues/q.jsonl line 2 is not valid JSON");
            assertThat(target.queue("q").stats().ready()).isZero(); // the batch with line 1 was never produced
        }
        CommandLineRun run = new CommandLineRun();
        assertThat(run.execute("copy", files, "memory:")).isEqualTo(2);
        assertThat(run.err.toString()).contains("depot copy: depot_export/queues/q.jsonl line 2 is not valid JSON");
    }
}
