package dev.depot.jdbc;

import dev.depot.BlobInfo;
import dev.depot.spi.BlobPublish;
import dev.depot.spi.BlobPublished;
import dev.depot.spi.BlobRules;
import dev.depot.spi.BlobUpload;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.util.Arrays;

/**
 * One SQL blob being written. Bytes gather in one chunk buffer (grown by doubling up to {@link
 * BlobTables#CHUNK}, so a small blob holds a small array); each full chunk goes to the database at
 * once, in a transaction that also renews the upload's lease (the first one registers the upload),
 * so the heap never holds more than one chunk and no chunk row exists without its upload or blob row.
 * A blob of at most one chunk never registers: its publish stores the chunk and the row in one
 * transaction. {@link #abort} deletes chunks and registration in one transaction, from any thread.
 */
final class SqlBlobUpload implements BlobUpload {
    private static final int FIRST = 1024;

    private final SqlBlobStore store;
    private final String bucket;
    private final String path;
    private long id;
    private boolean registered;
    private int chunks;
    private byte[] buffer;
    private int used;
    private volatile boolean ended;

    SqlBlobUpload(SqlBlobStore store, String bucket, String path) {
        this.store = store;
        this.bucket = bucket;
        this.path = path;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (ended) {
            throw new IllegalStateException("upload already ended");
        }
        while (length > 0) {
            if (buffer == null || used == buffer.length) {
                if (buffer != null && buffer.length == BlobTables.CHUNK) {
                    flushChunk();
                } else {
                    grow(length);
                }
            }
            int n = Math.min(length, buffer.length - used);
            System.arraycopy(bytes, offset, buffer, used, n);
            used += n;
            offset += n;
            length -= n;
        }
    }

    private void grow(int wanted) {
        int size = buffer == null ? Math.min(BlobTables.CHUNK, Math.max(FIRST, wanted))
                : (int) Math.min(BlobTables.CHUNK, Math.max(2L * buffer.length, used + (long) wanted));
        buffer = buffer == null ? new byte[size] : Arrays.copyOf(buffer, size);
    }

    /** {@link #storeChunk} for the stream: its failure as the IOException an OutputStream's write throws. */
    private void flushChunk() throws IOException {
        try {
            storeChunk();
        } catch (RuntimeException e) {
            throw new IOException("could not store a chunk of " + BlobRules.where(bucket, path) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores the buffer as the next chunk, registering the upload first or renewing its lease, in one
     * transaction. Fails with the store's own exception ({@code BackendUnavailableException} when the
     * database is gone), which {@link #publish} passes on as it is: publishing is no stream write.
     */
    private void storeChunk() {
        int n = chunks;
        byte[] data = used == buffer.length ? buffer : Arrays.copyOf(buffer, used);
        store.transact("writing blob " + BlobRules.where(bucket, path), c -> {
            long expires = store.nowMicros() + SqlBlobStore.LEASE.toNanos() / 1000;
            if (!registered) {
                id = SqlBlobStore.newId(); // per attempt: a repeated id fails the primary key and runs again
                try (PreparedStatement ps = c.prepareStatement(store.insertUpload)) {
                    ps.setLong(1, id);
                    ps.setLong(2, expires);
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement(store.renewUpload)) {
                    ps.setLong(1, expires);
                    ps.setLong(2, id);
                    if (ps.executeUpdate() == 0) {
                        throw new IllegalStateException("the upload's lease ran out and a sweep took it for abandoned");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(store.insertChunk)) {
                ps.setLong(1, id);
                ps.setInt(2, n);
                ps.setBytes(3, data);
                ps.executeUpdate();
            }
            return null;
        });
        registered = true;
        chunks++;
        used = 0;
    }

    @Override
    public BlobPublished publish(BlobPublish publish) {
        if (ended) {
            throw new IllegalStateException("upload already ended");
        }
        try {
            BlobPublished info;
            if (!registered) {
                byte[] data = buffer;
                int length = used;
                info = store.inBucket(bucket, "publishing blob " + BlobRules.where(bucket, path),
                        (c, later) -> store.install(c, later, bucket, path, SqlBlobStore.newId(), data, length, publish));
            } else {
                if (used > 0) {
                    storeChunk();
                }
                info = store.inBucket(bucket, "publishing blob " + BlobRules.where(bucket, path), (c, later) -> {
                    try (PreparedStatement ps = c.prepareStatement(store.deleteUpload)) {
                        ps.setLong(1, id);
                        if (ps.executeUpdate() == 0) {
                            throw new IllegalStateException("cannot publish " + BlobRules.where(bucket, path)
                                    + ": the upload's lease ran out (no chunk for " + SqlBlobStore.LEASE
                                    + ") and a sweep took it for abandoned; nothing was published");
                        }
                    }
                    return store.install(c, later, bucket, path, id, null, 0, publish);
                });
                registered = false; // published: its chunks are the blob's now
            }
            return info;
        } finally {
            abort();
        }
    }

    @Override
    public void abort() {
        if (ended) {
            return;
        }
        ended = true;
        buffer = null;
        if (registered) {
            registered = false;
            try {
                store.reclaim(id, Long.MAX_VALUE);
            } catch (RuntimeException e) {
                // Never throws (SPI); the lease runs out and a sweep deletes the rows.
            }
        }
    }
}
