package dev.depot.cli;

import dev.depot.Blobs;
import dev.depot.Capability;
import dev.depot.Depot;
import dev.depot.Page;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.SyncOptions;
import dev.depot.SyncReport;
import dev.depot.server.DepotServer;
import java.io.PrintWriter;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code depot copy FROM TO}: copies the collections declared through a Depot server (with their
 * keys and indexes, and the declarations themselves), every blob bucket and every work queue from
 * one depot to another. Records are saved (inserted or replaced), blobs synced by etag, queue items
 * produced only into empty target queues ({@link QueueCopy} says which items and how), so
 * re-running it is safe and copies only what changed.
 */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copies server-declared collections (records and declarations), every blob bucket and every queue",
                "(options and pending items: ready, scheduled, and leased ones as ready; dead letters are counted, not copied)",
                "from one depot URL to another. Re-running is safe: records are saved, blobs synced by etag,",
                "queue items produced only into a target queue that is empty."})
final class CopyCommand implements Callable<Integer> {
    static final int PAGE = 1000;

    @Parameters(index = "0", paramLabel = "FROM", description = "Source depot URL (memory: is empty by definition).")
    String from;

    @Parameters(index = "1", paramLabel = "TO", description = "Target depot URL.")
    String to;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Depot source = Depot.open(from); Depot target = Depot.open(to)) {
            Summary s;
            try {
                s = copy(source, target, new Progress(out, Progress.onTerminal()));
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("depot copy: " + e.getMessage());
                return 2;
            }
            out.println("Copied " + s.collections + " collection(s), " + s.records + " record(s), "
                    + s.buckets + " bucket(s): " + s.sync.copied() + " blob(s) copied (" + Progress.bytes(s.sync.bytesCopied())
                    + "), " + s.sync.skipped() + " already there, " + s.sync.errors().size() + " failed.");
            if (s.queues.queues() > 0) {
                out.println("Copied " + s.queues.queues() + " queue(s): " + s.queues.items() + " item(s) ("
                        + s.queues.leasedAsReady() + " leased in the source, now ready), " + s.queues.deadNotCopied()
                        + " dead item(s) not copied" + (s.queues.skipped().isEmpty() ? "." : "; skipped (the target queue has items): "
                        + String.join(", ", s.queues.skipped()) + "."));
            }
            for (SyncReport.Error e : s.sync.errors()) {
                out.println("  failed: " + e.path() + ": " + e.message());
            }
            out.flush();
            return s.sync.ok() ? 0 : 1;
        }
    }

    /** What a copy did. */
    static final class Summary {
        long collections;
        long records;
        long buckets;
        SyncReport sync = new SyncReport(0, 0, 0, 0, List.of(), false);
        QueueCopy.Report queues = new QueueCopy.Report(0, 0, 0, 0, List.of());
    }

    static Summary copy(Depot source, Depot target, Progress progress) {
        Summary s = new Summary();
        boolean sourceRecords = source.capabilities().has(Capability.RECORDS);
        boolean targetRecords = target.capabilities().has(Capability.RECORDS);
        boolean targetBlobs = target.capabilities().has(Capability.BLOBS);
        List<Schema<String, JsonNode>> schemas = sourceRecords ? DepotServer.declaredSchemas(source) : List.of();
        int queues = source.capabilities().has(Capability.QUEUES) ? source.queues().size() : 0;
        // A blobs-only target (file:) gets records and queues as JSON files; a blobs-only source that
        // holds such an export gives them back.
        boolean export = !targetRecords && targetBlobs && (schemas.size() > 1 || queues > 0);
        boolean restore = !sourceRecords && targetRecords && ExportBucket.present(source);
        if (schemas.size() > 1 && !targetRecords && !export) {
            throw new IllegalArgumentException("the source has " + (schemas.size() - 1)
                    + " declared collection(s) and the target has neither records nor blobs to hold them");
        }
        boolean blobs = source.capabilities().has(Capability.BLOBS) && !source.stats().blobs().isEmpty();
        if (blobs && !targetBlobs) {
            throw new IllegalArgumentException("the source has blobs and the target has none (capability BLOBS)");
        }
        if (queues > 0 && !target.capabilities().has(Capability.QUEUES) && !export) {
            throw new IllegalArgumentException("the source has " + queues + " queue(s) and the target has none (capability QUEUES)");
        }
        if (export) {
            ExportBucket.Counts c = ExportBucket.write(source, schemas, queues > 0, target, progress);
            s.collections = c.collections();
            s.records = c.records();
            s.queues = c.queueReport();
        } else if (targetRecords) {
            copyRecords(source, target, schemas, s, progress);
        }
        if (blobs) {
            long copied = 0;
            long skipped = 0;
            long bytes = 0;
            List<SyncReport.Error> errors = new java.util.ArrayList<>();
            for (String bucket : new TreeSet<>(source.stats().blobs().keySet())) {
                if (restore && bucket.equals(ExportBucket.BUCKET)) {
                    continue; // its content goes back into records and queues below
                }
                long count = source.stats().blobs().get(bucket).blobs();
                SyncReport r = Blobs.sync(source.blobs(bucket), target.blobs(bucket), SyncOptions.defaults()
                        .onProgress(p -> progress.show("blobs " + bucket, p.blobsSeen(), count, Progress.bytes(p.bytesCopied()))));
                progress.end();
                copied += r.copied();
                skipped += r.skipped();
                bytes += r.bytesCopied();
                errors.addAll(r.errors());
                s.buckets++;
            }
            s.sync = new SyncReport(copied, skipped, 0, bytes, errors, false);
        }
        if (restore) {
            ExportBucket.Counts c = ExportBucket.read(source, target, progress);
            s.collections = c.collections();
            s.records = c.records();
            s.queues = c.queueReport();
        } else if (queues > 0 && !export) {
            s.queues = QueueCopy.copy(source, target, progress);
        }
        return s;
    }

    private static void copyRecords(Depot source, Depot target, List<Schema<String, JsonNode>> schemas, Summary s, Progress progress) {
        for (Schema<String, JsonNode> schema : schemas) {
            Records<String, JsonNode> in = source.records(schema);
            Records<String, JsonNode> out = target.records(schema);
            long total = in.count();
            long done = 0;
            String cursor = null;
            do {
                var query = in.query().limit(PAGE);
                Page<JsonNode> page = (cursor == null ? query : query.after(cursor)).page();
                if (!page.items().isEmpty()) {
                    out.saveAll(page.items());
                }
                done += page.items().size();
                progress.show("records " + schema.name(), done, total, null);
                cursor = page.nextCursor();
            } while (cursor != null);
            progress.end();
            s.collections++;
            s.records += done;
        }
    }
}
