package dev.depot.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Issue 8's performance targets judged from one run's measurements: each row names the target, what
 * Depot and its anchor measured in the same run, and whether the target is met. Pure: no timing of
 * its own, so {@code TargetsTest} checks the verdicts on hand-made figures.
 */
final class Targets {
    /** Heap bytes per record above the payload, at 1M records of ~200 bytes with two indexes. */
    static final double HEAP_LIMIT = 150;
    /** A range of 100 rows by an index against H2 in memory. */
    static final double RANGE_FACTOR = 3;
    /** Single-thread SQL commits against hand-written JDBC. */
    static final double SQL_ONE_THREAD = 0.8;
    /** Eight-thread SQL commits against hand-written JDBC with eight threads. */
    static final double SQL_EIGHT_THREADS = 0.7;
    /** Eight-thread SQL commits against Depot's own one-thread figure. */
    static final double SQL_SCALING = 3;
    /**
     * "The 4-thread mix scales with cores", judged as four threads giving at least three quarters
     * of min(cores, 4) times one thread's throughput.
     */
    static final double MIX_EFFICIENCY = 0.75;

    /** One verdict. {@code depot} and {@code anchor} are already formatted. */
    record Row(String target, String depot, String anchor, String ratio, String needed, boolean met) {}

    /**
     * What one run measured. Per-fork scores (ops/s) for the memory rows, so "in every run" can be
     * judged; SQL commit scores keyed {@code db/benchmark/threads} as {@link CommitBenchMain} keys them.
     */
    record Measured(double heapAbovePayload, List<Double> depotGet, List<Double> springGet, List<Double> depotRange,
            List<Double> h2Range, List<Double> mixed1, List<Double> mixed4, int cores, Map<String, Double> commits,
            List<String> dbs, List<Double> springMixed1, List<Double> springMixed4) {

        /** Without the anchor's own mix scaling (runs that did not measure it). */
        Measured(double heapAbovePayload, List<Double> depotGet, List<Double> springGet, List<Double> depotRange,
                List<Double> h2Range, List<Double> mixed1, List<Double> mixed4, int cores, Map<String, Double> commits,
                List<String> dbs) {
            this(heapAbovePayload, depotGet, springGet, depotRange, h2Range, mixed1, mixed4, cores, commits, dbs,
                    List.of(), List.of());
        }
    }

    private Targets() {}

    static List<Row> judge(Measured m) {
        List<Row> rows = new ArrayList<>();
        if (!Double.isNaN(m.heapAbovePayload())) {
            rows.add(new Row("memory: heap per record above the payload (1M records, 2 indexes)",
                    String.format(Locale.ROOT, "%.1f B", m.heapAbovePayload()), "", "",
                    "≤ " + (int) HEAP_LIMIT + " B", m.heapAbovePayload() <= HEAP_LIMIT));
        }
        if (!m.depotGet().isEmpty() && !m.springGet().isEmpty()) {
            // "In every run": Depot's slowest fork against Spring's fastest.
            double worst = Collections.min(m.depotGet());
            double best = Collections.max(m.springGet());
            rows.add(new Row("memory: get by key, every fork (Depot's slowest ÷ Spring's fastest)",
                    forks(m.depotGet()), "Spring map template " + forks(m.springGet()), times(worst / best),
                    "≥ 1×", worst >= best));
        }
        if (!m.depotRange().isEmpty() && !m.h2Range().isEmpty()) {
            double r = mean(m.depotRange()) / mean(m.h2Range());
            rows.add(new Row("memory: indexed range of 100 rows", forks(m.depotRange()), "H2 " + forks(m.h2Range()),
                    times(r), "≥ " + (int) RANGE_FACTOR + "×", r >= RANGE_FACTOR));
        }
        if (!m.mixed1().isEmpty() && !m.mixed4().isEmpty()) {
            double r = mean(m.mixed4()) / mean(m.mixed1());
            double needed = MIX_EFFICIENCY * Math.min(m.cores(), 4);
            // The anchor's own scaling, same run: what this machine allows any store (context, not the target).
            String anchor = "1 thread " + forks(m.mixed1());
            if (!m.springMixed1().isEmpty() && !m.springMixed4().isEmpty()) {
                anchor += "; Spring map template's same mix scales "
                        + times(mean(m.springMixed4()) / mean(m.springMixed1()));
            }
            rows.add(new Row("memory: 3:1 get/update mix, 4 threads ÷ 1 thread (" + m.cores() + " cores)",
                    forks(m.mixed4()), anchor, times(r),
                    String.format(Locale.ROOT, "≥ %.2f×", needed), r >= needed));
        }
        for (String db : m.dbs()) {
            for (String op : List.of("Insert", "Update")) {
                addSql(rows, m.commits(), db, op);
            }
        }
        return rows;
    }

    private static void addSql(List<Row> rows, Map<String, Double> s, String db, String op) {
        Double d1 = s.get(db + "/depot" + op + "/1");
        Double j1 = s.get(db + "/jdbc" + op + "/1");
        Double d8 = s.get(db + "/depot" + op + "/8");
        Double j8 = s.get(db + "/jdbc" + op + "/8");
        String what = db + ": " + op.toLowerCase(Locale.ROOT);
        if (d1 != null && j1 != null) {
            rows.add(new Row(what + ", 1 thread", ops(d1), "JDBC " + ops(j1), times(d1 / j1),
                    "≥ " + SQL_ONE_THREAD + "×", d1 / j1 >= SQL_ONE_THREAD));
        }
        if (d8 != null && j8 != null) {
            rows.add(new Row(what + ", 8 threads", ops(d8), "JDBC " + ops(j8), times(d8 / j8),
                    "≥ " + SQL_EIGHT_THREADS + "×", d8 / j8 >= SQL_EIGHT_THREADS));
        }
        if (d8 != null && d1 != null) {
            // The hand-written anchor's own scaling, same run: how far this machine's disk lets 8 threads go.
            String anchor = "Depot 1 thread " + ops(d1) + (j8 != null && j1 != null ? "; JDBC scales " + times(j8 / j1) : "");
            rows.add(new Row(what + ", 8 threads ÷ 1 thread", ops(d8), anchor, times(d8 / d1),
                    "≥ " + (int) SQL_SCALING + "×", d8 / d1 >= SQL_SCALING));
        }
    }

    static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| target | Depot | anchor (same run) | ratio | needed | met |\n");
        md.append("|---|---|---|---:|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.target()).append(" | ").append(r.depot()).append(" | ").append(r.anchor())
                    .append(" | ").append(r.ratio()).append(" | ").append(r.needed()).append(" | ")
                    .append(r.met() ? "**yes**" : "no").append(" |\n");
        }
        return md.toString();
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String forks(List<Double> xs) {
        return xs.stream().map(Targets::ops).collect(Collectors.joining(" · ")) + "/s";
    }

    private static String ops(double d) {
        return d >= 1e6 ? String.format(Locale.ROOT, "%.2fM", d / 1e6)
                : d >= 1e4 ? String.format(Locale.ROOT, "%.1fk", d / 1e3)
                : String.format(Locale.ROOT, "%,.0f", d);
    }

    private static String times(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }
}
