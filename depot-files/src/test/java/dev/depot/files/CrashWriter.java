package dev.depot.files;

import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.WriteOptions;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * The child process of {@link CrashSafetyTest}: writes, replaces, copies, moves and deletes blobs in
 * {@code file:DIR} as fast as it can until it is killed, printing a line as each operation starts
 * and as each chunk of a write is written (except in "pause" mode). Every blob's content is {@link
 * #content(int, long)} of the size and the seed stored in its metadata, so the parent can check each
 * visible blob byte by byte.
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) throws Exception {
        String dir = args[0];
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        boolean pauseAfterFirstWrite = args.length > 2 && args[2].equals("pause");
        boolean wrote = false;
        try (Depot depot = Depot.open("file:" + dir)) {
            Blobs blobs = depot.blobs("crash");
            System.out.println("ready");
            System.out.flush();
            for (long i = 0; ; i++) {
                progress(!pauseAfterFirstWrite, "op");
                String path = path(random);
                int op = random.nextInt(10);
                if (op < 7) {
                    long seed = random.nextLong();
                    int size = random.nextInt(8) == 0 ? random.nextInt(2 << 20) : random.nextInt(256 << 10);
                    byte[] content = content(size, seed);
                    WriteOptions options = WriteOptions.contentType("application/x-crash").metadata("seed", Long.toString(seed));
                    blobs.write(path, options, (OutputStream out) -> {
                        for (int at = 0; at < content.length; at += 10_000) {
                            out.write(content, at, Math.min(10_000, content.length - at));
                            progress(!pauseAfterFirstWrite, "chunk");
                        }
                    });
                    if (pauseAfterFirstWrite && !wrote) {
                        System.out.println("wrote"); // and waits to be killed: one complete blob, whatever the machine's load
                        System.out.flush();
                        System.in.read();
                    }
                    wrote = true;
                } else if (op == 7) {
                    if (blobs.exists(path)) {
                        blobs.move(path, path(random));
                    }
                } else if (op == 8) {
                    if (blobs.exists(path)) {
                        blobs.copy(path, path(random));
                    }
                } else {
                    blobs.delete(path);
                }
            }
        }
    }

    /** One line per operation and per chunk written, which the parent counts to place its kill. */
    private static void progress(boolean report, String what) {
        if (report) {
            System.out.println(what);
            System.out.flush();
        }
    }

    static String path(SplittableRandom random) {
        return "d" + random.nextInt(4) + "/f" + random.nextInt(6);
    }

    /** Deterministic bytes of a size and seed. */
    static byte[] content(int size, long seed) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }
}
