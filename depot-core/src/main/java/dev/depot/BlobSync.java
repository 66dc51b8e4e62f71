package dev.depot;

import dev.depot.SyncOptions.SyncProgress;
import dev.depot.SyncReport.Action;
import dev.depot.spi.BlobRules;
import dev.depot.spi.CodePoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * {@link Blobs#sync}: walks both listings in code point order side by side (a merge, so neither side's
 * paths are held in memory), copies what differs by size or etag and deletes what only the target has,
 * if asked. One blob's failure is recorded and the walk goes on.
 *
 * <p>A source blob where the target has a directory cannot be copied while the directory stands, and
 * the merge alone would never remove it: the target's blobs under it are deleted as extraneous, but
 * directories stay until removed, so every run failed again. With {@code deleteExtraneous} that
 * directory's whole tree is extraneous (the source, having a blob there, has nothing under it): it is
 * deleted, blobs counted as deleted, before the copy, so one run converges. Without it the blob
 * fails, naming the conflict. A source blob under a target blob the sync keeps fails the same way.
 */
final class BlobSync {
    private static final int PAGE = 1000;

    private final Blobs source;
    private final Blobs target;
    private final SyncOptions options;
    private final List<SyncReport.Error> errors = new ArrayList<>();
    private long copied;
    private long skipped;
    private long deleted;
    private long bytes;
    private long seen;
    /** Target directories ({@code path/}) whose tree went (or would go) before a copy: the walk skips their blobs. */
    private final List<String> cleared = new ArrayList<>();
    /** Target blobs ({@code path/}) the walk kept though the source lacks them: nothing can be copied under them. */
    private final List<String> kept = new ArrayList<>();

    BlobSync(Blobs source, Blobs target, SyncOptions options) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.options = Objects.requireNonNull(options, "options");
    }

    SyncReport run() {
        Iterator<BlobInfo> s = new Listing(source, options.prefix());
        Iterator<BlobInfo> t = new Listing(target, options.prefix());
        BlobInfo a = next(s);
        BlobInfo b = next(t);
        while (a != null || b != null) {
            while (b != null && under(cleared, b.path()) != null) {
                b = next(t); // already deleted (and counted) with its directory
            }
            if (a == null && b == null) {
                break;
            }
            int c = a == null ? 1 : b == null ? -1 : CodePoints.compare(a.path(), b.path());
            if (c < 0) {
                copy(a);
                a = next(s);
            } else if (c == 0) {
                if (a.size() == b.size() && a.etag().equals(b.etag())) {
                    skipped++;
                    report(a.path(), Action.SKIPPED);
                } else {
                    copy(a);
                }
                a = next(s);
                b = next(t);
            } else {
                if (options.deleteExtraneous()) {
                    delete(b);
                } else {
                    under(kept, b.path()); // forgets those before it: the list holds one chain of ancestors at most
                    kept.add(b.path() + "/");
                }
                b = next(t);
            }
        }
        return new SyncReport(copied, skipped, deleted, bytes, errors, options.dryRun());
    }

    private static BlobInfo next(Iterator<BlobInfo> it) {
        return it.hasNext() ? it.next() : null;
    }

    private void copy(BlobInfo blob) {
        String path = blob.path();
        try {
            String blocking = under(kept, path);
            if (blocking != null) {
                String inTheWay = blocking.substring(0, blocking.length() - 1);
                throw new PathConflictException("target " + where(inTheWay) + " is a blob, not a directory, so "
                        + where(path) + " cannot be copied under it (the sync keeps it: deletingExtraneous() was not asked)");
            }
            if (options.dryRun()) {
                if (isTargetDirectory(path)) {
                    replaceDirectory(path);
                }
            } else {
                try {
                    write(blob);
                } catch (PathConflictException e) {
                    if (!isTargetDirectory(path)) {
                        throw e;
                    }
                    replaceDirectory(path);
                    write(blob);
                }
            }
            copied++;
            bytes += blob.size();
            report(path, Action.COPIED);
        } catch (RuntimeException e) {
            fail(path, e);
        }
    }

    private void write(BlobInfo blob) {
        WriteOptions w = WriteOptions.contentType(blob.contentType()).metadata(blob.metadata());
        target.write(blob.path(), w, out -> {
            try (InputStream in = source.read(blob.path())) {
                in.transferTo(out);
            }
        });
    }

    /** Whether the target has a directory at {@code path}: reading one is a conflict, reading nothing is not found. */
    private boolean isTargetDirectory(String path) {
        try (InputStream in = target.read(path, 0, 0)) {
            return false;
        } catch (PathConflictException e) {
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes way for the source blob at {@code path} where the target has a directory: with {@code
     * deleteExtraneous}, deletes the directory's tree (in a dry run only counts it); else fails.
     */
    private void replaceDirectory(String path) {
        if (!options.deleteExtraneous()) {
            throw new PathConflictException("target " + where(path)
                    + " is a directory, not a blob (deletingExtraneous() would replace it with the source blob)");
        }
        cleared.add(path + "/");
        deleteTree(path);
    }

    /** Deletes (or, in a dry run, counts) every blob under {@code dir}, then removes its directories, deepest first. */
    private void deleteTree(String dir) {
        String cursor = null;
        do {
            Page<BlobEntry> page = target.list(ListOptions.prefix(dir + "/").delimiter("/").after(cursor).limit(PAGE));
            for (BlobEntry e : page.items()) {
                if (e.isDirectory()) {
                    deleteTree(e.path().substring(0, e.path().length() - 1));
                } else {
                    if (!options.dryRun()) {
                        target.delete(e.path());
                    }
                    deleted++;
                    report(e.path(), Action.DELETED);
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        if (!options.dryRun()) {
            target.rmdir(dir);
        }
    }

    /**
     * Which of {@code dirs} (each {@code path/}) {@code path} lies under, or null; forgets those an
     * ordered walk at {@code path} has passed (it is past them and not under them), so the list stays short.
     */
    private static String under(List<String> dirs, String path) {
        dirs.removeIf(d -> CodePoints.compare(path, d) > 0 && !path.startsWith(d));
        for (String d : dirs) {
            if (path.startsWith(d)) {
                return d;
            }
        }
        return null;
    }

    private String where(String path) {
        return BlobRules.where(target.bucket(), path);
    }

    private void delete(BlobInfo blob) {
        try {
            if (!options.dryRun()) {
                target.delete(blob.path());
            }
            deleted++;
            report(blob.path(), Action.DELETED);
        } catch (RuntimeException e) {
            fail(blob.path(), e);
        }
    }

    private void fail(String path, RuntimeException e) {
        errors.add(new SyncReport.Error(path, e.getClass().getSimpleName() + ": " + e.getMessage()));
        report(path, Action.FAILED);
    }

    private void report(String path, Action action) {
        seen++;
        options.progress().accept(new SyncProgress(path, action, seen, bytes));
    }

    /** Every blob under a prefix, page by page. */
    private static final class Listing implements Iterator<BlobInfo> {
        private final Blobs blobs;
        private final String prefix;
        private Iterator<BlobEntry> page = List.<BlobEntry>of().iterator();
        private String cursor;
        private boolean last;

        Listing(Blobs blobs, String prefix) {
            this.blobs = blobs;
            this.prefix = prefix;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext() && !last) {
                Page<BlobEntry> p = blobs.list(ListOptions.prefix(prefix).after(cursor).limit(PAGE));
                page = p.items().iterator();
                cursor = p.nextCursor();
                last = cursor == null;
            }
            return page.hasNext();
        }

        @Override
        public BlobInfo next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.next().blob();
        }
    }
}
