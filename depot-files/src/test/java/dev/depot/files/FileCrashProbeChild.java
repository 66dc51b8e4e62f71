package dev.depot.files;

import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.WriteOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * The child of {@link FileCrashProbeTest}: runs puts (streamed in 8,000-byte pieces), streamed reads,
 * copies, moves and deletes on a few paths of {@code file:DIR} until it is killed. Before each operation
 * it prints {@code B op path [to] [size seed]}, a {@code c} line per piece written or read, and after it
 * {@code E} (done) or {@code F} (refused, nothing changed), so the parent knows the one operation that
 * may have been in flight when it killed the process.
 */
public final class FileCrashProbeChild {
    private FileCrashProbeChild() {}

    static String path(SplittableRandom r) {
        return "d" + r.nextInt(6) + "/f" + r.nextInt(3);
    }

    public static void main(String[] args) throws Exception {
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        try (Depot depot = Depot.open("file:" + args[0] + "?fsync=false")) {
            Blobs blobs = depot.blobs("crash");
            say("ready");
            while (true) {
                int op = random.nextInt(10);
                String path = path(random);
                try {
                    if (op < 5) {
                        long seed = random.nextLong();
                        int size = random.nextInt(4) == 0 ? random.nextInt(600_000) : random.nextInt(40_000);
                        say("B put " + path + " " + size + " " + seed);
                        byte[] content = CrashWriter.content(size, seed);
                        blobs.write(path, WriteOptions.contentType("application/x-crash").metadata("seed", Long.toString(seed)),
                                (OutputStream out) -> {
                                    for (int at = 0; at < content.length; at += 8_000) {
                                        out.write(content, at, Math.min(8_000, content.length - at));
                                        say("c");
                                    }
                                });
                    } else if (op == 5) {
                        say("B read " + path);
                        try (InputStream in = blobs.read(path)) {
                            byte[] buf = new byte[8_000];
                            while (in.read(buf) > 0) {
                                say("c");
                            }
                        }
                    } else if (op == 6) {
                        String to = path(random);
                        say("B copy " + path + " " + to);
                        blobs.copy(path, to);
                    } else if (op == 7 || op == 8) {
                        String to = path(random);
                        say("B move " + path + " " + to);
                        blobs.move(path, to);
                    } else {
                        say("B delete " + path);
                        blobs.delete(path);
                    }
                    say("E");
                } catch (RuntimeException refused) {
                    say("F " + refused.getClass().getSimpleName());
                }
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
