package dev.depot;

import dev.depot.SyncOptions.SyncProgress;
import dev.depot.SyncReport.Action;
import dev.depot.spi.CodePoints;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * {@link Blobs#sync}: walks both listings in code point order side by side (a merge, so neither side's
 * paths are held in memory), copies what differs by size or etag and deletes what only the target has,
 * if asked. One blob's failure is recorded and the walk goes on.
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
        try {
            if (!options.dryRun()) {
                WriteOptions w = WriteOptions.contentType(blob.contentType()).metadata(blob.metadata());
                target.write(blob.path(), w, out -> {
                    try (InputStream in = source.read(blob.path())) {
                        in.transferTo(out);
                    }
                });
            }
            copied++;
            bytes += blob.size();
            report(blob.path(), Action.COPIED);
        } catch (RuntimeException e) {
            fail(blob.path(), e);
        }
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
