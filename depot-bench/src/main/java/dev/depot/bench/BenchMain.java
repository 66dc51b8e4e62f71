package dev.depot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Runs the benchmarks (Depot and its anchors in one run), the memory footprint measurement, and
 * writes the results with a markdown table and an SVG chart generated from them.
 *
 * <pre>
 * java -jar depot-bench/target/benchmarks.jar --quick     # minutes: 10k and 1M records, short iterations
 * java -jar depot-bench/target/benchmarks.jar --full      # for the record: 10k, 100k, 1M, longer iterations
 * java -jar depot-bench/target/benchmarks.jar --report target/bench-results/results.json   # tables and chart again
 * java -jar depot-bench/target/benchmarks.jar --include 'dev\.depot\.bench\.ValueShapesBench\..*' --sizes 1000000 \
 *     --no-footprint --out target/shapes    # value shapes that are not deeply immutable (its own run)
 * </pre>
 */
@Command(name = "depot-bench", mixinStandardHelpOptions = true,
        description = "Depot's memory backend against its anchors (JMH), with a table of ratios and a chart.")
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--quick", description = "Quick profile (the default): 1 fork, 1×1 s warmup, 2×1 s measurement, 10k and 1M records.")
    boolean quick;

    @Option(names = "--full", description = "Full profile: 1 fork, 3×2 s warmup, 5×2 s measurement, 10k, 100k and 1M records.")
    boolean full;

    @Option(names = "--out", description = "Directory for results.json, footprint.json, results.md and chart.svg (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "bench-results");

    @Option(names = "--include", description = "Regular expression of benchmarks to run (default: all).")
    String include = "dev\\.depot\\.bench\\..*Bench\\..*";

    @Option(names = "--sizes", split = ",", description = "Record counts, overriding the profile's.")
    int[] sizes;

    @Option(names = "--warmup", description = "Warmup iterations, overriding the profile's.")
    Integer warmup;

    @Option(names = "--iterations", description = "Measurement iterations, overriding the profile's.")
    Integer iterations;

    @Option(names = "--time", description = "Seconds per warmup and measurement iteration, overriding the profile's.")
    Integer seconds;

    @Option(names = "--no-footprint", description = "Skip the memory footprint measurement.")
    boolean noFootprint;

    @Option(names = "--footprint-records", description = "Records for the footprint measurement (default: ${DEFAULT-VALUE}).")
    int footprintRecords = 1_000_000;

    @Option(names = "--report", description = "Only regenerate the tables and chart from this results.json.")
    Path report;

    /** Spring's map template sorts a full scan for every page; a page of 1M takes many seconds. */
    static final int SPRING_PAGE_MAX_SIZE = 100_000;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (quick && full) {
            throw new CommandLine.ParameterException(new CommandLine(this), "choose --quick or --full, not both");
        }
        if (report != null) {
            Path dir = report.toAbsolutePath().getParent();
            writeReport(report, dir.resolve("footprint.json"), dir);
            return 0;
        }
        Files.createDirectories(out);
        int[] s = sizes != null ? sizes : full ? new int[] {10_000, 100_000, 1_000_000} : new int[] {10_000, 1_000_000};
        Path results = out.resolve("results.json");
        runJmh(s, results);
        Path footprint = out.resolve("footprint.json");
        if (!noFootprint) {
            runFootprint(footprint);
        }
        writeReport(results, footprint, out);
        return 0;
    }

    private ChainedOptionsBuilder profile() {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .forks(1)
                .jvmArgsAppend("-Xms1g", "-Xmx4g")
                .timeUnit(TimeUnit.SECONDS)
                .shouldFailOnError(false);
        int w = warmup != null ? warmup : full ? 3 : 1;
        int i = iterations != null ? iterations : full ? 5 : 2;
        TimeValue t = TimeValue.seconds(seconds != null ? seconds : full ? 2 : 1);
        return b.warmupIterations(w).warmupTime(t).measurementIterations(i).measurementTime(t);
    }

    /** Runs everything in one JMH run, but Spring's page workload only at sizes it can finish. */
    private void runJmh(int[] s, Path results) throws RunnerException, IOException {
        String[] all = Arrays.stream(s).mapToObj(Integer::toString).toArray(String[]::new);
        String[] small = Arrays.stream(s).filter(n -> n <= SPRING_PAGE_MAX_SIZE)
                .mapToObj(Integer::toString).toArray(String[]::new);
        Path main = out.resolve("jmh-main.json");
        Path springPages = out.resolve("jmh-spring-pages.json");
        ChainedOptionsBuilder mainPass = profile().include(include).exclude("SpringKvBench\\.page100")
                .exclude("(DepotPg|PgJdbc|SqlBlob|SqlCommit|QueuePg)Bench")
                // their own runs: no size parameter, and Report's tables are store × workload × size
                .exclude("(MemoryQueue|MemoryQueuePairs|MemoryBlob|FileBlob)Bench").param("size", all).resultFormat(ResultFormatType.JSON)
                .result(main.toString());
        if (!include.contains("ValueShapes")) {
            mainPass.exclude("ValueShapesBench"); // its own run: --include 'dev\.depot\.bench\.ValueShapesBench\..*'
        }
        run(mainPass);
        List<Path> parts = new ArrayList<>(List.of(main));
        if (small.length > 0 && "dev.depot.bench.SpringKvBench.page100".matches(include)) {
            run(profile().include("SpringKvBench\\.page100").param("size", small)
                    .resultFormat(ResultFormatType.JSON).result(springPages.toString()));
            parts.add(springPages);
        }
        Path pg = out.resolve("jmh-postgresql.json");
        if (postgresAnswers()) {
            String[] pgSizes = full ? new String[] {"10000", "100000"} : new String[] {"10000"};
            ChainedOptionsBuilder b = profile().param("size", pgSizes)
                    .resultFormat(ResultFormatType.JSON).result(pg.toString());
            int matched = 0;
            for (String c : List.of("DepotPgBench", "PgJdbcBench")) {
                for (String w : List.of("get", "insert", "update", "range100")) {
                    String name = "dev.depot.bench." + c + "." + w;
                    if (name.matches(include)) {
                        b.include(java.util.regex.Pattern.quote(name) + "$");
                        matched++;
                    }
                }
            }
            if (matched > 0) {
                run(b);
                parts.add(pg);
            }
        } else {
            System.out.println("# PostgreSQL: no server answers at " + DepotPgBench.URL + "; its rows are skipped");
        }
        ArrayNode merged = Data.MAPPER.createArrayNode();
        for (Path p : parts) {
            if (Files.exists(p)) {
                Data.MAPPER.readTree(p.toFile()).forEach(merged::add);
            }
        }
        Data.MAPPER.writerWithDefaultPrettyPrinter().writeValue(results.toFile(), merged);
    }

    /** Runs one JMH pass; a pass that matches no benchmark is skipped, not an error. */
    private static void run(ChainedOptionsBuilder options) throws RunnerException {
        try {
            new Runner(options.build()).run();
        } catch (org.openjdk.jmh.runner.NoBenchmarksException e) {
            System.out.println("# (no benchmark of this pass matches the include pattern)");
        }
    }

    /** True when something listens at the PostgreSQL URL's host and port. */
    static boolean postgresAnswers() {
        String rest = DepotPgBench.URL.substring(DepotPgBench.URL.indexOf('@') + 1);
        String hostPort = rest.substring(0, rest.indexOf('/'));
        String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
        int port = hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)) : 5432;
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Measures the footprint in a fresh JVM, so benchmark leftovers cannot count. */
    private void runFootprint(Path footprint) throws IOException, InterruptedException {
        Footprint.inFreshJvm(footprint, footprintRecords);
    }

    static void writeReport(Path results, Path footprint, Path dir) throws IOException {
        JsonNode json = Data.MAPPER.readTree(results.toFile());
        List<Report.Measurement> ms = Report.parse(json);
        StringBuilder md = new StringBuilder();
        md.append("## Depot memory against anchors (ratio = Depot ÷ anchor; > 1 means Depot is faster)\n\n");
        md.append(Report.markdown(ms)).append('\n');
        if (ShapesReport.present(ms)) {
            md.append("## Value shapes that are not deeply immutable (ratio = Depot ÷ anchor)\n\n");
            md.append(ShapesReport.markdown(ms)).append('\n');
        }
        md.append("## Throughput by collection size (ops/s)\n\n");
        md.append(Report.growth(ms)).append('\n');
        if (Files.exists(footprint)) {
            md.append("## Heap per record (after GC)\n\n");
            md.append(Report.footprint(Footprint.parse(Files.readString(footprint)))).append('\n');
        }
        Files.writeString(dir.resolve("results.md"), md.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("chart.svg"),
                Report.svg(ms, "Depot memory backend against the tools users would pick instead"),
                StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(md);
        System.out.println("Wrote " + dir.resolve("results.md") + " and " + dir.resolve("chart.svg")
);
    }
}
