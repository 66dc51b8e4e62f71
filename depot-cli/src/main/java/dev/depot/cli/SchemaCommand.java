package dev.depot.cli;

import dev.depot.Schema;
import dev.depot.jdbc.JdbcDepots;
import dev.depot.spi.DepotUrl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code depot schema --print URL}: prints the DDL {@code ddl=create} would run for a set of
 * collections (what {@link JdbcDepots#ddl} returns), as a script a DBA or a migration tool applies;
 * the application then runs with {@code ddl=validate} under a role with DML grants only. Nothing is
 * connected to: the URL gives the database dialect and the {@code tablePrefix}, and is never printed
 * with its password. Collections come from {@code --collections-from FILE} and {@code --collection
 * LINE}, in the format of {@link CollectionSpecs}.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"Prints the SQL DDL of Depot's tables for the given collections, for a DBA or a migration tool.",
                "Nothing is connected to; apply the script as the owner, then run the application with ddl=validate.",
                "Collection lines: NAME KEYTYPE [INDEX:TYPE[:unique]]...  e.g.  players uuid name:string email:string:unique",
                "Key types: string, long, uuid. Index types: string, long, double, boolean, instant, uuid."})
final class SchemaCommand implements Runnable {
    @Option(names = "--print", required = true, description = "Print the DDL script to standard output (the only action).")
    boolean print;

    @Parameters(index = "0", paramLabel = "URL",
            description = "A SQL depot URL: its scheme picks the dialect, its tablePrefix the table names (e.g. postgresql://db/app?tablePrefix=app_).")
    String url;

    @Option(names = "--collections-from", paramLabel = "FILE",
            description = "A file of collection lines ('#' starts a comment); may be repeated.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--collection", paramLabel = "LINE", description = "One collection line; may be repeated.")
    List<String> lines = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        List<Schema<?, ?>> schemas = new ArrayList<>();
        try {
            for (Path file : files) {
                schemas.addAll(CollectionSpecs.parse(file.toString(), read(file)));
            }
            int n = 0;
            for (String line : lines) {
                schemas.add(CollectionSpecs.line("--collection #" + ++n, line));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (schemas.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "no collections: give --collections-from FILE or --collection LINE");
        }
        Set<String> names = new HashSet<>();
        for (Schema<?, ?> s : schemas) {
            if (!names.add(s.name())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "collection '" + s.name() + "' is given twice");
            }
        }
        String redacted = DepotUrl.redact(url);
        List<String> statements;
        try {
            statements = JdbcDepots.ddl(url, schemas.toArray(Schema<?, ?>[]::new));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("-- Depot DDL for " + redacted + " (" + schemas.size() + " collection" + (schemas.size() == 1 ? "" : "s")
                + ", depot " + VersionCommand.version() + ")");
        out.println("-- Apply once as the tables' owner; run the application with ddl=validate.");
        for (String sql : statements) {
            out.println(sql + ";");
        }
        out.flush();
    }

    private String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--collections-from: no file " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--collections-from: cannot read " + file + " (" + e.getMessage() + ")");
        }
    }
}
