package dev.depot.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes blob content nothing will publish: uploads whose lease ran out (their writer died or
 * stalled), aborted ones, and content marked garbage by a replace, delete or clear. Every deletion
 * claims the upload's row first (marks it {@link SqlBlobStore#GARBAGE}), then deletes chunks in
 * short batches and the row last, so it races safely with a writer and is finished by the next sweep
 * if cut short. Thread-safe; used by {@link SqlBlobStore}.
 */
final class BlobSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(BlobSweeper.class);

    private final JdbcBackend backend;
    private final BlobTables t;
    private final LongSupplier clock;
    private final String claimUpload;

    /** {@code clock}: epoch microseconds of the depot clock, which upload leases use. */
    BlobSweeper(JdbcBackend backend, BlobTables t, LongSupplier clock) {
        this.backend = backend;
        this.t = t;
        this.clock = clock;
        this.claimUpload = "UPDATE " + t.uploads + " SET expires = " + SqlBlobStore.GARBAGE + " WHERE id = ? AND expires < ?";
    }

    /**
     * Deletes garbage content and the chunks of uploads whose lease ran out (their writer died or
     * stalled past {@link SqlBlobStore#LEASE}). An upload is first claimed, its row marked {@link SqlBlobStore#GARBAGE} in one
     * statement, so a writer renewing or publishing at the same moment either wins the row or finds it
     * claimed, never half; then its chunks go in batches and its row last, so a sweep cut short is
     * finished by the next. Returns how many were reclaimed. Failures are logged, not thrown: a sweep
     * is housekeeping.
     */
    int sweep() {
        long now = clock.getAsLong();
        int swept = 0;
        try {
            List<Long> expired = backend.read("finding abandoned blob uploads", c -> {
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + t.uploads + " WHERE expires < ? ORDER BY expires LIMIT 1000")) {
                    ps.setLong(1, now);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
                return ids;
            });
            for (long id : expired) {
                if (reclaim(id, now)) {
                    swept++;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not sweep abandoned blob uploads: {}", e.getMessage());
        }
        return swept;
    }

    /**
     * Claims upload {@code id} if its {@code expires} is below {@code before} (any live upload's is,
     * with {@code Long.MAX_VALUE}), then deletes its chunks in batches of {@link SqlBlobStore#BATCH} and its row.
     * False if it was not there to claim (published, renewed or reclaimed meanwhile).
     */
    boolean reclaim(long id, long before) {
        return backend.read("deleting unreferenced blob content", c -> {
            try (PreparedStatement ps = c.prepareStatement(claimUpload)) {
                ps.setLong(1, id);
                ps.setLong(2, before);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            int last;
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(n) FROM " + t.chunks + " WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    last = rs.next() ? rs.getInt(1) : -1;
                    last = rs.wasNull() ? -1 : last;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.chunks + " WHERE id = ? AND n >= ? AND n < ?")) {
                for (int from = 0; from <= last; from += SqlBlobStore.BATCH) {
                    ps.setLong(1, id);
                    ps.setInt(2, from);
                    ps.setInt(3, from + SqlBlobStore.BATCH);
                    ps.executeUpdate(); // auto-commit: one short transaction per batch
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.uploads + " WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return true;
        });
    }
}
