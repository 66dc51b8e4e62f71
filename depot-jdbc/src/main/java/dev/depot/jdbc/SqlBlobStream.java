package dev.depot.jdbc;

import dev.depot.BlobInfo;
import dev.depot.spi.BlobRangeStream;
import dev.depot.spi.BlobRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A ranged read of one SQL blob, one chunk row at a time (the heap holds one chunk). Opening reads
 * the row and the range's first chunk in one statement; a range inside that chunk is then served
 * without the database. A longer range continues in a snapshot transaction on a connection of its
 * own, held until the range is read to its end or the stream is closed (or, for a stream dropped
 * unclosed, until a cleaner finds it unreachable): the snapshot keeps the opened content readable
 * even if the blob is replaced or deleted meanwhile.
 */
final class SqlBlobStream extends BlobRangeStream {
    private static final Cleaner CLEANER = Cleaner.create();

    private final SqlBlobStore store;
    private final String where;
    private final long id;
    private final Snapshot snapshot;
    private final Cleaner.Cleanable cleanable;
    private byte[] chunk;
    private long chunkNo;

    private SqlBlobStream(SqlBlobStore store, String where, BlobRow row, long offset, long length, byte[] chunk, long chunkNo,
            Snapshot snapshot) {
        super(row.info().size(), offset, length);
        this.store = store;
        this.where = where;
        this.id = row.id();
        this.chunk = chunk;
        this.chunkNo = chunk == null ? -1 : chunkNo;
        this.snapshot = snapshot;
        this.cleanable = snapshot == null ? null : CLEANER.register(this, snapshot);
        if (pos >= end) {
            release();
        }
    }

    /** The connection of a stream's snapshot; the cleaning action, so it must not reach the stream. */
    private static final class Snapshot implements Runnable {
        private final Dialect d;
        private Connection c;
        private PreparedStatement chunks;

        Snapshot(Dialect d, Connection c) {
            this.d = d;
            this.c = c;
        }

        synchronized Connection connection() {
            return c;
        }

        /** The chunk query, prepared once per stream (so PostgreSQL switches it to binary transfer); null once released. */
        synchronized PreparedStatement chunkQuery(String sql) throws SQLException {
            if (c != null && chunks == null) {
                chunks = c.prepareStatement(sql);
            }
            return chunks;
        }

        @Override
        public synchronized void run() {
            if (c == null) {
                return;
            }
            try (Connection closing = c) {
                c = null;
                if (chunks != null) {
                    chunks.close();
                }
                d.rollback(closing);
                d.endSnapshot(closing);
            } catch (SQLException e) {
                // a broken connection: the pool discards it
            }
        }
    }

    private record Opened(BlobRow row, byte[] data) {}

    static Optional<InputStream> open(SqlBlobStore store, String bucket, String path, long offset, long length) {
        String where = BlobRules.where(bucket, path);
        int first = (int) Math.min(offset / BlobTables.CHUNK, Integer.MAX_VALUE);
        Opened o = store.backend.read("reading blob " + where, c -> withChunk(store, c, bucket, path, first));
        if (o == null) {
            return Optional.empty();
        }
        long size = o.row().info().size();
        long start = Math.min(offset, size);
        long last = length >= size - start ? size - 1 : start + length - 1; // last byte of the range
        if (last < start || (o.data() != null && last / BlobTables.CHUNK == first)) {
            return Optional.of(new SqlBlobStream(store, where, o.row(), offset, length, o.data(), first, null));
        }
        Connection c = null;
        try {
            c = store.backend.connection();
            store.d.beginSnapshot(c);
            Snapshot snapshot = new Snapshot(store.d, c);
            c = null;
            try {
                BlobRow row = blobRow(store, snapshot.connection(), bucket, path);
                if (row == null) {
                    snapshot.run();
                    return Optional.empty(); // deleted just now: the read happens at the snapshot
                }
                byte[] data = row.id().equals(o.row().id()) ? o.data() : null; // content ids never change their chunks
                return Optional.of(new SqlBlobStream(store, where, row, offset, length, data, first, snapshot));
            } catch (SQLException | RuntimeException e) {
                snapshot.run();
                throw e;
            }
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the pool discards it
                }
            }
            throw store.backend.failures.map(e, "reading blob " + where);
        }
    }

    /** The blob row and chunk {@code n} of its content (null if it has none there), in one statement; null if no blob. */
    private static Opened withChunk(SqlBlobStore store, Connection c, String bucket, String path, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(store.selectRowWithChunk)) {
            ps.setInt(1, n);
            ps.setString(2, bucket);
            ps.setBytes(3, BlobRow.bytes(path));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                BlobRow row = BlobRow.read(rs, 1);
                return row.isBlob() ? new Opened(row, rs.getBytes(9)) : null;
            }
        }
    }

    private static BlobRow blobRow(SqlBlobStore store, Connection c, String bucket, String path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(store.selectRow)) {
            ps.setString(1, bucket);
            ps.setBytes(2, BlobRow.bytes(path));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                BlobRow row = BlobRow.read(rs, 1);
                return row.isBlob() ? row : null;
            }
        }
    }

    /** Makes the chunk holding {@link #pos} current. */
    private void load() throws IOException {
        long k = pos / BlobTables.CHUNK;
        if (k == chunkNo) {
            return;
        }
        try {
            PreparedStatement ps = snapshot == null ? null : snapshot.chunkQuery(store.selectChunk);
            if (ps == null) {
                throw new IOException("the read stream of " + where + " is closed");
            }
            ps.setLong(1, id);
            ps.setInt(2, (int) k);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IOException("chunk " + k + " of " + where + " is missing");
                }
                chunk = rs.getBytes(1);
                chunkNo = k;
            }
        } catch (SQLException e) {
            release();
            throw new IOException("reading " + where, store.backend.failures.map(e, "reading blob " + where));
        }
    }

    @Override
    protected int fill(byte[] b, int off, int n) throws IOException {
        load();
        int within = (int) (pos % BlobTables.CHUNK);
        int step = Math.min(n, chunk.length - within);
        if (step <= 0) {
            throw new IOException("chunk " + chunkNo + " of " + where + " is shorter than the blob's size says");
        }
        System.arraycopy(chunk, within, b, off, step);
        advance(step);
        return step;
    }

    private void advance(int step) {
        pos += step;
        if (pos >= end) {
            release(); // read to the end: the connection goes back now, closed or not
        }
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        long total = 0;
        while (pos < end) {
            load();
            int within = (int) (pos % BlobTables.CHUNK);
            int step = (int) Math.min(end - pos, chunk.length - within);
            if (step <= 0) {
                throw new IOException("chunk " + chunkNo + " of " + where + " is shorter than the blob's size says");
            }
            out.write(chunk, within, step); // straight from the chunk, no intermediate buffer
            advance(step);
            total += step;
        }
        return total;
    }

    private void release() {
        chunk = pos >= end ? null : chunk;
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    @Override
    public void close() {
        chunk = null;
        chunkNo = -1;
        if (cleanable != null) {
            cleanable.clean();
        }
    }
}
