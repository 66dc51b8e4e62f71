package dev.depot.jdbc;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BucketStats;
import dev.depot.spi.BlobPaths;
import dev.depot.spi.BlobPublished;
import dev.depot.spi.BlobRules;
import dev.depot.spi.BlobStore;
import dev.depot.spi.BlobUpload;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs in SQL tables ({@link BlobTables}): content as chunk rows streamed in both directions, never
 * a whole blob in the heap. An upload inserts its chunks as they fill, each with its lease renewed in
 * the same short transaction; publishing is one short transaction that locks the bucket's row, checks
 * the path and the precondition, points the path's row at the new content id and deletes the replaced
 * content. Readers see a row's content id or the next one, never a mix: content ids are never reused
 * and their chunks never change. A read of more than one chunk keeps a snapshot transaction open on
 * its own connection until it ends or closes, so it keeps reading its content even if the blob is
 * replaced or deleted meanwhile. Thread-safe.
 */
final class SqlBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqlBlobStore.class);
    /** How long an upload without a new chunk stays alive before a sweep may take it for abandoned. */
    static final Duration LEASE = Duration.ofHours(1);
    /** Sweeps run at open and then, piggybacked on a new upload, at most this often per depot. */
    private static final long SWEEP_EVERY_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int ATTEMPTS = 5;
    /**
     * Chunks deleted per transaction. Content of at most this many chunks goes in the transaction that
     * drops its last reference; bigger content is marked garbage there and deleted in batches right
     * after, so no transaction holds the undo of a whole large blob (H2 keeps it in the heap).
     */
    static final int BATCH = 4;
    /** {@code expires} of an uploads row whose content is garbage being deleted (no writer may renew or publish it). */
    static final long GARBAGE = -1;

    final JdbcBackend backend;
    final BlobTables t;
    final Dialect d;
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());
    private final BlobSweeper sweeper;

    final String selectRow;
    final String selectRowWithChunk;
    final String selectChunk;
    final String insertChunk;
    final String insertUpload;
    final String renewUpload;
    final String deleteUpload;
    final String markGarbage;
    private final String lockBucket;
    private final String insertBucket;
    private final String countBucket;
    private final String insertRow;
    private final String updateRow;
    private final String deleteRow;
    private final String selectReferenced;

    SqlBlobStore(JdbcBackend backend, String prefix) {
        this.backend = backend;
        this.d = backend.dialect;
        this.t = new BlobTables(prefix);
        this.sweeper = new BlobSweeper(backend, t, this::nowMicros);
        this.selectRow = "SELECT " + BlobRow.COLUMNS + " FROM " + t.blobs + " WHERE bucket = ? AND path = ?";
        this.selectRowWithChunk = "SELECT b.path, b.id, b.size, b.etag, b.ctype, b.meta, b.created, b.modified, c.data FROM "
                + t.blobs + " b LEFT JOIN " + t.chunks + " c ON c.id = b.id AND c.n = ? WHERE b.bucket = ? AND b.path = ?";
        this.selectChunk = "SELECT data FROM " + t.chunks + " WHERE id = ? AND n = ?";
        this.selectReferenced = "SELECT 1 FROM " + t.blobs + " WHERE id = ?";
        this.insertChunk = "INSERT INTO " + t.chunks + " (id, n, data) VALUES (?, ?, ?)";
        this.insertUpload = "INSERT INTO " + t.uploads + " (id, expires) VALUES (?, ?)";
        this.renewUpload = "UPDATE " + t.uploads + " SET expires = ? WHERE id = ? AND expires >= 0";
        this.deleteUpload = "DELETE FROM " + t.uploads + " WHERE id = ? AND expires >= 0";
        this.markGarbage = "INSERT INTO " + t.uploads + " (id, expires) VALUES (?, " + GARBAGE + ")";
        this.lockBucket = "SELECT blobs FROM " + t.buckets + " WHERE bucket = ?" + d.forUpdate();
        this.insertBucket = "INSERT INTO " + t.buckets + " (bucket, blobs, bytes) VALUES (?, 0, 0)";
        this.countBucket = "UPDATE " + t.buckets + " SET blobs = blobs + ?, bytes = bytes + ? WHERE bucket = ?";
        this.insertRow = "INSERT INTO " + t.blobs + " (bucket, path, id, size, etag, ctype, meta, created, modified)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        this.updateRow = "UPDATE " + t.blobs + " SET id = ?, size = ?, etag = ?, ctype = ?, meta = ?, created = ?, modified = ?"
                + " WHERE bucket = ? AND path = ?";
        this.deleteRow = "DELETE FROM " + t.blobs + " WHERE bucket = ? AND path = ?";
    }

    /** Epoch microseconds of the depot clock. */
    long nowMicros() {
        return EpochMicros.of(backend.options.clock().instant().truncatedTo(ChronoUnit.MICROS));
    }

    /** A fresh content id: random, so processes need not coordinate; the uploads' primary key catches a repeat. */
    static long newId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    // ---- reads ----

    @Override
    public Optional<BlobInfo> stat(String bucket, String path) {
        return backend.read("reading blob " + BlobRules.where(bucket, path), c -> {
            BlobRow row = row(c, bucket, path);
            return row == null || !row.isBlob() ? Optional.empty() : Optional.of(row.info());
        });
    }

    private BlobRow row(Connection c, String bucket, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(selectRow)) {
            ps.setString(1, bucket);
            ps.setBytes(2, BlobRow.bytes(key));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? BlobRow.read(rs, 1) : null;
            }
        }
    }

    @Override
    public Optional<InputStream> open(String bucket, String path, long offset, long length) {
        return SqlBlobStream.open(this, bucket, path, offset, length);
    }

    @Override
    public List<BlobEntry> list(String bucket, String prefix, String start, boolean inclusive, int limit) {
        boolean fromPrefix = start == null || dev.depot.spi.CodePoints.compare(start, prefix) < 0;
        String upper = prefix.isEmpty() ? null : dev.depot.spi.CodePoints.prefixUpperBound(prefix);
        String sql = "SELECT " + BlobRow.COLUMNS + " FROM " + t.blobs + " WHERE bucket = ? AND path "
                + (fromPrefix || inclusive ? ">=" : ">") + " ?" + (upper == null ? "" : " AND path < ?") + " ORDER BY path LIMIT ?";
        return backend.read("listing bucket '" + bucket + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, bucket);
                ps.setBytes(i++, BlobRow.bytes(fromPrefix ? prefix : start));
                if (upper != null) {
                    ps.setBytes(i++, BlobRow.bytes(upper));
                }
                ps.setInt(i, limit);
                List<BlobEntry> out = new ArrayList<>(Math.min(limit, 1024));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        BlobRow row = BlobRow.read(rs, 1);
                        out.add(row.isBlob() ? BlobEntry.of(row.info()) : BlobEntry.directory(row.key()));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public Map<String, BucketStats> stats() {
        return backend.read("reading blob statistics", this::stats);
    }

    /** Blob count and bytes of every bucket holding blobs, on a connection the caller has. */
    Map<String, BucketStats> stats(Connection c) throws SQLException {
        Map<String, BucketStats> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT bucket, blobs, bytes FROM " + t.buckets + " WHERE blobs > 0");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new BucketStats(rs.getLong(2), rs.getLong(3)));
            }
        }
        return out;
    }

    // ---- writes ----

    @Override
    public BlobUpload begin(String bucket, String path) {
        long last = lastSweep.get();
        if (System.nanoTime() - last > SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, System.nanoTime())) {
            sweep();
        }
        return new SqlBlobUpload(this, bucket, path);
    }

    /**
     * Publishes content {@code id} (its chunks already stored, or {@code firstChunk} to store now) at
     * {@code path}, inside {@link #inBucket}: checks the path and the precondition, creates missing
     * parent directories, points the row at {@code id} and releases the replaced content.
     */
    BlobPublished install(Connection c, Garbage later, String bucket, String path, long id, byte[] firstChunk, int firstLength,
            dev.depot.spi.BlobPublish p) throws SQLException {
        Map<String, BlobRow> found = rows(c, bucket, targetKeys(path, null));
        checkBlobTarget(found, bucket, path);
        BlobRow current = blob(found, path);
        BlobRules.checkPrecondition(bucket, path, p.options(), current == null ? null : current.info());
        if (firstLength > 0) {
            try (PreparedStatement ps = c.prepareStatement(insertChunk)) {
                ps.setLong(1, id);
                ps.setInt(2, 0);
                ps.setBytes(3, firstLength == firstChunk.length ? firstChunk : java.util.Arrays.copyOf(firstChunk, firstLength));
                ps.executeUpdate();
            }
        }
        BlobInfo info = new BlobInfo(path, p.size(), p.etag(), p.options().contentType(), p.options().metadata(),
                current == null ? p.now() : current.info().created(), p.now());
        place(c, later, bucket, found, info, id, current);
        return new BlobPublished(info, current != null);
    }

    @Override
    public boolean delete(String bucket, String path, String ifMatch) {
        return inBucket(bucket, "deleting blob " + BlobRules.where(bucket, path), (c, later) -> {
            BlobRow row = row(c, bucket, path);
            if (row == null || !row.isBlob()) {
                return false;
            }
            if (ifMatch != null) {
                // Read after the bucket's row lock, which every publish takes first: nothing changes it until commit.
                BlobRules.checkIfMatch(bucket, path, ifMatch, row.info());
            }
            removeRow(c, bucket, path);
            release(c, later, row);
            count(c, bucket, -1, -row.info().size());
            return true;
        });
    }

    @Override
    public Optional<BlobInfo> copy(String bucket, String from, String to, Instant now) {
        return inBucket(bucket, "copying blob " + BlobRules.where(bucket, from), (c, later) -> {
            Map<String, BlobRow> found = rows(c, bucket, targetKeys(to, from));
            BlobRow source = blob(found, from);
            if (source == null) {
                return Optional.empty();
            }
            checkBlobTarget(found, bucket, to);
            BlobRow replaced = blob(found, to);
            BlobInfo s = source.info();
            BlobInfo info = new BlobInfo(to, s.size(), s.etag(), s.contentType(), s.metadata(),
                    replaced == null ? now : replaced.info().created(), now);
            place(c, later, bucket, found, info, source.id(), replaced); // shares the content: no bytes move
            return Optional.of(info);
        });
    }

    @Override
    public Optional<BlobInfo> move(String bucket, String from, String to) {
        return inBucket(bucket, "moving blob " + BlobRules.where(bucket, from), (c, later) -> {
            Map<String, BlobRow> found = rows(c, bucket, targetKeys(to, from));
            BlobRow source = blob(found, from);
            if (source == null) {
                return Optional.empty();
            }
            checkBlobTarget(found, bucket, to);
            BlobRow replaced = blob(found, to);
            BlobInfo info = source.info().withPath(to);
            removeRow(c, bucket, from);
            count(c, bucket, -1, -info.size());
            place(c, later, bucket, found, info, source.id(), replaced);
            return Optional.of(info);
        });
    }

    @Override
    public void mkdir(String bucket, String path) {
        inBucket(bucket, "making directory " + BlobRules.where(bucket, path), (c, later) -> {
            Map<String, BlobRow> found = rows(c, bucket, targetKeys(path, null));
            for (String a : BlobPaths.ancestors(path)) {
                if (blob(found, a) != null) {
                    throw BlobRules.notADirectory(bucket, a);
                }
            }
            if (blob(found, path) != null) {
                throw BlobRules.notADirectory(bucket, path);
            }
            List<String> missing = new ArrayList<>();
            for (String a : BlobPaths.ancestors(path)) {
                missing.add(BlobPaths.directoryKey(a));
            }
            missing.add(BlobPaths.directoryKey(path));
            insertDirectories(c, bucket, found, missing);
            return null;
        });
    }

    @Override
    public boolean rmdir(String bucket, String path) {
        String key = BlobPaths.directoryKey(path);
        return inBucket(bucket, "removing directory " + BlobRules.where(bucket, path), (c, later) -> {
            List<String> keys = new ArrayList<>(2);
            try (PreparedStatement ps = c.prepareStatement("SELECT path FROM " + t.blobs
                    + " WHERE bucket = ? AND path >= ? AND path < ? ORDER BY path LIMIT 2")) {
                ps.setString(1, bucket);
                ps.setBytes(2, BlobRow.bytes(key));
                ps.setBytes(3, BlobRow.bytes(dev.depot.spi.CodePoints.prefixUpperBound(key)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(BlobRow.text(rs.getBytes(1)));
                    }
                }
            }
            if (keys.isEmpty() || !keys.get(0).equals(key)) {
                return false;
            }
            if (keys.size() > 1) {
                throw BlobRules.notEmpty(bucket, path);
            }
            removeRow(c, bucket, key);
            return true;
        });
    }

    @Override
    public void clear() {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = backend.connection()) {
                transact(c, () -> {
                    clearAll(c);
                    return null;
                });
                break;
            } catch (SQLException e) {
                if (!retryable(e, attempt)) {
                    throw backend.failures.map(e, "clearing blobs");
                }
            }
        }
        sweep(); // deletes the content just marked garbage, in batches
    }

    /**
     * In the caller's data transaction (the depot's clear, so records, feed, queues and blobs go
     * together or not at all): every blob goes, its content marked garbage for {@link #sweep} to delete
     * in batches once the transaction committed.
     */
    void clearAll(Connection c) throws SQLException {
        // Every bucket's row first, in one order: no publish is half-way through while rows go.
        try (PreparedStatement ps = c.prepareStatement("SELECT bucket FROM " + t.buckets + " ORDER BY bucket" + d.forUpdate());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // locked
            }
        }
        Dialect.execute(c, "INSERT INTO " + t.uploads + " (id, expires) SELECT DISTINCT id, " + GARBAGE + " FROM "
                + t.blobs + " WHERE id IS NOT NULL");
        Dialect.execute(c, "DELETE FROM " + t.blobs);
        Dialect.execute(c, "UPDATE " + t.buckets + " SET blobs = 0, bytes = 0");
    }

    // ---- abandoned uploads ----

    /** See {@link BlobSweeper#sweep}. */
    int sweep() {
        return sweeper.sweep();
    }

    /** See {@link BlobSweeper#reclaim}. */
    boolean reclaim(long id, long before) {
        return sweeper.reclaim(id, before);
    }

    /** Content ids marked garbage by a transaction, to delete in batches once it committed. */
    static final class Garbage {
        private final List<Long> ids = new ArrayList<>();

        void add(long id) {
            ids.add(id);
        }
    }

    /** Work inside a bucket's transaction; content it marks garbage is deleted after the commit. */
    @FunctionalInterface
    interface BucketWork<T> {
        T run(Connection c, Garbage later) throws SQLException;
    }

    // ---- transactions ----

    /**
     * Runs {@code work} in a write transaction that first locks the bucket's row (creating it if
     * new), so changes of one bucket are serialised. Runtime exceptions of the work (a precondition,
     * a path conflict) roll back and pass through; a lost race of the database is retried from scratch.
     * Once it committed, the change has happened: content it replaced is deleted then, and a failure of
     * that deletion is the sweep's to finish, never the caller's (a retried move would find nothing).
     */
    <T> T inBucket(String bucket, String what, BucketWork<T> work) {
        Garbage[] later = new Garbage[1];
        T result = transact(what, c -> {
            later[0] = new Garbage(); // afresh per attempt
            lock(c, bucket);
            return work.run(c, later[0]);
        });
        for (long id : later[0].ids) {
            try {
                reclaim(id, 0); // garbage (-1) is below 0
            } catch (RuntimeException e) {
                LOG.debug("deleting replaced blob content failed after the commit; the sweep deletes it", e);
            }
        }
        return result;
    }

    /** Runs {@code work} in a write transaction, retrying a database conflict from scratch. */
    <T> T transact(String what, SqlWork<Connection, T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = backend.connection()) {
                return transact(c, () -> work.run(c));
            } catch (SQLException e) {
                if (!retryable(e, attempt)) {
                    throw backend.failures.map(e, what);
                }
            }
        }
    }

    private interface Body<T> {
        T run() throws SQLException;
    }

    private <T> T transact(Connection c, Body<T> body) throws SQLException {
        d.beginWrite(c);
        boolean ended = false;
        try {
            T result = body.run();
            d.commit(c);
            ended = true;
            return result;
        } finally {
            if (!ended) {
                try {
                    d.rollback(c);
                } catch (SQLException e) {
                    // a broken connection: the database rolls back, the pool discards it
                }
            }
            try {
                d.endWrite(c);
            } catch (SQLException e) {
                // as above
            }
        }
    }

    private boolean retryable(SQLException e, int attempt) {
        Dialect.Failure f = d.classify(e);
        return attempt < ATTEMPTS && (f == Dialect.Failure.CONFLICT || f == Dialect.Failure.UNIQUE);
    }

    private void lock(Connection c, String bucket) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockBucket)) {
            ps.setString(1, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        // A new bucket: the inserted row is locked until commit; a racing inserter fails unique and retries.
        try (PreparedStatement ps = c.prepareStatement(insertBucket)) {
            ps.setString(1, bucket);
            ps.executeUpdate();
        }
    }

    // ---- rows, under the bucket's lock ----

    /** Keys a write to {@code path} must look at: ancestors (blobs in the way), their directory rows, the path, its directory row. */
    private static List<String> targetKeys(String path, String source) {
        Set<String> keys = new LinkedHashSet<>();
        for (String a : BlobPaths.ancestors(path)) {
            keys.add(a);
            keys.add(BlobPaths.directoryKey(a));
        }
        keys.add(path);
        keys.add(BlobPaths.directoryKey(path));
        if (source != null) {
            keys.add(source);
        }
        return new ArrayList<>(keys);
    }

    /** The rows at {@code keys} that exist, by key; IN lists are padded to powers of two so few statement texts exist. */
    private Map<String, BlobRow> rows(Connection c, String bucket, List<String> keys) throws SQLException {
        int size = Integer.highestOneBit(Math.max(1, keys.size() - 1)) << 1;
        String sql = "SELECT " + BlobRow.COLUMNS + " FROM " + t.blobs + " WHERE bucket = ? AND path IN ("
                + "?, ".repeat(size - 1) + "?)";
        Map<String, BlobRow> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, bucket);
            for (int i = 0; i < size; i++) {
                ps.setBytes(i + 2, BlobRow.bytes(keys.get(Math.min(i, keys.size() - 1))));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BlobRow row = BlobRow.read(rs, 1);
                    out.put(row.key(), row);
                }
            }
        }
        return out;
    }

    private static BlobRow blob(Map<String, BlobRow> found, String path) {
        BlobRow row = found.get(path);
        return row != null && row.isBlob() ? row : null;
    }

    /** A blob may go at {@code path}: no ancestor is a blob and the path is no directory. */
    private static void checkBlobTarget(Map<String, BlobRow> found, String bucket, String path) {
        for (String a : BlobPaths.ancestors(path)) {
            if (blob(found, a) != null) {
                throw BlobRules.notADirectory(bucket, a);
            }
        }
        if (found.containsKey(BlobPaths.directoryKey(path))) {
            throw BlobRules.isADirectory(bucket, path);
        }
    }

    /** Writes the blob row of {@code info} with content {@code id} in place of {@code replaced}, with its parent directories. */
    private void place(Connection c, Garbage later, String bucket, Map<String, BlobRow> found, BlobInfo info, long id, BlobRow replaced)
            throws SQLException {
        List<String> dirs = new ArrayList<>();
        for (String a : BlobPaths.ancestors(info.path())) {
            dirs.add(BlobPaths.directoryKey(a));
        }
        insertDirectories(c, bucket, found, dirs);
        if (replaced == null) {
            try (PreparedStatement ps = c.prepareStatement(insertRow)) {
                ps.setString(1, bucket);
                ps.setBytes(2, BlobRow.bytes(info.path()));
                BlobRow.bindContent(ps, 3, id, info);
                ps.executeUpdate();
            }
            count(c, bucket, 1, info.size());
        } else {
            try (PreparedStatement ps = c.prepareStatement(updateRow)) {
                BlobRow.bindContent(ps, 1, id, info);
                ps.setString(8, bucket);
                ps.setBytes(9, BlobRow.bytes(info.path()));
                ps.executeUpdate();
            }
            count(c, bucket, 0, info.size() - replaced.info().size());
            if (replaced.id() != id) {
                release(c, later, replaced);
            }
        }
    }

    private void insertDirectories(Connection c, String bucket, Map<String, BlobRow> found, List<String> keys) throws SQLException {
        List<String> missing = keys.stream().filter(k -> !found.containsKey(k)).toList();
        if (missing.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.blobs + " (bucket, path) VALUES (?, ?)")) {
            for (String k : missing) {
                ps.setString(1, bucket);
                ps.setBytes(2, BlobRow.bytes(k));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void removeRow(Connection c, String bucket, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(deleteRow)) {
            ps.setString(1, bucket);
            ps.setBytes(2, BlobRow.bytes(key));
            ps.executeUpdate();
        }
    }

    /**
     * Drops content no blob row names any more (copies share it; they live in the same bucket, whose
     * row lock the caller holds): small content at once, bigger content marked garbage for {@code later}.
     */
    private void release(Connection c, Garbage later, BlobRow row) throws SQLException {
        long id = row.id();
        try (PreparedStatement ps = c.prepareStatement(selectReferenced)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        if (row.info().size() <= (long) BATCH * BlobTables.CHUNK) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.chunks + " WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement(markGarbage)) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            later.add(id);
        }
    }

    private void count(Connection c, String bucket, long blobs, long bytes) throws SQLException {
        if (blobs == 0 && bytes == 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(countBucket)) {
            ps.setLong(1, blobs);
            ps.setLong(2, bytes);
            ps.setString(3, bucket);
            ps.executeUpdate();
        }
    }
}
