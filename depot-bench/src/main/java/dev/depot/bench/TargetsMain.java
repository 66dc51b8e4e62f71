package dev.depot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Every issue-8 target in one run, each beside its anchor measured in the same run: the memory
 * footprint (a fresh JVM), get against Spring's map template and a range of 100 against H2 at 1M
 * records (per fork, so "in every run" can be judged), the 4-thread mix against one thread, and
 * SQL commits against hand-written JDBC with 1 and 8 threads. Prints and writes {@code targets.md}.
 *
 * <pre>
 * java -cp depot-bench/target/benchmarks.jar dev.depot.bench.TargetsMain
 * </pre>
 */
@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "Issue 8's targets, Depot and anchors in one run, with a verdict per target.")
public final class TargetsMain implements Callable<Integer> {
    @Option(names = "--forks", description = "JMH forks of each memory row (default: ${DEFAULT-VALUE}).")
    int forks = 3;

    @Option(names = "--warmup", description = "Warmup iterations (default: ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--iterations", description = "Measurement iterations (default: ${DEFAULT-VALUE}).")
    int iterations = 2;

    @Option(names = "--time", description = "Seconds per iteration (default: ${DEFAULT-VALUE}).")
    int seconds = 3;

    @Option(names = "--db", split = ",", description = "SQL databases (default: postgresql,mariadb; none: --db '').")
    String[] dbs = {"postgresql", "mariadb"};

    @Option(names = "--out", description = "Where targets.md and footprint.json go (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "bench-results");

    public static void main(String[] args) {
        System.exit(new CommandLine(new TargetsMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        Path footprint = out.resolve("footprint.json");
        double heap = Footprint.inFreshJvm(footprint, 1_000_000)
                ? Footprint.parse(Files.readString(footprint)).get(0).overheadBytesPerRecord()
                : Double.NaN;
        Map<String, List<Double>> memory = memoryRows();
        String[] sql = java.util.Arrays.stream(dbs).filter(d -> !d.isBlank()).toArray(String[]::new);
        Map<String, Double> commits = sql.length == 0 ? Map.of()
                : CommitBenchMain.measure(sql, new int[] {1, 8}, warmup, iterations, seconds);
        Targets.Measured m = new Targets.Measured(heap, memory.getOrDefault("DepotBench.get", List.of()),
                memory.getOrDefault("SpringKvBench.get", List.of()), memory.getOrDefault("DepotBench.range100", List.of()),
                memory.getOrDefault("H2Bench.range100", List.of()), memory.getOrDefault("DepotBench.mixed1", List.of()),
                memory.getOrDefault("DepotBench.mixed4", List.of()), Runtime.getRuntime().availableProcessors(),
                commits, List.of(sql), memory.getOrDefault("SpringKvBench.mixed1", List.of()),
                memory.getOrDefault("SpringKvBench.mixed4", List.of()));
        String md = Targets.markdown(Targets.judge(m));
        Files.writeString(out.resolve("targets.md"), md);
        System.out.println();
        System.out.println(md);
        return 0;
    }

    /** Per-fork scores of the memory rows at 1M records, keyed "Class.method". */
    private Map<String, List<Double>> memoryRows() throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("dev\\.depot\\.bench\\.(DepotBench\\.(get|range100|mixed1|mixed4)|SpringKvBench\\.(get|mixed1|mixed4)"
                        + "|H2Bench\\.range100)$")
                .param("size", "1000000")
                .forks(forks)
                .jvmArgsAppend("-Xms1g", "-Xmx4g")
                .warmupIterations(warmup).warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(seconds))
                .timeUnit(TimeUnit.SECONDS)
                .shouldFailOnError(true)
                .build()).run();
        Map<String, List<Double>> rows = new LinkedHashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            String name = label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1);
            List<Double> perFork = new ArrayList<>();
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                perFork.add(fork.getPrimaryResult().getScore());
            }
            rows.put(name, perFork);
        }
        return rows;
    }
}
