package dev.depot.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The table and chart generators, on hand-made results: fast and deterministic, no timing. */
class ReportTest {
    private static final String JMH_JSON = """
            [
              {"benchmark": "dev.depot.bench.DepotBench.get", "threads": 1, "params": {"size": "1000000"},
               "primaryMetric": {"score": 2000000.0, "scoreError": 1000.0, "scoreUnit": "ops/s"}},
              {"benchmark": "dev.depot.bench.SpringKvBench.get", "threads": 1, "params": {"size": "1000000"},
               "primaryMetric": {"score": 1000000.0, "scoreError": "NaN", "scoreUnit": "ops/s"}},
              {"benchmark": "dev.depot.bench.H2Bench.get", "threads": 1, "params": {"size": "1000000"},
               "primaryMetric": {"score": 50000.0, "scoreError": 10.0, "scoreUnit": "ops/s"}},
              {"benchmark": "dev.depot.bench.DepotBench.getDecoded", "threads": 1, "params": {"size": "1000000"},
               "primaryMetric": {"score": 100000.0, "scoreError": 10.0, "scoreUnit": "ops/s"}},
              {"benchmark": "dev.depot.bench.DepotBench.feed100", "threads": 1, "params": {"size": "10000"},
               "primaryMetric": {"score": 300000.0, "scoreError": 10.0, "scoreUnit": "ops/s"}}
            ]
            """;

    private static List<Report.Measurement> measurements() {
        JsonNode json = Data.MAPPER.readTree(JMH_JSON);
        return Report.parse(json);
    }

    @Test
    void parsesJmhJson() {
        List<Report.Measurement> ms = measurements();
        assertEquals(5, ms.size());
        assertEquals(new Report.Measurement("DepotBench", "get", 1_000_000, 2_000_000.0, 1000.0, 1), ms.get(0));
        assertTrue(Double.isNaN(ms.get(1).error()));
    }

    @Test
    void pairsDepotWithEachAnchorOfTheSameWorkloadAndSize() {
        List<Report.Row> rows = Report.rows(measurements());
        Report.Row spring = rows.stream()
                .filter(r -> r.workload().equals("get") && "SpringKvBench".equals(r.anchor())).findFirst().orElseThrow();
        assertEquals(2.0, spring.ratio(), 1e-9);
        Report.Row decoded = rows.stream()
                .filter(r -> r.workload().equals("getDecoded") && "H2Bench".equals(r.anchor())).findFirst().orElseThrow();
        assertEquals(2.0, decoded.ratio(), 1e-9);
        assertTrue(rows.stream().anyMatch(r -> r.workload().equals("feed100") && r.anchor() == null));
    }

    @Test
    void markdownTableHasOneLinePerRow() {
        String md = Report.markdown(measurements());
        assertTrue(md.contains("| get by key | 1M | memory | 2.00M | Spring KV map template | 1.00M | 2.00× |"), md);
        assertTrue(md.contains("| get by key | 1M | memory | 2.00M | H2 mem, JDBC | 50.0k | 40.0× |"), md);
        assertEquals(2 + Report.rows(measurements()).size(), md.lines().count());
    }

    @Test
    void svgIsWellFormedAndDeterministic() throws Exception {
        String svg = Report.svg(measurements(), "t < & >");
        assertEquals(svg, Report.svg(measurements(), "t < & >"));
        assertTrue(svg.contains("t &lt; &amp; &gt;"));
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(svg)));
    }

    @Test
    void formatsNumbers() {
        assertEquals("7.70M", Report.ops(7_700_000));
        assertEquals("220.0k", Report.ops(220_000));
        assertEquals("1500", Report.ops(1_500));
        assertEquals("40.00", Report.ops(40));
        assertEquals("1M", Report.size(1_000_000));
        assertEquals("10k", Report.size(10_000));
    }
}
