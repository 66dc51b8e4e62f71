package dev.depot.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 8's verdicts on hand-made figures: which side of each target a measurement falls. */
class TargetsTest {
    private static Targets.Measured measured(double heap, List<Double> depotGet, List<Double> springGet,
            int cores, Map<String, Double> commits) {
        return new Targets.Measured(heap, depotGet, springGet, List.of(20_000.0, 22_000.0), List.of(5_000.0, 7_000.0),
                List.of(500_000.0), List.of(760_000.0), cores, commits, List.of("postgresql"));
    }

    private static Targets.Row row(List<Targets.Row> rows, String prefix) {
        return rows.stream().filter(r -> r.target().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void heapIsMetAtTheLimitAndNotAboveIt() {
        assertTrue(row(Targets.judge(measured(150.0, List.of(), List.of(), 2, Map.of())), "memory: heap").met());
        Targets.Row over = row(Targets.judge(measured(150.1, List.of(), List.of(), 2, Map.of())), "memory: heap");
        assertFalse(over.met());
        assertEquals("150.1 B", over.depot());
    }

    @Test
    void getMustBeatSpringInEveryForkNotOnAverage() {
        // Depot's mean (1.9M) beats Spring's (1.5M), but its slowest fork loses to Spring's fastest.
        Targets.Row close = row(Targets.judge(measured(Double.NaN, List.of(1.2e6, 2.6e6), List.of(1.4e6, 1.6e6), 2,
                Map.of())), "memory: get");
        assertFalse(close.met());
        assertEquals("0.75×", close.ratio());
        Targets.Row clear = row(Targets.judge(measured(Double.NaN, List.of(1.7e6, 2.0e6), List.of(1.4e6, 1.6e6), 2,
                Map.of())), "memory: get");
        assertTrue(clear.met());
    }

    @Test
    void rangeComparesMeansAndMixScalingDependsOnCores() {
        List<Targets.Row> rows = Targets.judge(measured(Double.NaN, List.of(), List.of(), 2, Map.of()));
        assertEquals("3.50×", row(rows, "memory: indexed range").ratio());
        assertTrue(row(rows, "memory: indexed range").met());
        // 760k ÷ 500k = 1.52: enough on 2 cores (needs 1.5), not on 4 (needs 3).
        assertTrue(row(rows, "memory: 3:1").met());
        assertFalse(row(Targets.judge(measured(Double.NaN, List.of(), List.of(), 4, Map.of())), "memory: 3:1").met());
    }

    @Test
    void sqlRowsJudgeAgainstJdbcAndAgainstDepotsOwnOneThread() {
        Map<String, Double> commits = Map.of(
                "postgresql/depotInsert/1", 900.0, "postgresql/jdbcInsert/1", 1_000.0,
                "postgresql/depotInsert/8", 2_800.0, "postgresql/jdbcInsert/8", 4_200.0);
        List<Targets.Row> rows = Targets.judge(measured(Double.NaN, List.of(), List.of(), 2, commits));
        assertTrue(row(rows, "postgresql: insert, 1 thread").met());
        assertEquals("3.11×", row(rows, "postgresql: insert, 8 threads ÷").ratio());
        assertTrue(row(rows, "postgresql: insert, 8 threads ÷").met());
        assertFalse(row(rows, "postgresql: insert, 8 threads").met()); // 0.67× of JDBC's 8 threads
        assertTrue(rows.stream().noneMatch(r -> r.target().startsWith("postgresql: update"))); // not measured: no row
        assertTrue(Targets.markdown(rows).contains("| postgresql: insert, 1 thread | 900 | JDBC 1,000 | 0.90× | ≥ 0.8× | **yes** |"));
        // The anchor's own scaling (4,200 ÷ 1,000) is shown beside Depot's, never judged.
        assertEquals("Depot 1 thread 900; JDBC scales 4.20×", row(rows, "postgresql: insert, 8 threads ÷").anchor());
    }

    @Test
    void mixRowShowsTheAnchorsOwnScalingWhenMeasuredWithoutChangingTheVerdict() {
        Targets.Measured withAnchor = new Targets.Measured(Double.NaN, List.of(), List.of(), List.of(), List.of(),
                List.of(500_000.0), List.of(600_000.0), 2, Map.of(), List.of(), List.of(1.0e6), List.of(1.3e6));
        Targets.Row mix = row(Targets.judge(withAnchor), "memory: 3:1");
        assertEquals("1 thread 500.0k/s; Spring map template's same mix scales 1.30×", mix.anchor());
        assertEquals("1.20×", mix.ratio());
        assertFalse(mix.met());
        assertEquals("1 thread 500.0k/s", row(Targets.judge(measured(Double.NaN, List.of(), List.of(), 2, Map.of())),
                "memory: 3:1").anchor());
    }
}
