package dev.depot.bench;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Heap bytes per record, measured as used-heap deltas after several full GCs. Run in a JVM of its
 * own (see {@link BenchMain}); prints one JSON document on standard output. Depot is opened with a
 * change retention of 1,000 events so the feed does not count.
 */
public final class Footprint {
    /** One measured store. */
    public record Result(String store, int records, double payloadBytesPerRecord, double heapBytesPerRecord,
            double overheadBytesPerRecord, String note) {}

    private Footprint() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        List<Result> results = measureAll(n);
        System.out.println(Data.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results));
    }

    static List<Result> measureAll(int n) throws InterruptedException {
        double payload = payloadPerRecord(n);
        List<Result> out = new ArrayList<>();
        out.add(measure("Depot memory (2 indexes)", n, payload, i -> {
            Depot depot = Depot.open("memory:", DepotOptions.defaults().changeRetention(Duration.ofMinutes(1), 1000));
            load(depot.records(Data.PLAYERS), n);
            return depot;
        }, "encoded payload counted as the stored JSON bytes"));
        out.add(measure("Depot memory (2 indexes), after one get of every record", n, payload, i -> {
            Depot depot = Depot.open("memory:", DepotOptions.defaults().changeRetention(Duration.ofMinutes(1), 1000));
            Records<UUID, Player> r = depot.records(Data.PLAYERS);
            load(r, n);
            for (int j = 0; j < n; j++) {
                r.get(Data.key(j));
            }
            return depot;
        }, "gets of an immutable record type keep the decoded instance beside the bytes"));
        out.add(measure("Depot memory (2 indexes), default change retention", n, payload, i -> {
            Depot depot = Depot.open("memory:");
            load(depot.records(Data.PLAYERS), n);
            return depot;
        }, "DepotOptions.defaults() keeps up to a million change events, here one per record: this row"
                + " minus the first is what the feed holds per event"));
        out.add(measure("ConcurrentHashMap<UUID, byte[]> (no index)", n, payload, i -> {
            ConcurrentHashMap<UUID, byte[]> m = new ConcurrentHashMap<>();
            for (int j = 0; j < n; j++) {
                Player p = Data.player(j, n);
                m.put(p.id(), Data.encode(p));
            }
            return m;
        }, "anchor: the naive copying store"));
        out.add(measure("ConcurrentHashMap<UUID, Player> live objects (no index)", n, payload, i -> {
            ConcurrentHashMap<UUID, Player> m = new ConcurrentHashMap<>();
            for (int j = 0; j < n; j++) {
                Player p = Data.player(j, n);
                m.put(p.id(), p);
            }
            return m;
        }, "anchor: holds objects, not encoded bytes; overhead is relative to the JSON size all the same"));
        return out;
    }

    private static void load(Records<UUID, Player> r, int n) {
        List<Player> batch = new ArrayList<>(1000);
        for (int j = 0; j < n; j++) {
            batch.add(Data.player(j, n));
            if (batch.size() == 1000 || j == n - 1) {
                r.saveAll(batch);
                batch.clear();
            }
        }
    }

    static double payloadPerRecord(int n) {
        long sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Data.encode(Data.player(j, n)).length;
        }
        return (double) sum / n;
    }

    private static Result measure(String name, int n, double payload, IntFunction<Object> build, String note)
            throws InterruptedException {
        long before = settledUsedHeap();
        Object store = build.apply(n);
        long after = settledUsedHeap();
        Reference.reachabilityFence(store);
        if (store instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        double perRecord = (double) (after - before) / n;
        System.err.printf("footprint: %-60s %8.1f B/record (payload %.1f)%n", name, perRecord, payload);
        return new Result(name, n, round(payload), round(perRecord), round(perRecord - payload), note);
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    /** Used heap after repeated full GCs, once two readings in a row agree within 0.1%. */
    static long settledUsedHeap() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long used = mx.getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(used - last) <= last / 1000) {
                return used;
            }
            last = used;
        }
        return last;
    }

    /**
     * Runs this program in a fresh JVM (so nothing a benchmark left behind counts) and writes its
     * JSON to {@code json}; returns false, with the file removed, when the measurement failed.
     */
    static boolean inFreshJvm(Path json, int records) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xms4g", "-Xmx4g", "-cp", System.getProperty("java.class.path"),
                Footprint.class.getName(), Integer.toString(records));
        System.out.println("# Footprint: " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(json.toFile())
                .start();
        int rc = p.waitFor();
        if (rc != 0) {
            System.err.println("footprint measurement failed with exit code " + rc);
            Files.deleteIfExists(json);
            return false;
        }
        return true;
    }

    /** Reads the JSON this program printed. */
    public static List<Result> parse(String json) {
        return Data.MAPPER.readerForListOf(Result.class).readValue(json);
    }

}
