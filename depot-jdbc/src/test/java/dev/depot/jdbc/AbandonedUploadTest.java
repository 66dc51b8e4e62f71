package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BlobOutputStream;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.ListOptions;
import dev.depot.spi.DepotUrl;
import dev.depot.testing.TestClock;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rows of an upload that never publishes go away: aborted, dropped unclosed (the cleaner), or left by
 * a process that died mid-write (swept by the next depot to open once the upload's lease ran out, and
 * not before). A writer whose upload was swept cannot add chunks that nothing would ever delete.
 */
class AbandonedUploadTest {
    private static final String PREFIX = "tckab_";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final int MIB = 1 << 20;

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File),
                Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite),
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX)),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX)));
    }

    private static Depot open(String url, Instant at) {
        return Depot.open(url, DepotOptions.defaults().clock(new TestClock(at)));
    }

    /** Rows of the uploads table and of the chunks table, read past Depot. */
    private static long[] rows(String url) throws SQLException {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password()); Statement st = c.createStatement()) {
            long[] out = new long[2];
            String[] tables = {s.tablePrefix() + "blob_uploads", s.tablePrefix() + "blob_chunks"};
            for (int i = 0; i < 2; i++) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + tables[i])) {
                    rs.next();
                    out[i] = rs.getLong(1);
                }
            }
            return out;
        }
    }

    private static void writeChunks(OutputStream out, int mib) throws IOException {
        byte[] block = new byte[MIB];
        for (int i = 0; i < mib; i++) {
            block[0] = (byte) i;
            out.write(block);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theUploadOfADeadWriterIsSweptOnceItsLeaseRanOut(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        try {
            Depot dying = open(url, T0);
            BlobOutputStream out = dying.blobs("b").write("orphan.bin");
            writeChunks(out, 3);
            assertThat(rows(url)).as("one upload, its chunks but the one in the buffer stored").containsExactly(1, 2);
            dying.close(); // like a process dying mid-write: the stream is neither closed nor aborted

            try (Depot early = open(url, T0.plus(Duration.ofMinutes(59)))) {
                assertThat(rows(url)).as("a live writer's upload survives a sweep inside its lease").containsExactly(1, 2);
                assertThat(early.blobs("b").exists("orphan.bin")).isFalse();
            }
            try (Depot late = open(url, T0.plus(Duration.ofMinutes(61)))) {
                assertThat(rows(url)).as("swept at open").containsExactly(0, 0);
                assertThat(late.blobs("b").list(ListOptions.all()).items()).isEmpty();
                assertThat(late.stats().blobs()).isEmpty();
            }
            java.lang.ref.Reference.reachabilityFence(out);
        } finally {
            release(url);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aWriterWhoseUploadWasSweptFailsAndLeavesNothing(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        try (Depot slow = open(url, T0)) {
            slow.blobs("b").put("slow.bin", new byte[] {1});
            BlobOutputStream out = slow.blobs("b").write("slow.bin");
            writeChunks(out, 2);
            try (Depot other = open(url, T0.plus(Duration.ofHours(2)))) { // its open sweeps the stalled upload
                assertThat(rows(url)).containsExactly(0, 1);
            }

            assertThatThrownBy(() -> writeChunks(out, 1)).isInstanceOf(IOException.class).hasMessageContaining("lease");
            out.close(); // the failed write discarded the stream: close publishes nothing
            assertThat(slow.blobs("b").get("slow.bin")).containsExactly(1);
            assertThat(rows(url)).as("no orphan chunk").containsExactly(0, 1);
        } finally {
            release(url);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void abortAndAStreamDroppedUnclosedDeleteTheirRows(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        try (Depot depot = open(url, T0)) {
            BlobOutputStream aborted = depot.blobs("b").write("a.bin");
            writeChunks(aborted, 2);
            assertThat(rows(url)).containsExactly(1, 1);
            aborted.abort();
            assertThat(rows(url)).containsExactly(0, 0);

            dropUnclosed(depot);
            assertThat(rows(url)).containsExactly(1, 1);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (rows(url)[0] != 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(rows(url)).as("the cleaner aborted the unreachable stream").containsExactly(0, 0);
            assertThat(depot.blobs("b").exists("dropped.bin")).isFalse();
        } finally {
            release(url);
        }
    }

    private static void dropUnclosed(Depot depot) throws IOException {
        writeChunks(depot.blobs("b").write("dropped.bin"), 2);
    }

    private static void release(String url) {
        if (url.contains("tablePrefix=")) {
            TestDatabases.release(url, PREFIX);
        }
    }
}
