package dev.depot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code depot} command: {@code serve} serves any depot URL over HTTP, {@code copy} moves
 * collections and blobs between depots, {@code blobs sync} syncs buckets, {@code bench} measures the
 * server quickly, {@code schema --print} prints the DDL for a DBA, {@code version} prints the version. Every command has {@code --help}.
 */
@Command(name = "depot", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Depot: records, blobs and work queues over interchangeable backends.",
        subcommands = {ServeCommand.class, SchemaCommand.class, CopyCommand.class, BlobsCommand.class, BenchCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class DepotCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the real server; tests build their own with a fake starter. */
    static CommandLine commandLine() {
        return new CommandLine(new DepotCommand());
    }

    @Override
    public void run() {
        // "depot" alone: say what there is instead of doing something unasked.
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
