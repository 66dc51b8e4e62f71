package dev.depot.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The value-shapes table, on hand-made results. */
class ShapesReportTest {
    private static Report.Measurement m(String benchmark, double ops) {
        return new Report.Measurement("ValueShapesBench", benchmark, 1_000_000, ops, 1.0, 1);
    }

    @Test
    void comparesEachDepotRowWithTheAnchorsOfItsShapeAndWorkload() {
        List<Report.Measurement> ms = List.of(
                m("listGet_depot", 900_000), m("listGet_spring", 600_000), m("listGet_chm", 300_000),
                m("listRange100_depot", 9_000), m("listRange100_h2", 3_000),
                m("beanGet_spring", 800_000),
                new Report.Measurement("DepotBench", "get", 1_000_000, 1.0, 1.0, 1));

        String table = ShapesReport.markdown(ms);

        assertTrue(ShapesReport.present(ms));
        List<String> rows = table.lines().skip(2).toList();
        assertEquals(3, rows.size(), table);
        assertTrue(rows.get(0).contains("record with a List") && rows.get(0).contains("Spring")
                && rows.get(0).endsWith("| 1.50× |"), rows.get(0));
        assertTrue(rows.get(1).contains("CHM") && rows.get(1).endsWith("| 3.00× |"), rows.get(1));
        assertTrue(rows.get(2).contains("range of 100") && rows.get(2).contains("H2")
                && rows.get(2).endsWith("| 3.00× |"), rows.get(2));
        assertFalse(table.contains("mutable class"), "no Depot row for the bean: no comparison");
        assertFalse(ShapesReport.present(List.of(new Report.Measurement("DepotBench", "get", 1, 1.0, 1.0, 1))));
    }
}
