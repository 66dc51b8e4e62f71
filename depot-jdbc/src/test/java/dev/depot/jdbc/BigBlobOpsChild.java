package dev.depot.jdbc;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.ListOptions;
import dev.depot.Page;
import dev.depot.SyncOptions;
import dev.depot.SyncReport;
import dev.depot.WriteOptions;
import dev.depot.spi.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link BlobHeapOpsProbeTest} in a JVM whose heap is smaller than the blob: what {@link
 * BigBlobChild} does not do with a big blob — the callback write, copy, move, ranged reads near the
 * end, {@code skip}, {@code transferTo}, listing and {@code Blobs.sync} into another bucket — each
 * checked against the content's etag. Prints one line per step; exits 0 only if every step went as
 * expected. {@code args}: depot URL, size in MiB, and {@code nosync} to leave out the sync (on
 * memory, where a second copy of the content is a second copy in the heap).
 */
public final class BigBlobOpsChild {
    private static final int BLOCK = 64 * 1024;

    private BigBlobOpsChild() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long size = Long.parseLong(args[1]) << 20;
        boolean sync = args.length < 3 || !args[2].equals("nosync");
        System.out.println("heap " + Runtime.getRuntime().maxMemory() + " blob " + size);
        try (Depot depot = Depot.open(url)) {
            Blobs blobs = depot.blobs("bigops");
            ContentHash hash = new ContentHash();
            byte[] block = new byte[BLOCK];
            BlobInfo written = blobs.write("d/\uD83D\uDE00/huge.bin", WriteOptions.contentType("application/x-big").metadata("k", "v"),
                    out -> {
                        for (long i = 0; i * BLOCK < size; i++) {
                            BigBlobChild.block(i, block);
                            out.write(block);
                            hash.update(block, 0, BLOCK);
                        }
                    });
            check(written.size() == size && written.etag().equals(hash.etag()), "callback write: " + written);
            System.out.println("callback write " + size);

            BlobInfo copied = blobs.copy("d/\uD83D\uDE00/huge.bin", "d/copy.bin");
            check(copied.etag().equals(hash.etag()) && copied.size() == size, "copy: " + copied);
            check(etagOfRead(blobs, "d/copy.bin").equals(hash.etag()), "copy content");
            System.out.println("copy " + size);

            long offset = size - 100;
            try (InputStream in = blobs.read("d/copy.bin", offset, 1000)) {
                byte[] tail = in.readAllBytes();
                BigBlobChild.block((size - 1) / BLOCK, block);
                check(tail.length == 100 && Arrays.equals(tail, 0, 100, block, BLOCK - 100, BLOCK), "ranged tail " + tail.length);
            }
            try (InputStream in = blobs.read("d/copy.bin")) {
                long skipped = in.skip(size - 10);
                byte[] rest = in.readAllBytes();
                check(skipped == size - 10 && rest.length == 10 && Arrays.equals(rest, 0, 10, block, BLOCK - 10, BLOCK),
                        "skip " + skipped + " then " + rest.length);
            }
            System.out.println("ranged and skipped");

            BlobInfo moved = blobs.move("d/copy.bin", "e/moved.bin");
            check(moved.etag().equals(hash.etag()) && !blobs.exists("d/copy.bin"), "move: " + moved);
            System.out.println("move " + size);

            Page<BlobEntry> all = blobs.list(ListOptions.all());
            List<String> paths = all.items().stream().map(BlobEntry::path).toList();
            check(paths.equals(List.of("d/\uD83D\uDE00/huge.bin", "e/moved.bin")), "list " + paths);
            System.out.println("list " + paths.size());

            if (sync) {
                Blobs mirror = depot.blobs("bigmirror");
                SyncReport report = Blobs.sync(blobs, mirror, SyncOptions.defaults());
                check(report.ok() && report.copied() == 2 && report.bytesCopied() == 2 * size, "sync " + report);
                check(etagOfRead(mirror, "e/moved.bin").equals(hash.etag()), "synced content");
                BlobInfo m = mirror.stat("d/\uD83D\uDE00/huge.bin").orElseThrow();
                check(m.contentType().equals("application/x-big") && m.metadata().equals(Map.of("k", "v")), "synced info " + m);
                System.out.println("sync " + report.bytesCopied());
                mirror.delete("d/\uD83D\uDE00/huge.bin");
                mirror.delete("e/moved.bin");
            }
            blobs.delete("d/\uD83D\uDE00/huge.bin");
            blobs.delete("e/moved.bin");
        }
        System.exit(0);
    }

    /** The etag of the content as {@code transferTo} streams it. */
    private static String etagOfRead(Blobs blobs, String path) throws IOException {
        ContentHash hash = new ContentHash();
        try (InputStream in = blobs.read(path)) {
            in.transferTo(new OutputStream() {
                @Override
                public void write(int b) {
                    hash.update(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    hash.update(b, off, len);
                }
            });
        }
        return hash.etag();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAILED: " + what);
            System.exit(3);
        }
    }
}
