package dev.depot.bench;

import dev.depot.bench.Report.Measurement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The table of {@link ValueShapesBench}: each Depot row ({@code shapeWorkload_depot}) against the
 * anchors that ran the same shape and workload at the same size in the same run.
 */
public final class ShapesReport {
    static final String BENCH = "ValueShapesBench";
    static final Map<String, String> WORKLOADS = new LinkedHashMap<>();
    static final Map<String, String> ANCHORS = new LinkedHashMap<>();
    /** A Depot variant measured against the anchors of the workload it varies (same records, same reads). */
    static final Map<String, String> ANCHOR_WORKLOAD = Map.of("listFrozenGet", "listGet", "listFrozenRange100", "listRange100");

    static {
        WORKLOADS.put("listGet", "get by key, record with a List");
        WORKLOADS.put("listRange100", "range of 100 by score, record with a List");
        WORKLOADS.put("listFrozenGet", "get by key, record with a List, frozenCollections()");
        WORKLOADS.put("listFrozenRange100", "range of 100 by score, record with a List, frozenCollections()");
        WORKLOADS.put("mapGet", "get by key, record with a Map");
        WORKLOADS.put("nestedGet", "get by key, record with a list of records");
        WORKLOADS.put("beanGet", "get by key, mutable class with setters");
        ANCHORS.put("depot", "Depot memory, copied (the default)");
        ANCHORS.put("spring", "Spring KV map template (live shared objects)");
        ANCHORS.put("chm", "CHM<K,byte[]> + Jackson (decode per read)");
        ANCHORS.put("h2", "H2 mem, JDBC");
    }

    private ShapesReport() {}

    /** True when the measurements hold any {@link ValueShapesBench} result. */
    public static boolean present(List<Measurement> ms) {
        return ms.stream().anyMatch(m -> m.store().equals(BENCH));
    }

    private static Optional<Measurement> find(List<Measurement> ms, String workload, String store, int size) {
        return Report.find(ms, BENCH, workload + "_" + store, size);
    }

    /** The markdown table: Depot ÷ anchor per shape, workload, size and anchor. */
    public static String markdown(List<Measurement> ms) {
        TreeSet<Integer> sizes = new TreeSet<>();
        ms.stream().filter(m -> m.store().equals(BENCH)).forEach(m -> sizes.add(m.size()));
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | records | Depot memory ops/s | anchor | anchor ops/s | Depot ÷ anchor |\n");
        sb.append("|---|---:|---:|---|---:|---:|\n");
        for (Map.Entry<String, String> w : WORKLOADS.entrySet()) {
            for (int size : sizes) {
                Optional<Measurement> depot = find(ms, w.getKey(), "depot", size);
                if (depot.isEmpty()) {
                    continue;
                }
                String anchorWorkload = ANCHOR_WORKLOAD.getOrDefault(w.getKey(), w.getKey());
                for (Map.Entry<String, String> a : ANCHORS.entrySet()) {
                    if (anchorWorkload.equals(w.getKey()) && a.getKey().equals("depot")) {
                        continue; // a row is not its own anchor
                    }
                    Optional<Measurement> anchor = find(ms, anchorWorkload, a.getKey(), size);
                    if (anchor.isEmpty()) {
                        continue;
                    }
                    double d = depot.get().opsPerSecond();
                    double x = anchor.get().opsPerSecond();
                    sb.append("| ").append(w.getValue())
                            .append(" | ").append(Report.size(size))
                            .append(" | ").append(Report.ops(d))
                            .append(" | ").append(a.getValue())
                            .append(" | ").append(Report.ops(x))
                            .append(" | ").append(Report.ratio(d / x))
                            .append(" |\n");
                }
            }
        }
        return sb.toString();
    }
}
