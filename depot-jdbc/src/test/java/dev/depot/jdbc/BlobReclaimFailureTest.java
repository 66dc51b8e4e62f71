package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Content bigger than a few chunks that a change replaced is deleted after the change committed.
 * If that deletion fails (here: a chunk row held by another connection until the statement times
 * out), the change has still happened and its call must say so: a caller that saw it fail would
 * retry a move that finds nothing, or a delete that answers false. BlobChaosTest found the failure
 * passed through; the sweep deletes what is left.
 */
class BlobReclaimFailureTest {
    private static final String PREFIX = "br" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";

    static Stream<Arguments> servers() {
        return Stream.of(Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX)),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aCommittedChangeSucceedsWhenDeletingWhatItReplacedFails(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        byte[] big = new byte[5 << 20];
        Arrays.fill(big, (byte) 7);
        try (Depot depot = Depot.open(url + "&statementTimeout=1s")) {
            Blobs blobs = depot.blobs("files");
            blobs.put("p", big);
            blobs.put("q", big);
            try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(false);
                hold(c, s.tablePrefix(), "p");
                hold(c, s.tablePrefix(), "q");
                assertThat(blobs.put("p", "small".getBytes()).size()).as("a replacing put").isEqualTo(5);
                assertThat(blobs.delete("q")).as("a delete").isTrue();
                c.rollback();
            }
            assertThat(blobs.get("p")).isEqualTo("small".getBytes());
            assertThat(blobs.exists("q")).isFalse();
        } finally {
            TestDatabases.release(url, PREFIX);
        }
    }

    /** Locks the first chunk of the content {@code path} names now, by primary key. */
    private static void hold(Connection c, String prefix, String path) throws Exception {
        long id = -1;
        // Paths are bytes on PostgreSQL: read them all (two rows) rather than bind the column's type.
        try (PreparedStatement ps = c.prepareStatement("SELECT path, id FROM " + prefix + "blobs WHERE bucket = 'files'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8).equals(path)) {
                    id = rs.getLong(2);
                }
            }
        }
        assertThat(id).as("content id of %s", path).isNotNegative();
        try (PreparedStatement ps = c.prepareStatement("SELECT n FROM " + prefix + "blob_chunks WHERE id = ? AND n = 0 FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("first chunk of %s", path).isTrue();
            }
        }
    }
}
