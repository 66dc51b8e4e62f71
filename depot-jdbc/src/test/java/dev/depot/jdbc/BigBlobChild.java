package dev.depot.jdbc;

import dev.depot.BlobInfo;
import dev.depot.BlobOutputStream;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.spi.ContentHash;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Run by {@link BlobHeapTest} in a JVM whose heap is smaller than the blob: streams a blob of
 * {@code args[1]} MiB into the depot at {@code args[0]}, streams it back comparing every byte, then
 * shows that the same blob read whole does not fit this heap. Prints one line per step; exits 0
 * only if every step went as expected.
 */
public final class BigBlobChild {
    private static final int BLOCK = 64 * 1024;

    private BigBlobChild() {}

    /** Block {@code i} of the content: pseudo-random, different per block, so a shifted or repeated chunk shows. */
    static void block(long i, byte[] into) {
        long x = i * 0x9E3779B97F4A7C15L + 1;
        for (int k = 0; k < into.length; k++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            into[k] = (byte) x;
        }
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long size = Long.parseLong(args[1]) << 20;
        System.out.println("heap " + Runtime.getRuntime().maxMemory() + " blob " + size);
        byte[] expected = new byte[BLOCK];
        try (Depot depot = Depot.open(url)) {
            Blobs blobs = depot.blobs("big");
            ContentHash hash = new ContentHash();
            try (BlobOutputStream out = blobs.write("huge.bin")) {
                for (long i = 0; i * BLOCK < size; i++) {
                    block(i, expected);
                    out.write(expected);
                    hash.update(expected, 0, BLOCK);
                }
            }
            BlobInfo info = blobs.stat("huge.bin").orElseThrow();
            if (info.size() != size || !info.etag().equals(hash.etag())) {
                throw new AssertionError("stat says " + info.size() + " " + info.etag() + ", wrote " + size + " " + hash.etag());
            }
            System.out.println("streamed in " + size);
            byte[] got = new byte[BLOCK];
            long read = 0;
            try (InputStream in = blobs.read("huge.bin")) {
                for (long i = 0; ; i++) {
                    int n = in.readNBytes(got, 0, BLOCK);
                    if (n == 0) {
                        break;
                    }
                    block(i, expected);
                    if (n != BLOCK || !Arrays.equals(got, expected)) {
                        throw new AssertionError("block " + i + " differs (" + n + " bytes)");
                    }
                    read += n;
                }
            }
            if (read != size) {
                throw new AssertionError("read " + read + " of " + size);
            }
            System.out.println("streamed out " + read);
            try {
                byte[] whole = blobs.get("huge.bin");
                System.out.println("the whole blob fit in the heap: " + whole.length);
                System.exit(2);
            } catch (OutOfMemoryError e) {
                System.out.println("whole read ran out of memory");
            }
            blobs.delete("huge.bin");
        }
        System.exit(0);
    }
}
