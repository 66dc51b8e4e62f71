package dev.depot.cli;

import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.SyncOptions;
import dev.depot.SyncReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code depot blobs ...}: blob tools. */
@Command(name = "blobs", mixinStandardHelpOptions = true, description = "Blob tools.",
        subcommands = {BlobsCommand.Sync.class})
final class BlobsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code depot blobs sync FROM TO}: makes the target's buckets hold what the source's hold (see
     * {@link Blobs#sync}), with a progress bar on a terminal and a summary per bucket.
     */
    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Makes the target depot's buckets hold what the source's hold: copies missing or changed blobs (by etag).",
                    "Exit status 1 when a blob failed (the others are still synced)."})
    static final class Sync implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FROM", description = "Source depot URL.")
        String from;

        @Parameters(index = "1", paramLabel = "TO", description = "Target depot URL.")
        String to;

        @Option(names = "--bucket", paramLabel = "NAME", description = "Only this bucket (repeatable; default: every bucket the source has).")
        List<String> buckets = new ArrayList<>();

        @Option(names = "--prefix", paramLabel = "P", defaultValue = "", description = "Only blobs whose path starts with P.")
        String prefix;

        @Option(names = "--delete", description = "Also delete target blobs the source lacks (under the prefix).")
        boolean delete;

        @Option(names = "--dry-run", description = "Say what would be done; change nothing.")
        boolean dryRun;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Depot source = Depot.open(from); Depot target = Depot.open(to)) {
                return sync(source, target, out, new Progress(out, Progress.onTerminal()));
            }
        }

        int sync(Depot source, Depot target, PrintWriter out, Progress progress) {
            List<String> names = buckets.isEmpty() ? new ArrayList<>(new TreeSet<>(source.stats().blobs().keySet())) : buckets;
            boolean ok = true;
            for (String bucket : names) {
                SyncOptions options = SyncOptions.defaults().withPrefix(prefix)
                        .onProgress(p -> progress.show(bucket, p.blobsSeen(), 0, p.action().name().toLowerCase(java.util.Locale.ROOT)
                                + " " + Progress.bytes(p.bytesCopied())));
                if (delete) {
                    options = options.deletingExtraneous();
                }
                if (dryRun) {
                    options = options.asDryRun();
                }
                SyncReport r = Blobs.sync(source.blobs(bucket), target.blobs(bucket), options);
                progress.end();
                out.println(bucket + ": " + (r.dryRun() ? "would copy " : "copied ") + r.copied() + " ("
                        + Progress.bytes(r.bytesCopied()) + "), " + (r.dryRun() ? "would delete " : "deleted ") + r.deleted()
                        + ", " + r.skipped() + " unchanged, " + r.errors().size() + " failed");
                for (SyncReport.Error e : r.errors()) {
                    out.println("  failed: " + e.path() + ": " + e.message());
                }
                ok &= r.ok();
            }
            if (names.isEmpty()) {
                out.println("The source has no blobs.");
            }
            out.flush();
            return ok ? 0 : 1;
        }
    }
}
