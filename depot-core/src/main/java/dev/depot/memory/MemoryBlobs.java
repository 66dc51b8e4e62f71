package dev.depot.memory;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BucketStats;
import dev.depot.spi.BlobPaths;
import dev.depot.spi.BlobPublish;
import dev.depot.spi.BlobPublished;
import dev.depot.spi.BlobRules;
import dev.depot.spi.BlobStore;
import dev.depot.spi.BlobUpload;
import dev.depot.spi.CodePoints;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blobs in the heap. Per bucket one sorted map (code point order) from key to {@link MemoryBlob}: a
 * blob under its path, a directory under its path plus {@code /}. {@code stat} and {@code list} go
 * lock-free to the map; a reader takes the bucket's lock only to find its blob and count itself in,
 * then copies without it from the content it holds, so it sees old or new content, never a mix;
 * every change takes
 * the bucket's lock for the few map operations of its checks and its swap (never while bytes are
 * copied: uploads fill private chunks first). A blob's chunks are reused for later uploads ({@link
 * MemoryBlobPool}) once no blob shows them and no stream reads them ({@link MemoryBlobContent}):
 * every change that drops a blob from the map lets go of its content.
 */
final class MemoryBlobs implements BlobStore {
    /** Chunk size: big enough that a 1 MiB blob is 16 arrays, small enough never to need a huge contiguous one. */
    static final int CHUNK = 64 * 1024;
    /** Heap cost of a blob beyond its content: map node, key, info, metadata map, chunk array headers. */
    static final long BLOB_OVERHEAD_BYTES = 400;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    final MemoryBlobPool pool = new MemoryBlobPool();

    private static final class Bucket {
        final ConcurrentSkipListMap<String, MemoryBlob> entries = new ConcurrentSkipListMap<>(CodePoints::compare);
        final ReentrantLock lock = new ReentrantLock();
        long blobs;
        long bytes;
    }

    private Bucket bucket(String name) {
        return buckets.computeIfAbsent(name, n -> new Bucket());
    }

    private MemoryBlob blob(Bucket b, String path) {
        MemoryBlob m = b.entries.get(path);
        return m == null || m.isDirectory() ? null : m;
    }

    @Override
    public Optional<BlobInfo> stat(String bucket, String path) {
        return Optional.ofNullable(blob(bucket(bucket), path)).map(MemoryBlob::info);
    }

    @Override
    public Optional<InputStream> open(String bucket, String path, long offset, long length) {
        Bucket b = bucket(bucket);
        b.lock.lock(); // a few map reads: counted in before any change can let go of the content
        try {
            MemoryBlob m = blob(b, path);
            if (m == null) {
                return Optional.empty();
            }
            m.content().retain();
            return Optional.of(new ChunkInputStream(m.content(), m.info().size(), offset, length));
        } finally {
            b.lock.unlock();
        }
    }

    @Override
    public BlobUpload begin(String bucket, String path) {
        return new MemoryBlobUpload(this, bucket, path);
    }

    /** New content for {@code bucket}, held once for the blob about to be published there. */
    MemoryBlobContent content(String bucket, byte[][] chunks) {
        return new MemoryBlobContent(chunks, pool, bucket(bucket).lock);
    }

    /** Publishes {@code content}, held once for the new blob; refused content is released. */
    BlobPublished publish(String bucket, String path, MemoryBlobContent content, BlobPublish p) {
        Bucket b = bucket(bucket);
        b.lock.lock();
        try {
            MemoryBlob current = blob(b, path);
            try {
                checkBlobTarget(b, bucket, path);
                BlobRules.checkPrecondition(bucket, path, p.options(), current == null ? null : current.info());
            } catch (RuntimeException e) {
                content.release(); // never published: nobody else saw these chunks
                throw e;
            }
            BlobInfo info = new BlobInfo(path, p.size(), p.etag(), p.options().contentType(), p.options().metadata(),
                    current == null ? p.now() : current.info().created(), p.now());
            install(b, path, new MemoryBlob(info, content), current);
            return new BlobPublished(info, current != null);
        } finally {
            b.lock.unlock();
        }
    }

    /** A blob may go at {@code path}: no ancestor is a blob and the path is no directory. Under the lock. */
    private static void checkBlobTarget(Bucket b, String bucket, String path) {
        for (String a : BlobPaths.ancestors(path)) {
            MemoryBlob m = b.entries.get(a);
            if (m != null && !m.isDirectory()) {
                throw BlobRules.notADirectory(bucket, a);
            }
        }
        if (b.entries.containsKey(BlobPaths.directoryKey(path))) {
            throw BlobRules.isADirectory(bucket, path);
        }
    }

    /** Puts a blob in place of {@code replaced} (whose content it lets go), creating its parent directories. Under the lock. */
    private static void install(Bucket b, String path, MemoryBlob blob, MemoryBlob replaced) {
        for (String a : BlobPaths.ancestors(path)) {
            b.entries.putIfAbsent(BlobPaths.directoryKey(a), MemoryBlob.DIRECTORY);
        }
        b.entries.put(path, blob);
        if (replaced == null) {
            b.blobs++;
        } else {
            b.bytes -= replaced.info().size();
            replaced.content().release();
        }
        b.bytes += blob.info().size();
    }

    @Override
    public boolean delete(String bucket, String path, String ifMatch) {
        Bucket b = bucket(bucket);
        b.lock.lock();
        try {
            MemoryBlob m = blob(b, path);
            if (m == null) {
                return false;
            }
            if (ifMatch != null) {
                BlobRules.checkIfMatch(bucket, path, ifMatch, m.info()); // under the lock every publish takes
            }
            b.entries.remove(path);
            b.blobs--;
            b.bytes -= m.info().size();
            m.content().release();
            return true;
        } finally {
            b.lock.unlock();
        }
    }

    @Override
    public Optional<BlobInfo> copy(String bucket, String from, String to, Instant now) {
        Bucket b = bucket(bucket);
        b.lock.lock();
        try {
            MemoryBlob source = blob(b, from);
            if (source == null) {
                return Optional.empty();
            }
            checkBlobTarget(b, bucket, to);
            MemoryBlob replaced = blob(b, to);
            BlobInfo s = source.info();
            BlobInfo info = new BlobInfo(to, s.size(), s.etag(), s.contentType(), s.metadata(),
                    replaced == null ? now : replaced.info().created(), now);
            source.content().retain(); // shared, not copied: the copy holds the content too
            install(b, to, new MemoryBlob(info, source.content()), replaced);
            return Optional.of(info);
        } finally {
            b.lock.unlock();
        }
    }

    @Override
    public Optional<BlobInfo> move(String bucket, String from, String to) {
        Bucket b = bucket(bucket);
        b.lock.lock();
        try {
            MemoryBlob source = blob(b, from);
            if (source == null) {
                return Optional.empty();
            }
            checkBlobTarget(b, bucket, to);
            MemoryBlob replaced = blob(b, to);
            BlobInfo info = source.info().withPath(to);
            // Target first, then source: a lock-free reader never finds the blob nowhere.
            install(b, to, new MemoryBlob(info, source.content()), replaced); // the source's hold moves with it
            b.entries.remove(from);
            b.blobs--;
            b.bytes -= info.size();
            return Optional.of(info);
        } finally {
            b.lock.unlock();
        }
    }

    @Override
    public List<BlobEntry> list(String bucket, String prefix, String start, boolean inclusive, int limit) {
        NavigableMap<String, MemoryBlob> entries = bucket(bucket).entries;
        NavigableMap<String, MemoryBlob> tail = start == null || CodePoints.compare(start, prefix) < 0
                ? entries.tailMap(prefix, true)
                : entries.tailMap(start, inclusive);
        List<BlobEntry> out = new ArrayList<>(Math.min(limit, 1024));
        for (Map.Entry<String, MemoryBlob> e : tail.entrySet()) {
            if (out.size() >= limit || !e.getKey().startsWith(prefix)) {
                break;
            }
            MemoryBlob m = e.getValue();
            out.add(m.isDirectory() ? BlobEntry.directory(e.getKey()) : BlobEntry.of(m.info()));
        }
        return out;
    }

    @Override
    public void mkdir(String bucket, String path) {
        Bucket b = bucket(bucket);
        b.lock.lock();
        try {
            for (String a : BlobPaths.ancestors(path)) {
                if (blob(b, a) != null) {
                    throw BlobRules.notADirectory(bucket, a);
                }
            }
            if (blob(b, path) != null) {
                throw BlobRules.notADirectory(bucket, path);
            }
            for (String a : BlobPaths.ancestors(path)) {
                b.entries.putIfAbsent(BlobPaths.directoryKey(a), MemoryBlob.DIRECTORY);
            }
            b.entries.putIfAbsent(BlobPaths.directoryKey(path), MemoryBlob.DIRECTORY);
        } finally {
            b.lock.unlock();
        }
    }

    @Override
    public boolean rmdir(String bucket, String path) {
        Bucket b = bucket(bucket);
        b.lock.lock();
        try {
            String key = BlobPaths.directoryKey(path);
            if (!b.entries.containsKey(key)) {
                return false;
            }
            String next = b.entries.higherKey(key);
            if (next != null && next.startsWith(key)) {
                throw BlobRules.notEmpty(bucket, path);
            }
            b.entries.remove(key);
            return true;
        } finally {
            b.lock.unlock();
        }
    }

    @Override
    public void clear() {
        for (Bucket b : buckets.values()) {
            b.lock.lock();
            try {
                b.entries.clear(); // contents are not released: left to the collector, not reused
                b.blobs = 0;
                b.bytes = 0;
            } finally {
                b.lock.unlock();
            }
        }
    }

    @Override
    public Map<String, BucketStats> stats() {
        Map<String, BucketStats> out = new HashMap<>();
        for (Map.Entry<String, Bucket> e : buckets.entrySet()) {
            Bucket b = e.getValue();
            b.lock.lock();
            try {
                if (b.blobs > 0) {
                    out.put(e.getKey(), new BucketStats(b.blobs, b.bytes));
                }
            } finally {
                b.lock.unlock();
            }
        }
        return out;
    }

    /** The chunk arrays of a published blob, for tests of the storage layout; null if none. */
    byte[][] storedChunks(String bucket, String path) {
        MemoryBlob m = blob(bucket(bucket), path);
        return m == null ? null : m.chunks();
    }

    /** Approximate heap held by blobs: content plus a per-blob overhead, and the chunks kept for reuse. */
    long heapBytes() {
        long heap = pool.bytes();
        for (BucketStats s : stats().values()) {
            heap += s.bytes() + s.blobs() * BLOB_OVERHEAD_BYTES;
        }
        return heap;
    }
}
