package dev.depot.cli;

import dev.depot.spi.DepotUrl;
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
        return new CommandLine(new DepotCommand()).setParameterExceptionHandler(DepotCommand::refuse);
    }

    /**
     * Picocli's answer to a command line it cannot parse, without echoing the arguments it did not
     * match: such an argument is often a URL with its password (a forgotten {@code --url}, a misspelt
     * {@code --urll=postgresql://u:pw@…}) or an API key. Other messages are printed with passwords redacted.
     */
    private static int refuse(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        String message = ex instanceof CommandLine.UnmatchedArgumentException u ? unmatched(u) : DepotUrl.redact(String.valueOf(ex.getMessage()));
        err.println(cmd.getColorScheme().errorText(message));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            cmd.usage(err, cmd.getColorScheme());
        }
        return cmd.getExitCodeExceptionMapper() != null ? cmd.getExitCodeExceptionMapper().getExitCode(ex)
                : cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** "Unknown option: '--urll=…'": option names are shown, values never. */
    private static String unmatched(CommandLine.UnmatchedArgumentException u) {
        java.util.List<String> shown = new java.util.ArrayList<>();
        for (String a : u.getUnmatched()) {
            int eq = a.indexOf('=');
            shown.add(a.startsWith("-") ? "'" + (eq > 0 ? a.substring(0, eq) + "=…" : a) + "'" : "a value");
        }
        return (u.isUnknownOption() ? "Unknown option: " : "Unmatched argument: ") + String.join(", ", shown)
                + (shown.contains("a value") ? " (values are not shown: they may hold a password or a key)" : "");
    }

    @Override
    public void run() {
        // "depot" alone: say what there is instead of doing something unasked.
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
