package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Lease;
import dev.depot.Records;
import dev.depot.Schema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two processes write one SQLite file at once — SQLite's own way of sharing a database, which no
 * in-JVM probe covers (depots in one JVM share its locks): own keys, read-modify-write transactions
 * and versioned updates of shared counters, and one work queue produced and consumed by both. Every
 * acknowledged write must be there exactly once: the counters equal the acknowledged bumps, the feed
 * is gap-free and holds each stored write, no queue item is completed twice or lost.
 */
class TwoProcessProbeTest {
    record Counter(String id, long n) {}

    static final Schema<String, Counter> COUNTERS = Schema.of("counters", String.class, Counter.class).key(Counter::id).build();

    private static final long MILLIS = Long.getLong("depot.twoprocess.millis", 8_000);

    @Test
    void twoProcessesOnOneSqliteFileLoseNothingAndCountEachWriteOnce() throws Exception {
        String url = TestDatabases.sqlite();
        try (Depot setup = Depot.open(url)) {
            setup.records(COUNTERS); // declared once, before both start
            setup.queue("work");
        }
        List<Process> children = new ArrayList<>();
        for (String me : List.of("a", "b")) {
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), TwoProcessChild.class.getName(), url, me,
                    Long.toString(MILLIS)).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }
        Set<String> own = new HashSet<>();
        Map<String, Long> bumps = new HashMap<>();
        Set<String> produced = new HashSet<>();
        List<String> completed = new ArrayList<>();
        for (Process p : children) {
            boolean done = false;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    String[] f = line.split(" ");
                    done |= line.equals("done");
                    if (f.length >= 3 && f[0].equals("ack")) {
                        switch (f[1]) {
                            case "own" -> own.add(f[2]);
                            case "bump" -> bumps.merge(f[2], 1L, Long::sum);
                            case "produced" -> produced.add(f[2]);
                            default -> completed.add(f[2]);
                        }
                    }
                }
            }
            assertThat(p.waitFor(MILLIS + 120_000, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(done).as("the child ran to the end without an exception").isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(own).as("both wrote (a slow machine: raise -Ddepot.twoprocess.millis)").hasSizeGreaterThan(10);
        try (Depot d = Depot.open(url)) {
            Records<String, Counter> r = d.records(COUNTERS);
            for (String k : own) {
                assertThat(r.get(k)).as(k).contains(new Counter(k, 1));
            }
            for (Map.Entry<String, Long> b : bumps.entrySet()) {
                assertThat(r.get(b.getKey()).map(Counter::n)).as("each acknowledged bump of " + b.getKey() + " once")
                        .contains(b.getValue());
            }
            List<ChangeEvent> events = d.changes().since(0, 1_000_000);
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).sequence()).as("gap-free").isEqualTo(events.get(i - 1).sequence() + 1);
            }
            long writes = own.size() + bumps.values().stream().mapToLong(Long::longValue).sum();
            assertThat(events.stream().filter(e -> e.collection().equals("counters")).count())
                    .as("one event per acknowledged write").isEqualTo(writes);
            assertThat(new HashSet<>(completed)).as("no item completed twice").hasSize(completed.size());
            Set<String> left = new HashSet<>();
            for (List<Lease> batch; !(batch = d.queue("work").lease("checker", 1_000, Duration.ZERO)).isEmpty(); ) {
                batch.forEach(l -> left.add(new String(l.payload(), StandardCharsets.UTF_8)));
            }
            Set<String> all = new HashSet<>(completed);
            assertThat(left).as("nothing completed and handed out again").doesNotContainAnyElementsOf(all);
            all.addAll(left);
            assertThat(all).as("every produced item completed or still there").isEqualTo(produced);
        }
    }
}
