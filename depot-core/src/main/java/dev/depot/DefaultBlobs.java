package dev.depot;

import dev.depot.spi.BlobPaths;
import dev.depot.spi.BlobPublished;
import dev.depot.spi.BlobRules;
import dev.depot.spi.BlobStore;
import dev.depot.spi.BlobUpload;
import dev.depot.spi.CodePoints;
import dev.depot.spi.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The one implementation of {@link Blobs}: path rules, errors, etags and listing folds over a {@link BlobStore}. */
final class DefaultBlobs implements Blobs {
    /** Bytes handed to a backend and hashed in one step: small enough to stay in the CPU cache in between. */
    static final int SLICE = 64 * 1024;

    private final String bucket;
    private final BlobStore store;
    private final InstantSource clock;
    private final DefaultDepot depot;

    DefaultBlobs(String bucket, BlobStore store, InstantSource clock, DefaultDepot depot) {
        this.bucket = BlobPaths.bucket(bucket);
        this.store = store;
        this.clock = clock;
        this.depot = depot;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** The depot clock, to the microsecond like every stored instant. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private String path(String path) {
        depot.checkOpen();
        return BlobPaths.check(path);
    }

    @Override
    public BlobOutputStream write(String path, WriteOptions options) {
        String p = path(path);
        Objects.requireNonNull(options, "options");
        return new DefaultBlobOutputStream(this, p, options, store.begin(bucket, p));
    }

    @Override
    public BlobInfo write(String path, WriteOptions options, BlobWriter body) {
        Objects.requireNonNull(body, "body");
        BlobOutputStream out = write(path, options);
        try {
            body.write(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() {
                    // The callback's caller publishes; closing here must not.
                }
            });
        } catch (IOException e) {
            out.abort();
            if (dev.depot.spi.Interrupts.causedBy(e)) {
                throw dev.depot.spi.Interrupts.interrupted("writing " + where(path) + "; nothing was published", e);
            }
            throw unchecked(null, e);
        } catch (RuntimeException | Error e) {
            out.abort();
            throw e;
        }
        out.close();
        return out.published();
    }

    @Override
    public BlobInfo put(String path, byte[] bytes, WriteOptions options) {
        Objects.requireNonNull(bytes, "bytes");
        String p = path(path);
        Objects.requireNonNull(options, "options");
        BlobUpload upload = store.begin(bucket, p);
        ContentHash hash = new ContentHash();
        try {
            for (int at = 0; at < bytes.length || at == 0; at += SLICE) {
                int n = Math.min(SLICE, bytes.length - at);
                upload.write(bytes, at, n);
                hash.update(bytes, at, n); // while the slice is still in cache
                if (n == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            upload.abort();
            if (dev.depot.spi.Interrupts.causedBy(e)) {
                throw dev.depot.spi.Interrupts.interrupted("writing " + BlobRules.where(bucket, p) + "; nothing was published", e);
            }
            throw unchecked("writing " + BlobRules.where(bucket, p), e);
        } catch (RuntimeException | Error e) {
            upload.abort();
            throw e;
        }
        return publish(p, options, upload, bytes.length, hash.etag()).info();
    }

    /**
     * What a whole-blob call ({@code put}, {@code get}, the callback {@code write}, a stream's {@code
     * close}) throws for an {@link IOException}: the {@link BackendUnavailableException} it carries,
     * if any, so such a call fails as every other call of an unavailable backend does, whatever the
     * blob's size (a blob of several chunks meets the outage inside a stream, where only an
     * IOException can pass; one of a single chunk met it in the publish, unwrapped); else the
     * IOException, unchecked. The backend's exception already names bucket and path.
     */
    static RuntimeException unchecked(String what, IOException e) {
        if (dev.depot.spi.Interrupts.causedBy(e)) {
            return dev.depot.spi.Interrupts.interrupted(what == null ? "a blob call" : what, e);
        }
        if (dev.depot.spi.StorageFull.causedBy(e)) {
            return dev.depot.spi.StorageFull.exception(what == null ? "a blob call" : what, e);
        }
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof BackendUnavailableException unavailable) {
                return unavailable;
            }
        }
        return what == null ? new UncheckedIOException(e) : new UncheckedIOException(what, e);
    }

    /** Publishes an upload (which discards itself on failure), refusing once the depot is closed. */
    BlobPublished publish(String path, WriteOptions options, BlobUpload upload, long size, String etag) {
        if (depot.isClosed()) {
            upload.abort();
            depot.checkOpen();
        }
        return upload.publish(new dev.depot.spi.BlobPublish(options, size, etag, now()));
    }

    void checkOpen() {
        depot.checkOpen();
    }

    boolean isClosed() {
        return depot.isClosed();
    }

    String where(String path) {
        return BlobRules.where(bucket, path);
    }

    @Override
    public InputStream read(String path) {
        return read(path, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream read(String path, long offset, long length) {
        String p = path(path);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be >= 0, not " + offset + " and " + length);
        }
        InputStream in = store.open(bucket, p, offset, length).orElseThrow(() -> missing(p));
        return new GuardedInputStream(in, depot, where(p));
    }

    @Override
    public byte[] get(String path) {
        try (InputStream in = read(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw unchecked("reading " + where(path), e); // an interrupt too: unchecked maps it first
        }
    }

    @Override
    public Optional<BlobInfo> stat(String path) {
        return store.stat(bucket, path(path));
    }

    @Override
    public boolean exists(String path) {
        return stat(path).isPresent();
    }

    @Override
    public boolean delete(String path) {
        String p = path(path);
        if (store.delete(bucket, p, null)) {
            return true;
        }
        if (isDirectory(p)) {
            throw BlobRules.isADirectory(bucket, p);
        }
        return false;
    }

    @Override
    public void deleteIfMatch(String path, String etag) {
        String p = path(path);
        WriteOptions.checkEtag(etag);
        if (!store.delete(bucket, p, etag)) {
            // No blob was there when the store decided; only what to call it is looked up now.
            if (isDirectory(p)) {
                throw BlobRules.isADirectory(bucket, p);
            }
            BlobRules.checkIfMatch(bucket, p, etag, null);
        }
    }

    @Override
    public BlobInfo copy(String from, String to) {
        String f = path(from);
        String t = path(to);
        if (f.equals(t)) {
            return store.stat(bucket, f).orElseThrow(() -> missing(f));
        }
        return store.copy(bucket, f, t, now()).orElseThrow(() -> missing(f));
    }

    @Override
    public BlobInfo move(String from, String to) {
        String f = path(from);
        String t = path(to);
        if (f.equals(t)) {
            return store.stat(bucket, f).orElseThrow(() -> missing(f));
        }
        return store.move(bucket, f, t).orElseThrow(() -> missing(f));
    }

    @Override
    public Page<BlobEntry> list(ListOptions options) {
        Objects.requireNonNull(options, "options");
        depot.checkOpen();
        String prefix = BlobPaths.checkFragment("prefix", options.prefix());
        String after = options.after() == null ? null : BlobPaths.checkFragment("cursor", options.after());
        boolean fold = options.delimiter() != null;
        int limit = options.limit();
        List<BlobEntry> out = new ArrayList<>();
        String start = after;
        boolean inclusive = false;
        if (fold && after != null && after.endsWith("/")) {
            start = CodePoints.prefixUpperBound(after); // past the directory the previous page ended with
            inclusive = true;
        }
        int batch = Math.min(limit + 1, 1000);
        // While folding, the entries under the directory just listed are skipped in the batch at hand,
        // and a seek past the directory is made only when a batch ends inside it: seeking after every
        // directory fetched a whole batch per directory to use one entry of it (a page of 100
        // directories of 40 blobs read 88,000 entries where the blobs under the prefix were 4,100).
        String skipping = null;
        while (start != null || !inclusive) {
            List<BlobEntry> entries = store.list(bucket, prefix, start, inclusive, batch);
            for (BlobEntry e : entries) {
                if (skipping != null) {
                    if (e.path().startsWith(skipping)) {
                        continue;
                    }
                    skipping = null;
                }
                String rest = e.path().substring(prefix.length());
                int slash = fold ? rest.indexOf('/') : -1;
                if (slash < 0) {
                    if (!e.isDirectory()) {
                        out.add(e);
                    }
                } else {
                    String dir = prefix + rest.substring(0, slash + 1);
                    if (after == null || CodePoints.compare(dir, after) > 0) {
                        out.add(BlobEntry.directory(dir));
                    }
                    skipping = dir;
                }
                if (out.size() > limit) {
                    break;
                }
                if (skipping == null) {
                    start = e.path();
                    inclusive = false;
                }
            }
            if (out.size() > limit || entries.size() < batch) {
                break;
            }
            if (skipping != null) {
                start = CodePoints.prefixUpperBound(skipping);
                inclusive = true;
                if (start == null) {
                    break;
                }
            }
        }
        if (out.size() > limit) {
            List<BlobEntry> page = out.subList(0, limit);
            return new Page<>(page, page.get(limit - 1).path());
        }
        return new Page<>(out, null);
    }

    @Override
    public void mkdir(String path) {
        store.mkdir(bucket, path(path));
    }

    @Override
    public void rmdir(String path) {
        String p = path(path);
        if (!store.rmdir(bucket, p)) {
            if (store.stat(bucket, p).isPresent()) {
                throw BlobRules.notADirectory(bucket, p);
            }
            throw BlobRules.noDirectory(bucket, p);
        }
    }

    private boolean isDirectory(String path) {
        return !store.list(bucket, path + "/", null, false, 1).isEmpty();
    }

    /** NotFound for a missing blob, PathConflict when a directory is there. */
    private RuntimeException missing(String path) {
        return isDirectory(path) ? BlobRules.isADirectory(bucket, path) : BlobRules.noBlob(bucket, path);
    }

    @Override
    public String toString() {
        return "Blobs[" + bucket + "]";
    }
}
