package dev.depot.files;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BucketStats;
import dev.depot.WriteOptions;
import dev.depot.spi.BlobPaths;
import dev.depot.spi.BlobPublished;
import dev.depot.spi.BlobRules;
import dev.depot.spi.BlobStore;
import dev.depot.spi.BlobUpload;
import dev.depot.spi.CodePoints;
import dev.depot.spi.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;

/**
 * Blobs as files. Every change of a bucket (publish, delete, copy, move, mkdir, rmdir) holds the
 * bucket's write lock for its checks and renames; stat and list hold the read lock so that they never
 * pair a content file with another blob's sidecar. Content is streamed into {@code tmp/} without any
 * lock; reads open the content file without a lock and keep reading the file they opened.
 */
final class FileBlobs implements BlobStore {
    final FileRoot root;

    FileBlobs(FileRoot root) {
        this.root = root;
    }

    private Path content(String bucket, String path) {
        return FileRoot.under(root.bucketBlobs(bucket), path);
    }

    private Path sidecar(String bucket, String path) {
        return FileRoot.under(root.bucketMeta(bucket), path);
    }

    /** The sidecar's path if no link (or non-directory) is on the way to it under meta/, else null: never followed. */
    private Path reachableSidecar(String bucket, String path) {
        return FileRoot.reachable(root.bucketMeta(bucket), path) ? sidecar(bucket, path) : null;
    }

    /** Deletes a sidecar, unless reaching it would follow a link. */
    private void deleteSidecar(String bucket, String path) throws IOException {
        Path s = reachableSidecar(bucket, path);
        if (s != null) {
            Files.deleteIfExists(s);
        }
    }

    private static byte[] readNoFollow(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readAllBytes();
        }
    }

    /** An I/O failure as an {@link UncheckedIOException}; one an interrupt caused (NIO closed the channel) as core's interrupt rule says. */
    private static RuntimeException io(String what, String bucket, String path, IOException e) {
        if (dev.depot.spi.Interrupts.causedBy(e)) {
            return dev.depot.spi.Interrupts.interrupted(what + " " + BlobRules.where(bucket, path), e);
        }
        if (dev.depot.spi.StorageFull.causedBy(e)) {
            return dev.depot.spi.StorageFull.exception(what + " " + BlobRules.where(bucket, path), e);
        }
        return new UncheckedIOException(what + " " + BlobRules.where(bucket, path) + ": " + e.getClass().getSimpleName(), e);
    }

    /** True if the blob's content file is a real file reached through real directories only. */
    private boolean isBlob(String bucket, String path) {
        return FileRoot.blockingAncestor(root.bucketBlobs(bucket), path) == null
                && FileRoot.kind(content(bucket, path)) == FileRoot.Kind.FILE;
    }

    @Override
    public Optional<BlobInfo> stat(String bucket, String path) {
        Lock l = root.lock(bucket).readLock();
        l.lock();
        try {
            return Optional.ofNullable(info(bucket, path));
        } finally {
            l.unlock();
        }
    }

    /** The blob's info, or null. A content file without a sidecar (put there by hand) gets one computed. */
    private BlobInfo info(String bucket, String path) {
        if (!isBlob(bucket, path)) {
            return null;
        }
        Path c = content(bucket, path);
        try {
            BasicFileAttributes a = Files.readAttributes(c, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Sidecar.Entry entry = null;
            try {
                Path s = reachableSidecar(bucket, path);
                entry = s == null ? null : Sidecar.read(readNoFollow(s));
            } catch (IOException | RuntimeException e) {
                // no sidecar, a link (never followed), or not one of ours: describe the file itself
            }
            if (entry != null && entry.describes(path, a.size(), a.lastModifiedTime().toInstant())) {
                return entry.info();
            }
            String etag = hash(c);
            if (entry != null && entry.info().path().equals(path) && entry.info().size() == a.size()
                    && entry.info().etag().equals(etag)) {
                return entry.info(); // only the time changed (copied without times, touched): the content is the one described
            }
            // no sidecar, or the file was edited behind Depot's back: describe the file itself
            Instant t = a.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.MICROS);
            return new BlobInfo(path, a.size(), etag, WriteOptions.DEFAULT_CONTENT_TYPE, Map.of(), t, t);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw io("reading", bucket, path, e);
        }
    }

    /** The content file's modification time, as its sidecar records it. */
    private static Instant fileModified(Path file) throws IOException {
        return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
    }

    private static String hash(Path file) throws IOException {
        ContentHash h = new ContentHash();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                h.update(buf, 0, n);
            }
        }
        return h.etag();
    }

    @Override
    public Optional<InputStream> open(String bucket, String path, long offset, long length) {
        if (!isBlob(bucket, path)) {
            return Optional.empty();
        }
        try {
            FileChannel c = FileChannel.open(content(bucket, path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(new FileRangeInputStream(c, offset, length));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw io("reading", bucket, path, e);
        }
    }

    @Override
    public BlobUpload begin(String bucket, String path) {
        try {
            return new FileBlobUpload(this, bucket, path, root.temp(".data"));
        } catch (IOException e) {
            throw io("writing", bucket, path, e);
        }
    }

    /**
     * Moves a finished content file into place with a new sidecar, atomically (see {@link FileRoot});
     * {@code created} is the replaced blob's, or now.
     */
    BlobPublished install(String bucket, String path, Path data, long size, String etag, WriteOptions options, Instant now)
            throws IOException {
        Lock l = root.lock(bucket).writeLock();
        l.lock();
        try {
            checkBlobTarget(bucket, path);
            BlobInfo current = info(bucket, path);
            BlobRules.checkPrecondition(bucket, path, options, current);
            BlobInfo info = new BlobInfo(path, size, etag, options.contentType(), options.metadata(),
                    current == null ? now : current.created(), now);
            Path meta = root.temp(".meta");
            root.write(meta, Sidecar.encode(info, fileModified(data))); // renames keep the time
            FileRoot.clearWay(root.bucketMeta(bucket), path);
            Files.createDirectories(content(bucket, path).getParent());
            if (current == null) {
                // A new blob needs no commit record: the sidecar goes first, and the content's rename
                // is the commit point (a sidecar without content is no blob and is overwritten later).
                root.apply(List.of(new FileRoot.Rename(meta, sidecar(bucket, path)),
                        new FileRoot.Rename(data, content(bucket, path))));
            } else {
                root.commit(List.of(new FileRoot.Rename(data, content(bucket, path)),
                        new FileRoot.Rename(meta, sidecar(bucket, path))));
            }
            return new BlobPublished(info, current != null);
        } finally {
            l.unlock();
        }
    }

    /** A blob may go at {@code path}: every ancestor is a directory (or missing) and the path is no directory. */
    private void checkBlobTarget(String bucket, String path) {
        String blocking = FileRoot.blockingAncestor(root.bucketBlobs(bucket), path);
        if (blocking != null) {
            throw BlobRules.notADirectory(bucket, blocking);
        }
        FileRoot.Kind k = FileRoot.kind(content(bucket, path));
        if (k == FileRoot.Kind.DIRECTORY) {
            throw BlobRules.isADirectory(bucket, path);
        }
        if (k == FileRoot.Kind.OTHER) {
            throw new dev.depot.PathConflictException(BlobRules.where(bucket, path)
                    + " is a symbolic link or special file, which file: never follows or replaces");
        }
    }

    @Override
    public boolean delete(String bucket, String path, String ifMatch) {
        Lock l = root.lock(bucket).writeLock();
        l.lock();
        try {
            if (!isBlob(bucket, path)) {
                return false;
            }
            if (ifMatch != null) {
                // Under the write lock every publish takes, against the etag stat shows (a file edited by hand included).
                BlobInfo current = info(bucket, path);
                if (current == null) {
                    return false;
                }
                BlobRules.checkIfMatch(bucket, path, ifMatch, current);
            }
            Path c = content(bucket, path);
            Files.delete(c); // the blob is gone from here on; a sidecar left by a crash is ignored
            deleteSidecar(bucket, path);
            root.syncDirectory(c.getParent());
            return true;
        } catch (IOException e) {
            throw io("deleting", bucket, path, e);
        } finally {
            l.unlock();
        }
    }

    @Override
    public Optional<BlobInfo> copy(String bucket, String from, String to, Instant now) {
        // Snapshot the source under the read lock: the open channel keeps its content even if it is replaced.
        BlobInfo source;
        FileChannel in;
        Lock r = root.lock(bucket).readLock();
        r.lock();
        try {
            source = info(bucket, from);
            if (source == null) {
                return Optional.empty();
            }
            in = FileChannel.open(content(bucket, from), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw io("copying", bucket, from, e);
        } finally {
            r.unlock();
        }
        Path data = root.temp(".data");
        try (in; FileChannel out = FileChannel.open(data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            for (long done = 0; done < size; ) {
                done += in.transferTo(done, size - done, out);
            }
            if (root.fsync) {
                out.force(true);
            }
        } catch (IOException e) {
            deleteQuietly(data);
            throw io("copying", bucket, from, e);
        }
        try {
            WriteOptions options = WriteOptions.contentType(source.contentType()).metadata(source.metadata());
            return Optional.of(install(bucket, to, data, source.size(), source.etag(), options, now).info());
        } catch (IOException e) {
            throw io("copying to", bucket, to, e);
        } finally {
            deleteQuietly(data);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // tmp/ is emptied at the next open
        }
    }

    @Override
    public Optional<BlobInfo> move(String bucket, String from, String to) {
        Lock l = root.lock(bucket).writeLock();
        l.lock();
        try {
            BlobInfo source = info(bucket, from);
            if (source == null) {
                return Optional.empty();
            }
            checkBlobTarget(bucket, to);
            BlobInfo moved = source.withPath(to);
            Path meta = root.temp(".meta");
            root.write(meta, Sidecar.encode(moved, fileModified(content(bucket, from))));
            FileRoot.clearWay(root.bucketMeta(bucket), to);
            Files.createDirectories(content(bucket, to).getParent());
            root.commit(List.of(new FileRoot.Rename(content(bucket, from), content(bucket, to)),
                    new FileRoot.Rename(meta, sidecar(bucket, to))));
            deleteSidecar(bucket, from);
            return Optional.of(moved);
        } catch (IOException e) {
            throw io("moving", bucket, from, e);
        } finally {
            l.unlock();
        }
    }

    @Override
    public List<BlobEntry> list(String bucket, String prefix, String start, boolean inclusive, int limit) {
        Lock l = root.lock(bucket).readLock();
        l.lock();
        try {
            List<BlobEntry> out = new ArrayList<>();
            Path base = root.bucketBlobs(bucket);
            if (FileRoot.kind(base) == FileRoot.Kind.DIRECTORY) {
                walk(bucket, base, "", prefix, start, inclusive, limit, out);
            }
            return out;
        } catch (IOException e) {
            throw io("listing", bucket, prefix, e);
        } finally {
            l.unlock();
        }
    }

    private record Child(String key, String name, boolean directory) {}

    /**
     * Depth first, children sorted by key (a directory's key ends with '/'), which yields keys in code
     * point order; subtrees wholly before {@code start} or outside {@code prefix} are not entered.
     */
    private void walk(String bucket, Path dir, String keyPrefix, String prefix, String start, boolean inclusive,
            int limit, List<BlobEntry> out) throws IOException {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                FileRoot.Kind k = FileRoot.kind(p);
                // links and special files are no blobs, nor are files no path can name
                if ((k == FileRoot.Kind.FILE || k == FileRoot.Kind.DIRECTORY) && addressable(dir.resolve(name), p, keyPrefix + name)) {
                    boolean d = k == FileRoot.Kind.DIRECTORY;
                    children.add(new Child(keyPrefix + name + (d ? "/" : ""), name, d));
                }
            }
        } catch (NoSuchFileException e) {
            return;
        }
        children.sort(Comparator.comparing(Child::key, CodePoints::compare));
        for (Child c : children) {
            if (out.size() >= limit) {
                return;
            }
            boolean inPrefix = c.key().startsWith(prefix);
            if (!inPrefix && !(c.directory() && prefix.startsWith(c.key()))) {
                continue;
            }
            if (c.directory() && start != null) {
                String after = CodePoints.prefixUpperBound(c.key());
                if (after != null && CodePoints.compare(after, start) <= 0) {
                    continue; // the whole subtree lies before start
                }
            }
            boolean afterStart = start == null || (inclusive ? CodePoints.compare(c.key(), start) >= 0
                    : CodePoints.compare(c.key(), start) > 0);
            if (inPrefix && afterStart) {
                if (c.directory()) {
                    out.add(BlobEntry.directory(c.key()));
                } else {
                    BlobInfo info = info(bucket, c.key());
                    if (info != null) {
                        out.add(BlobEntry.of(info));
                    }
                }
            }
            if (c.directory()) {
                walk(bucket, dir.resolve(c.name()), c.key(), prefix, start, inclusive, limit, out);
            }
        }
    }

    /**
     * Whether a file found on disk at {@code found} is one the API can name: its path obeys the path
     * rules (a file put there by hand may hold a control character, or lie deeper than 1,024 bytes)
     * and {@code named}, the file that path names, is this very file (a name whose bytes are not
     * UTF-8 decodes to U+FFFD, which names another file). Such files are left alone and never listed
     * or counted, like links: no call could read, stat or delete them.
     */
    private static boolean addressable(Path named, Path found, String path) {
        try {
            BlobPaths.check(path);
        } catch (dev.depot.InvalidPathException e) {
            return false;
        }
        return named.equals(found);
    }

    @Override
    public void mkdir(String bucket, String path) {
        Lock l = root.lock(bucket).writeLock();
        l.lock();
        try {
            String blocking = FileRoot.blockingAncestor(root.bucketBlobs(bucket), path);
            if (blocking != null) {
                throw BlobRules.notADirectory(bucket, blocking);
            }
            Path d = content(bucket, path);
            FileRoot.Kind k = FileRoot.kind(d);
            if (k == FileRoot.Kind.DIRECTORY) {
                return;
            }
            if (k != FileRoot.Kind.MISSING) {
                throw BlobRules.notADirectory(bucket, path);
            }
            Files.createDirectories(d);
            root.syncDirectory(d.getParent());
        } catch (IOException e) {
            throw io("making directory", bucket, path, e);
        } finally {
            l.unlock();
        }
    }

    @Override
    public boolean rmdir(String bucket, String path) {
        Lock l = root.lock(bucket).writeLock();
        l.lock();
        try {
            if (FileRoot.blockingAncestor(root.bucketBlobs(bucket), path) != null) {
                return false;
            }
            Path d = content(bucket, path);
            if (FileRoot.kind(d) != FileRoot.Kind.DIRECTORY) {
                return false;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
                if (s.iterator().hasNext()) {
                    throw BlobRules.notEmpty(bucket, path);
                }
            }
            Files.delete(d);
            if (FileRoot.reachable(root.bucketMeta(bucket), path)) {
                deleteTree(sidecar(bucket, path)); // sidecars a crash may have orphaned there (links deleted, never followed)
            }
            root.syncDirectory(d.getParent());
            return true;
        } catch (IOException e) {
            throw io("removing directory", bucket, path, e);
        } finally {
            l.unlock();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (FileRoot.kind(p) == FileRoot.Kind.MISSING) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    private List<String> buckets() throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root.blobs)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                try {
                    out.add(BlobPaths.bucket(name));
                } catch (IllegalArgumentException e) {
                    // not a bucket of ours
                }
            }
        }
        return out;
    }

    @Override
    public void clear() {
        try {
            for (String bucket : buckets()) {
                Lock l = root.lock(bucket).writeLock();
                l.lock();
                try {
                    deleteTree(root.bucketBlobs(bucket));
                    deleteTree(root.bucketMeta(bucket));
                } finally {
                    l.unlock();
                }
            }
            root.syncDirectory(root.blobs);
        } catch (IOException e) {
            throw new UncheckedIOException("clearing " + root.root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, BucketStats> stats() {
        Map<String, BucketStats> out = new HashMap<>();
        try {
            for (String bucket : buckets()) {
                long[] count = new long[2];
                Path base = root.bucketBlobs(bucket);
                try (Stream<Path> s = Files.walk(base)) {
                    s.forEach(p -> {
                        try {
                            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                            String path = a.isRegularFile() ? base.relativize(p).toString() : null;
                            if (path != null && addressable(base.resolve(path), p, path)) { // what list shows
                                count[0]++;
                                count[1] += a.size();
                            }
                        } catch (IOException e) {
                            // vanished while counting
                        }
                    });
                }
                if (count[0] > 0) {
                    out.put(bucket, new BucketStats(count[0], count[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("counting blobs in " + root.root + ": " + e.getMessage(), e);
        }
        return out;
    }
}
