package dev.depot.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Turns JMH JSON results into the comparison table (markdown) and a bar chart of ratios (SVG).
 * Pure functions of their input, so they can be tested without running a benchmark.
 */
public final class Report {
    /** One JMH result: a store, a workload, a size, and its throughput. */
    public record Measurement(String store, String workload, int size, double opsPerSecond, double error, int threads) {}

    /** One row of the comparison: Depot against one anchor on one workload and size. */
    public record Row(String depotStore, String workload, int size, double depot, String anchor, double anchorOps,
            double ratio) {}

    /** Store ids (benchmark class simple names) and how the table names them. */
    static final Map<String, String> STORES = new LinkedHashMap<>();
    /** Workload ids (benchmark method names) and how the table names them. */
    static final Map<String, String> WORKLOADS = new LinkedHashMap<>();
    /** Each Depot benchmark class and the anchors it is compared with. */
    static final Map<String, List<String>> ANCHORS = new LinkedHashMap<>();

    static {
        STORES.put("DepotBench", "Depot memory");
        STORES.put("ChmLiveBench", "CHM<K,V> live objects");
        STORES.put("ChmBytesBench", "CHM<K,byte[]> + Jackson");
        STORES.put("SpringKvBench", "Spring KV map template");
        STORES.put("H2Bench", "H2 mem, JDBC");
        STORES.put("DepotPgBench", "Depot on PostgreSQL");
        STORES.put("PgJdbcBench", "PostgreSQL, hand-written JDBC");
        ANCHORS.put("DepotBench", List.of("ChmLiveBench", "ChmBytesBench", "SpringKvBench", "H2Bench"));
        ANCHORS.put("DepotPgBench", List.of("PgJdbcBench"));
        WORKLOADS.put("get", "get by key");
        WORKLOADS.put("getDecoded", "get by key, decoding each read");
        WORKLOADS.put("insert", "insert");
        WORKLOADS.put("update", "versioned update (read + write)");
        WORKLOADS.put("byName", "indexed equality (name)");
        WORKLOADS.put("range100", "range query, 100 rows by score");
        WORKLOADS.put("range100Sorted", "range query, 100 rows, sorted by the anchor");
        WORKLOADS.put("range100KeyOrder", "range query, 100 rows, in key order");
        WORKLOADS.put("page100", "keyset page of 100 by score");
        WORKLOADS.put("tx5", "transaction of 5 updates");
        WORKLOADS.put("feed100", "change feed, 100 events");
        WORKLOADS.put("mixed4", "4 threads, 3 gets : 1 update");
        WORKLOADS.put("mixed1", "1 thread, 3 gets : 1 update (mixed4's scaling baseline)");
    }

    private Report() {}

    /** The anchor benchmark a Depot workload is compared with. */
    static String anchorWorkload(String workload) {
        return switch (workload) {
            case "getDecoded" -> "get";
            default -> workload;
        };
    }

    /** Reads a JMH result file's JSON (an array of benchmark results). */
    public static List<Measurement> parse(JsonNode results) {
        List<Measurement> out = new ArrayList<>();
        for (JsonNode r : results) {
            String name = r.get("benchmark").asString();
            String[] parts = name.split("\\.");
            String store = parts[parts.length - 2];
            String workload = parts[parts.length - 1];
            JsonNode params = r.get("params");
            int size = params != null && params.has("size") ? Integer.parseInt(params.get("size").asString()) : 0;
            JsonNode metric = r.get("primaryMetric");
            double error = metric.get("scoreError").isNumber() ? metric.get("scoreError").asDouble() : Double.NaN;
            out.add(new Measurement(store, workload, size, metric.get("score").asDouble(), error,
                    r.get("threads").asInt()));
        }
        return out;
    }

    static Optional<Measurement> find(List<Measurement> ms, String store, String workload, int size) {
        return ms.stream()
                .filter(m -> m.store().equals(store) && m.workload().equals(workload) && m.size() == size)
                .findFirst();
    }

    /** Depot against every anchor that ran the same workload at the same size. */
    public static List<Row> rows(List<Measurement> ms) {
        List<Row> out = new ArrayList<>();
        TreeSet<Integer> sizes = new TreeSet<>();
        ms.forEach(m -> sizes.add(m.size()));
        for (Map.Entry<String, List<String>> pair : ANCHORS.entrySet()) {
            String depotStore = pair.getKey();
            for (String w : WORKLOADS.keySet()) {
                for (int size : sizes) {
                    Optional<Measurement> depot = find(ms, depotStore, w, size);
                    if (depot.isEmpty()) {
                        continue;
                    }
                    boolean any = false;
                    for (String store : pair.getValue()) {
                        Optional<Measurement> a = find(ms, store, anchorWorkload(w), size);
                        if (a.isPresent()) {
                            any = true;
                            double d = depot.get().opsPerSecond();
                            double x = a.get().opsPerSecond();
                            out.add(new Row(depotStore, w, size, d, store, x, d / x));
                        }
                    }
                    if (!any) {
                        out.add(new Row(depotStore, w, size, depot.get().opsPerSecond(), null, Double.NaN, Double.NaN));
                    }
                }
            }
        }
        return out;
    }

    /** Formats a throughput: 12.3M, 45.6k, 789, 1.23. */
    static String ops(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String ratio(double r) {
        if (Double.isNaN(r)) {
            return "—";
        }
        if (r >= 100) {
            return String.format(Locale.ROOT, "%.0f×", r);
        }
        if (r >= 10) {
            return String.format(Locale.ROOT, "%.1f×", r);
        }
        if (r >= 0.1) {
            return String.format(Locale.ROOT, "%.2f×", r);
        }
        if (r >= 0.001) {
            return String.format(Locale.ROOT, "%.3f×", r);
        }
        return String.format(Locale.ROOT, "%.1e×", r);
    }

    static String size(int n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return (n / 1_000_000) + "M";
        }
        if (n >= 1_000 && n % 1_000 == 0) {
            return (n / 1_000) + "k";
        }
        return Integer.toString(n);
    }

    /** The comparison table: one row per workload, size and anchor; ratio = Depot ÷ anchor. */
    public static String markdown(List<Measurement> ms) {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | records | Depot | Depot ops/s | anchor | anchor ops/s | Depot ÷ anchor |\n");
        sb.append("|---|---:|---|---:|---|---:|---:|\n");
        for (Row r : rows(ms)) {
            sb.append("| ").append(WORKLOADS.get(r.workload()))
                    .append(" | ").append(size(r.size()))
                    .append(" | ").append(STORES.get(r.depotStore()).replace("Depot ", ""))
                    .append(" | ").append(ops(r.depot()))
                    .append(" | ").append(r.anchor() == null ? "(no anchor)" : STORES.get(r.anchor()))
                    .append(" | ").append(ops(r.anchorOps()))
                    .append(" | ").append(ratio(r.ratio()))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** Throughput of every store per workload and size: shows how cost grows with the collection. */
    public static String growth(List<Measurement> ms) {
        TreeSet<Integer> sizes = new TreeSet<>();
        ms.forEach(m -> sizes.add(m.size()));
        StringBuilder sb = new StringBuilder("| workload | store |");
        sizes.forEach(s -> sb.append(' ').append(size(s)).append(" |"));
        sb.append(" smallest ÷ largest |\n|---|---|");
        sizes.forEach(s -> sb.append("---:|"));
        sb.append("---:|\n");
        for (String w : WORKLOADS.keySet()) {
            for (String store : STORES.keySet()) {
                List<Double> values = new ArrayList<>();
                for (int s : sizes) {
                    values.add(find(ms, store, w, s).map(Measurement::opsPerSecond).orElse(Double.NaN));
                }
                if (values.stream().allMatch(v -> Double.isNaN(v))) {
                    continue;
                }
                sb.append("| ").append(WORKLOADS.get(w)).append(" | ").append(STORES.get(store)).append(" |");
                values.forEach(v -> sb.append(' ').append(ops(v)).append(" |"));
                double first = values.get(0);
                double last = values.get(values.size() - 1);
                sb.append(' ').append(Double.isNaN(first) || Double.isNaN(last) ? "—" : ratio(first / last)).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** The memory footprint table. */
    public static String footprint(List<Footprint.Result> results) {
        StringBuilder sb = new StringBuilder(
                "| store | records | JSON payload B/record | heap B/record | above payload B/record |\n"
                        + "|---|---:|---:|---:|---:|\n");
        for (Footprint.Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f |%n", r.store(), size(r.records()),
                    r.payloadBytesPerRecord(), r.heapBytesPerRecord(), r.overheadBytesPerRecord()));
        }
        return sb.toString();
    }

    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#9c755f"};

    /**
     * A horizontal bar chart, log scale, of Depot ÷ anchor for each workload at the largest size
     * measured: bars right of the 1× line are where Depot is faster.
     */
    public static String svg(List<Measurement> ms, String title) {
        Map<String, Integer> largestOf = new LinkedHashMap<>();
        for (Measurement m : ms) {
            largestOf.merge(m.store(), m.size(), Math::max);
        }
        int largest = largestOf.getOrDefault("DepotBench", 0);
        List<Row> rows = rows(ms).stream()
                .filter(r -> r.size() == largestOf.get(r.depotStore()) && r.anchor() != null && r.ratio() > 0)
                .toList();
        List<String> anchors = new ArrayList<>(STORES.keySet());
        anchors.remove("DepotBench");
        anchors.remove("DepotPgBench");
        double minExp = Math.min(-1, Math.floor(Math.log10(rows.stream().mapToDouble(Row::ratio).min().orElse(0.1))));
        double maxExp = Math.max(1, Math.ceil(Math.log10(rows.stream().mapToDouble(Row::ratio).max().orElse(10))));
        int labelW = 300;
        int plotW = 520;
        int barH = 14;
        int gap = 10;
        int top = 60;
        List<String> workloads = new ArrayList<>();
        for (Row r : rows) {
            if (!workloads.contains(label(r))) {
                workloads.add(label(r));
            }
        }
        long legendRows = anchors.stream().filter(a -> rows.stream().anyMatch(r -> r.anchor().equals(a))).count();
        int height = top + rows.size() * barH + workloads.size() * gap + 40 + (int) legendRows * 16 + 10;
        int width = labelW + plotW + 90;
        double span = maxExp - minExp;
        java.util.function.DoubleUnaryOperator x = v -> labelW + (Math.log10(v) - minExp) / span * plotW;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        sb.append(String.format(Locale.ROOT,
                "<text x=\"10\" y=\"38\">Depot ÷ anchor, ops/s, %s records (PostgreSQL: %s), log scale;"
                        + " right of 1× = Depot faster</text>%n",
                size(largest), size(largestOf.getOrDefault("DepotPgBench", 0))));
        int plotBottom = height - 30 - (int) legendRows * 16 - 10;
        for (int e = (int) minExp; e <= (int) maxExp; e++) {
            double gx = x.applyAsDouble(Math.pow(10, e));
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>%n",
                    gx, top - 8, gx, plotBottom, e == 0 ? "#333" : "#ddd", e == 0 ? "1.5" : "1"));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    gx, plotBottom + 14, escape(axisLabel(e))));
        }
        int y = top;
        String current = null;
        for (Row r : rows) {
            boolean first = !label(r).equals(current);
            if (first) {
                if (current != null) {
                    y += gap;
                }
                current = label(r);
            }
            double x0 = x.applyAsDouble(1);
            double x1 = x.applyAsDouble(r.ratio());
            String color = COLORS[anchors.indexOf(r.anchor()) % COLORS.length];
            if (first) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                        labelW - 8, y + barH - 3, escape(label(r))));
            }
            sb.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s vs %s: %s</title></rect>%n",
                    Math.min(x0, x1), y + 1, Math.max(1, Math.abs(x1 - x0)), barH - 2, color,
                    escape(WORKLOADS.get(r.workload())), escape(STORES.get(r.anchor())), escape(ratio(r.ratio()))));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>%n",
                    r.ratio() >= 1 ? x1 + 4 : x1 - 4, y + barH - 3, r.ratio() >= 1 ? "start" : "end",
                    escape(ratio(r.ratio()))));
            y += barH;
        }
        int lx = labelW;
        int ly = plotBottom + 36;
        for (String a : anchors) {
            if (rows.stream().noneMatch(r -> r.anchor().equals(a))) {
                continue;
            }
            String color = COLORS[anchors.indexOf(a) % COLORS.length];
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    lx, ly - 10, color));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">vs %s</text>%n", lx + 16, ly,
                    escape(STORES.get(a))));
            ly += 16;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String label(Row r) {
        return r.depotStore().equals("DepotPgBench") ? "PostgreSQL: " + WORKLOADS.get(r.workload())
                : WORKLOADS.get(r.workload());
    }

    private static String axisLabel(int exp) {
        if (exp >= 0) {
            return String.format(Locale.ROOT, "%,d×", (long) Math.pow(10, exp));
        }
        return String.format(Locale.ROOT, "%s×", Double.toString(Math.pow(10, exp)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Sorts measurements for printing: by workload order, store order, then size. */
    static Comparator<Measurement> order() {
        List<String> w = new ArrayList<>(WORKLOADS.keySet());
        List<String> s = new ArrayList<>(STORES.keySet());
        return Comparator.<Measurement>comparingInt(m -> w.indexOf(m.workload()))
                .thenComparingInt(m -> s.indexOf(m.store()))
                .thenComparingInt(Measurement::size);
    }
}
