package dev.depot.bench;

import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.Depot;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Streaming a {@code mib}-MiB blob into and out of PostgreSQL: Depot's blobs ({@code depotWrite},
 * {@code depotRead}) against hand-written JDBC moving the same 1 MiB chunks through the same kind of
 * table ({@code jdbcWrite}: one auto-commit INSERT per chunk, then the previous content's rows
 * deleted, as a replace does; {@code jdbcRead}: one SELECT per chunk), in one run. One op is one
 * whole blob; MB/s = {@code mib} × 1.048576 / (ms/op ÷ 1000). Not part of {@link BenchMain}'s
 * passes; run it alone:
 *
 * <pre>
 * java -cp depot-bench/target/benchmarks.jar org.openjdk.jmh.Main SqlBlobBench
 * </pre>
 *
 * Tables are prefixed {@code benchblob_} on the server of {@link DepotPgBench#URL}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class SqlBlobBench {
    private static final int CHUNK = 1 << 20;
    private static final String ANCHOR = "benchblob_anchor_chunks";

    @Param({"64"})
    public int mib;

    Depot depot;
    Blobs blobs;
    final byte[] chunk = new byte[CHUNK];
    final byte[] buffer = new byte[64 * 1024];
    Connection conn;
    PreparedStatement insert;
    PreparedStatement select;
    PreparedStatement deleteContent;
    long anchorId = 1;

    @Setup
    public void setUp() throws SQLException, IOException {
        new Random(42).nextBytes(chunk); // incompressible, like the media and archives blobs usually are
        String url = DepotPgBench.URL.substring(0, DepotPgBench.URL.indexOf('?')) + "?tablePrefix=benchblob_";
        depot = Depot.open(url);
        depot.clear();
        blobs = depot.blobs("bench");
        write("read.bin");
        conn = PgJdbcBench.connect();
        try (Statement s = conn.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + ANCHOR);
            s.execute("CREATE TABLE " + ANCHOR + " (id BIGINT NOT NULL, n INTEGER NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (id, n))");
            s.execute("ALTER TABLE " + ANCHOR + " ALTER COLUMN data SET STORAGE EXTERNAL");
        }
        insert = conn.prepareStatement("INSERT INTO " + ANCHOR + " (id, n, data) VALUES (?, ?, ?)");
        select = conn.prepareStatement("SELECT data FROM " + ANCHOR + " WHERE id = ? AND n = ?");
        deleteContent = conn.prepareStatement("DELETE FROM " + ANCHOR + " WHERE id = ?");
        jdbcWrite(); // content id 2: what jdbcRead reads
    }

    @TearDown
    public void tearDown() throws SQLException {
        depot.clear();
        depot.close();
        dev.depot.jdbc.JdbcDepots.drop(DepotPgBench.URL.substring(0, DepotPgBench.URL.indexOf('?')) + "?tablePrefix=benchblob_");
        try (Statement s = conn.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + ANCHOR);
        }
        conn.close();
    }

    private BlobInfo write(String path) throws IOException {
        BlobOutputStream out = blobs.write(path);
        for (int i = 0; i < mib; i++) {
            out.write(chunk);
        }
        out.close();
        return out.published();
    }

    @Benchmark
    public BlobInfo depotWrite() throws IOException {
        return write("write.bin");
    }

    @Benchmark
    public long depotRead() throws IOException {
        long sum = 0;
        try (InputStream in = blobs.read("read.bin")) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sum += n + buffer[0];
            }
        }
        return sum;
    }

    @Benchmark
    public long jdbcWrite() throws SQLException {
        long id = ++anchorId;
        for (int n = 0; n < mib; n++) {
            insert.setLong(1, id);
            insert.setInt(2, n);
            insert.setBytes(3, chunk);
            insert.executeUpdate();
        }
        if (id > 2) { // keep content 2 for jdbcRead; drop the one this write replaced
            deleteContent.setLong(1, id - 1 == 2 ? -1 : id - 1);
            deleteContent.executeUpdate();
        }
        return id;
    }

    @Benchmark
    public long jdbcRead() throws SQLException {
        long sum = 0;
        for (int n = 0; n < mib; n++) {
            select.setLong(1, 2);
            select.setInt(2, n);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                byte[] data = rs.getBytes(1);
                for (int at = 0; at < data.length; at += buffer.length) { // the same copy into a 64 KiB buffer as the stream does
                    int len = Math.min(buffer.length, data.length - at);
                    System.arraycopy(data, at, buffer, 0, len);
                    sum += len + buffer[0];
                }
            }
        }
        return sum;
    }
}
