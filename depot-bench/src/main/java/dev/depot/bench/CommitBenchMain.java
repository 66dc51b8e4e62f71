package dev.depot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs {@link SqlCommitBench} with 1 and with 8 threads in one process and prints the issue-8
 * table: Depot against hand-written JDBC on the same server, and Depot with 8 threads against Depot
 * with one.
 *
 * <pre>
 * java -cp depot-bench/target/benchmarks.jar dev.depot.bench.CommitBenchMain
 * </pre>
 */
@Command(name = "commit-bench", mixinStandardHelpOptions = true,
        description = "Depot's SQL commits against hand-written JDBC, 1 and 8 threads.")
public final class CommitBenchMain implements Callable<Integer> {
    @Option(names = "--db", split = ",", description = "Databases (default: postgresql,mariadb).")
    String[] dbs = {"postgresql", "mariadb"};

    @Option(names = "--threads", split = ",", description = "Thread counts (default: 1,8).")
    int[] threads = {1, 8};

    @Option(names = "--warmup", description = "Warmup iterations (default: ${DEFAULT-VALUE}).")
    int warmup = 2;

    @Option(names = "--iterations", description = "Measurement iterations (default: ${DEFAULT-VALUE}).")
    int iterations = 3;

    @Option(names = "--time", description = "Seconds per iteration (default: ${DEFAULT-VALUE}).")
    int seconds = 3;

    @Option(names = "--out", description = "Where commits.md goes (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "bench-results");

    public static void main(String[] args) {
        System.exit(new CommandLine(new CommitBenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Double> score = measure(dbs, threads, warmup, iterations, seconds);
        String md = table(score);
        Files.createDirectories(out);
        Files.writeString(out.resolve("commits.md"), md);
        System.out.println(md);
        return 0;
    }

    /** Runs {@link SqlCommitBench}; ops/s keyed by "db/benchmark/threads". */
    static Map<String, Double> measure(String[] dbs, int[] threads, int warmup, int iterations, int seconds)
            throws RunnerException {
        Map<String, Double> score = new LinkedHashMap<>();
        for (int t : threads) {
            Collection<RunResult> results = new Runner(new OptionsBuilder()
                    .include(SqlCommitBench.class.getName() + "\\.")
                    .param("db", dbs)
                    .threads(t)
                    .forks(1)
                    .jvmArgsAppend("-Xms1g", "-Xmx2g")
                    .warmupIterations(warmup).warmupTime(TimeValue.seconds(seconds))
                    .measurementIterations(iterations).measurementTime(TimeValue.seconds(seconds))
                    .timeUnit(TimeUnit.SECONDS)
                    .shouldFailOnError(true)
                    .build()).run();
            for (RunResult r : results) {
                String label = r.getParams().getBenchmark();
                String bench = label.substring(label.lastIndexOf('.') + 1);
                score.put(r.getParams().getParam("db") + "/" + bench + "/" + t, r.getPrimaryResult().getScore());
            }
        }
        return score;
    }

    private String table(Map<String, Double> s) {
        StringBuilder md = new StringBuilder();
        md.append("| database | workload | threads | Depot ops/s | hand-written JDBC ops/s | Depot / JDBC | Depot / Depot 1 thread |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (String db : dbs) {
            for (String op : new String[] {"Insert", "Update"}) {
                Double depot1 = s.get(db + "/depot" + op + "/1");
                for (int t : threads) {
                    Double depot = s.get(db + "/depot" + op + "/" + t);
                    Double jdbc = s.get(db + "/jdbc" + op + "/" + t);
                    md.append("| ").append(db).append(" | ").append(op.toLowerCase(Locale.ROOT)).append(" | ").append(t)
                            .append(" | ").append(num(depot)).append(" | ").append(num(jdbc))
                            .append(" | ").append(ratio(depot, jdbc))
                            .append(" | ").append(t == 1 ? "" : ratio(depot, depot1)).append(" |\n");
                }
            }
            for (int t : threads) {
                md.append("| ").append(db).append(" | bare typed insert, auto-commit (reference) | ").append(t)
                        .append(" | | ").append(num(s.get(db + "/bareInsert/" + t))).append(" | | |\n");
            }
        }
        return md.toString();
    }

    private static String num(Double d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%,.0f", d);
    }

    private static String ratio(Double a, Double b) {
        return a == null || b == null ? "–" : String.format(Locale.ROOT, "%.2f×", a / b);
    }
}
