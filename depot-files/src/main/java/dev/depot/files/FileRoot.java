package dev.depot.files;

import dev.depot.BackendUnavailableException;
import dev.depot.spi.BlobRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * One {@code file:} directory: its layout, its locks, and crash recovery. Shared by every depot of
 * the JVM that opens the same directory; another process that opens it fails (an OS file lock, freed
 * by the OS when a process dies, even by {@code kill -9}).
 *
 * <pre>
 * DIR/blobs/&lt;bucket&gt;/&lt;path&gt;   the content, a plain file
 * DIR/meta/&lt;bucket&gt;/&lt;path&gt;    its sidecar: JSON with size, etag, type, metadata, times
 * DIR/tmp/                     uploads in progress and commit records; emptied at open
 * DIR/.lock                    held while open
 * </pre>
 *
 * <p><b>Atomic publish.</b> Content and sidecar are two files, so one rename cannot publish both. A
 * change is first written to temporary files (synced), then a <em>commit record</em> listing its
 * renames is written and renamed into {@code tmp/} (the commit point), then the renames run and the
 * record is deleted. At open, every commit record left by a crash is rolled forward (each rename
 * whose source still exists is redone), and everything else in {@code tmp/} is deleted. So after any
 * crash a change is either wholly visible or not at all.
 */
final class FileRoot {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<Path, FileRoot> OPEN = new HashMap<>();
    private static final String COMMIT = ".commit";

    final Path root;
    final Path blobs;
    final Path meta;
    final Path tmp;
    final boolean fsync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, ReentrantReadWriteLock> bucketLocks = new ConcurrentHashMap<>();
    private int references;
    /** What the last open found and did, for tests and logs. */
    volatile Recovery recovery = new Recovery(0, 0);

    record Recovery(int rolledForward, int tempFilesDeleted) {}

    private FileRoot(Path root, boolean fsync) throws IOException {
        this.root = root;
        this.blobs = root.resolve("blobs");
        this.meta = root.resolve("meta");
        this.tmp = root.resolve("tmp");
        this.fsync = fsync;
        for (Path own : List.of(blobs, meta, tmp)) {
            // A link here would put every blob, sidecar or temp file elsewhere, and the open's cleanup
            // of tmp/ would empty the directory it points to: links are never followed, here neither.
            if (kind(own) == Kind.MISSING) {
                Files.createDirectories(own);
            }
            if (kind(own) != Kind.DIRECTORY) {
                throw new IllegalStateException("file:" + root + ": " + root.relativize(own)
                        + " is a symbolic link or not a directory; file: never follows links in its own directories");
            }
        }
        this.lockChannel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new BackendUnavailableException("file:" + root + " is in use by another process", null);
        }
        this.lock = l;
    }

    static synchronized FileRoot acquire(Path dir, boolean fsync) {
        try {
            Files.createDirectories(dir);
            Path real = dir.toRealPath();
            FileRoot r = OPEN.get(real);
            if (r == null) {
                r = new FileRoot(real, fsync);
                r.recover();
                OPEN.put(real, r);
            }
            r.references++;
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open file:" + dir + ": " + e.getMessage(), e);
        }
    }

    static synchronized void release(FileRoot r) {
        if (--r.references == 0) {
            OPEN.remove(r.root);
            try {
                r.lock.release();
                r.lockChannel.close();
            } catch (IOException e) {
                // Closing the channel frees the lock either way.
            }
        }
    }

    ReentrantReadWriteLock lock(String bucket) {
        return bucketLocks.computeIfAbsent(bucket, b -> new ReentrantReadWriteLock());
    }

    Path bucketBlobs(String bucket) {
        return blobs.resolve(bucket);
    }

    Path bucketMeta(String bucket) {
        return meta.resolve(bucket);
    }

    /** A fresh name in {@code tmp/}. */
    Path temp(String suffix) {
        return tmp.resolve(UUID.randomUUID() + suffix);
    }

    /**
     * Resolves a validated path under {@code base}, refusing to leave it: core's path rules already
     * exclude {@code ..}, empty and absolute segments; this is the second lock on the door.
     */
    static Path under(Path base, String path) {
        Path p = base.resolve(path).normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new IllegalStateException("path escapes its bucket: " + path);
        }
        return p;
    }

    /** What is at a file-system path, without following a link. */
    enum Kind { MISSING, FILE, DIRECTORY, OTHER }

    static Kind kind(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Kind.FILE : a.isDirectory() ? Kind.DIRECTORY : Kind.OTHER;
        } catch (NoSuchFileException e) {
            return Kind.MISSING;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The kind of each proper ancestor of {@code path} under {@code base}, checked from the top, so
     * that no symbolic link on the way is ever followed: the first non-directory ancestor, or null if
     * every existing ancestor is a real directory.
     */
    static String blockingAncestor(Path base, String path) {
        Kind top = kind(base);
        if (top == Kind.OTHER || top == Kind.FILE) {
            throw new IllegalStateException("bucket directory " + base + " is not a directory");
        }
        if (top == Kind.MISSING) {
            return null;
        }
        Path cur = base;
        int from = 0;
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
            cur = cur.resolve(path.substring(from, i));
            from = i + 1;
            Kind k = kind(cur);
            if (k == Kind.MISSING) {
                return null;
            }
            if (k != Kind.DIRECTORY) {
                return path.substring(0, i);
            }
        }
        return null;
    }

    /**
     * True if every proper ancestor of {@code path} under {@code base}, and {@code base} itself, is a real
     * directory or missing: then nothing on the way to {@code base/path} is a link to be followed.
     */
    static boolean reachable(Path base, String path) {
        Kind top = kind(base);
        return top == Kind.MISSING || (top == Kind.DIRECTORY && blockingAncestor(base, path) == null);
    }

    /**
     * Makes way for a file at {@code base/path} in Depot's own area ({@code meta/}): whatever is not a
     * real directory on the way (a link, which is removed and never followed, or a sidecar a crash
     * orphaned) and whatever directory sits at the path itself (orphaned sidecars) is deleted.
     */
    static void clearWay(Path base, String path) throws IOException {
        Path cur = base;
        Kind k = kind(cur);
        int from = 0;
        for (int i = path.indexOf('/'); k == Kind.DIRECTORY; i = path.indexOf('/', i + 1)) {
            if (i < 0) {
                cur = cur.resolve(path.substring(from));
                k = kind(cur);
                if (k == Kind.DIRECTORY) {
                    deleteTree(cur);
                } else if (k == Kind.OTHER) {
                    Files.delete(cur);
                }
                return;
            }
            cur = cur.resolve(path.substring(from, i));
            from = i + 1;
            k = kind(cur);
        }
        if (k == Kind.FILE || k == Kind.OTHER) {
            Files.delete(cur); // a link goes, never what it points to
        }
    }

    /** Deletes a tree without following any link in it (a link is deleted, not its target). */
    static void deleteTree(Path p) throws IOException {
        if (kind(p) == Kind.MISSING) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    /** Makes the directories of {@code dir} durable after a rename or delete in it. */
    void syncDirectory(Path dir) {
        if (!fsync) {
            return;
        }
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("syncing directory " + dir, e);
        }
    }

    /** One step of a commit: move {@code from} onto {@code to}, replacing it. */
    record Rename(Path from, Path to) {}

    /**
     * Commits renames atomically with respect to crashes: after this returns (or the process dies
     * after the commit record landed) all of them happen; if it dies before, none.
     */
    void commit(List<Rename> renames) throws IOException {
        Path part = temp(".part");
        Path record = part.resolveSibling(part.getFileName().toString().replace(".part", COMMIT));
        ArrayNode list = JSON.createArrayNode();
        for (Rename r : renames) {
            list.addArray().add(root.relativize(r.from()).toString()).add(root.relativize(r.to()).toString());
        }
        write(part, JSON.writeValueAsBytes(list));
        Files.move(part, record, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(tmp); // the commit point
        try {
            apply(renames);
        } catch (IOException | RuntimeException e) {
            // A rename refused (EACCES, EPERM, ENOSPC, EIO...) while this process lives. If none ran, the
            // change did not happen: the record goes, else the next open would roll it forward over
            // whatever is written meanwhile (a stale sidecar on newer content, a newer blob moved away).
            // If some ran, it stays, to be finished at the next open.
            if (renames.stream().allMatch(r -> Files.exists(r.from(), LinkOption.NOFOLLOW_LINKS))) {
                Files.deleteIfExists(record);
                syncDirectory(tmp);
                for (Rename r : renames) {
                    if (r.from().startsWith(tmp)) {
                        Files.deleteIfExists(r.from()); // this change's own temp files
                    }
                }
            }
            throw e;
        }
        Files.delete(record);
        syncDirectory(tmp);
    }

    /** Runs renames in order, each only if its source exists (so a rerun after a crash is harmless), and syncs the directories. */
    void apply(List<Rename> renames) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Rename r : renames) {
            if (Files.exists(r.from(), LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(r.to().getParent());
                Files.move(r.from(), r.to(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                dirs.add(r.to().getParent());
                dirs.add(r.from().getParent());
            }
        }
        dirs.stream().distinct().forEach(this::syncDirectory);
    }

    /** Writes a small file and syncs it. */
    void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                c.write(b);
            }
            if (fsync) {
                c.force(true);
            }
        }
    }

    /** Rolls forward commits a crash interrupted and deletes every other leftover in {@code tmp/}. */
    private void recover() throws IOException {
        int rolled = 0;
        int deleted = 0;
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(tmp)) {
            s.forEach(leftovers::add);
        }
        leftovers.sort(null);
        for (Path p : leftovers) {
            if (p.getFileName().toString().endsWith(COMMIT)) {
                List<Rename> renames = new ArrayList<>();
                for (JsonNode pair : JSON.readTree(Files.readAllBytes(p))) {
                    Path from = root.resolve(pair.get(0).asString()).normalize();
                    Path to = root.resolve(pair.get(1).asString()).normalize();
                    if (from.startsWith(root) && to.startsWith(root)) { // a record we wrote names nothing else
                        renames.add(new Rename(from, to));
                    }
                }
                apply(renames);
                Files.delete(p);
                rolled++;
            }
        }
        for (Path p : leftovers) {
            if (Files.deleteIfExists(p)) {
                deleted++;
            }
        }
        syncDirectory(tmp);
        recovery = new Recovery(rolled, deleted);
    }
}
