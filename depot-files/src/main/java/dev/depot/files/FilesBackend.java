package dev.depot.files;

import dev.depot.Capabilities;
import dev.depot.Capability;
import dev.depot.ChangeEvent;
import dev.depot.DepotStats;
import dev.depot.Health;
import dev.depot.spi.Backend;
import dev.depot.spi.BlobStore;
import dev.depot.spi.ChangeLog;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.DepotUrl;
import dev.depot.spi.Reindexer;
import dev.depot.spi.Session;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@code file:} backend: blobs only (records, transactions and the feed are not supported, and say so). */
final class FilesBackend implements Backend {
    private static final Capabilities CAPABILITIES = Capabilities.of(Capability.BLOBS, Capability.DURABLE);

    private final FileRoot root;
    private final DepotUrl url;
    private final FileBlobs blobs;
    private final AtomicBoolean closed = new AtomicBoolean();

    FilesBackend(FileRoot root, DepotUrl url) {
        this.root = root;
        this.url = url;
        this.blobs = new FileBlobs(root);
    }

    private UnsupportedOperationException noRecords() {
        return new UnsupportedOperationException(url.scheme()
                + ": holds blobs only (capability BLOBS); records, transactions and the change feed need memory: or a SQL backend");
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void prepare(CollectionSpec collection, Reindexer reindexer) {
        throw noRecords();
    }

    @Override
    public Session autoCommit() {
        throw noRecords();
    }

    @Override
    public Session begin() {
        throw noRecords();
    }

    @Override
    public ChangeLog changes() {
        return new ChangeLog() {
            @Override
            public List<ChangeEvent> since(long afterSequence, int limit) {
                throw noRecords();
            }

            @Override
            public long lastSequence() {
                throw noRecords();
            }

            @Override
            public void awaitAfter(long afterSequence, Duration timeout) {
                throw noRecords();
            }

            @Override
            public long knownSequence() {
                return 0; // no records, so no commit has a sequence
            }

            @Override
            public dev.depot.spi.CommitLookup lookup(String commitId) {
                throw noRecords();
            }
        };
    }

    @Override
    public void clear(CollectionSpec collection) {
        throw noRecords();
    }

    @Override
    public void clearAll() {
        blobs.clear();
    }

    @Override
    public BlobStore blobs() {
        return blobs;
    }

    @Override
    public DepotStats stats() {
        return new DepotStats("file", Map.of(), 0, -1, blobs.stats());
    }

    @Override
    public Health health() {
        long start = System.nanoTime();
        boolean up = !closed.get() && Files.isDirectory(root.blobs) && Files.isWritable(root.blobs);
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        return new Health(up, "file", latency, up ? "" : closed.get() ? "closed" : "directory missing or read-only");
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            FileRoot.release(root);
        }
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
