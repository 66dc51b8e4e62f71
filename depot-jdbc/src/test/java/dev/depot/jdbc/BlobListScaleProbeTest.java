package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BlobEntry;
import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.ListOptions;
import dev.depot.Page;
import dev.depot.spi.CodePoints;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Listing many blobs whose paths share a long multi-byte prefix, on every blob backend: every page
 * of a flat and of a folded listing, with several page sizes, gives each path or directory exactly
 * once, in code point order. {@code -Ddepot.probe.listScale.dirs=D} and {@code .perDir=P} set the
 * shape (default 100 directories of 40 blobs, plus one blob beside each directory).
 */
class BlobListScaleProbeTest {
    private static final String PREFIX = "blsp_";
    /** About 240 UTF-8 bytes of 2-, 3- and 4-byte characters, shared by every path. */
    static final String SHARED = "ß€\uD83D\uDE00".repeat(26) + "/";

    static Stream<Arguments> backends() {
        return Stream.concat(Stream.of(Arguments.of("memory", (TestDatabases.UrlSource) () -> "memory:"),
                Arguments.of("file", (TestDatabases.UrlSource) TestDatabases::files)), TestDatabases.all(PREFIX));
    }

    static String dir(int d) {
        return SHARED + "d" + d + "-\u00E9\uD83D\uDCA9/";
    }

    static String blob(int d, int f) {
        return dir(d) + "f" + f + "-\u4E2D\uD83D\uDE00";
    }

    static String beside(int d) {
        return SHARED + "d" + d + "-\u00E9\uD83D\uDCA9!"; // "!" sorts before "/": just before its directory
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void flatAndFoldedPagesListEachPathOnceInCodePointOrder(String db, TestDatabases.UrlSource opener) throws Exception {
        int dirs = Integer.getInteger("depot.probe.listScale.dirs", 100);
        int perDir = Integer.getInteger("depot.probe.listScale.perDir", 40);
        String given = opener.url();
        String url = given.startsWith("memory:") || given.startsWith("file:") ? given : ReadableSchemaTest.url(() -> given, PREFIX);
        try (Depot depot = Depot.open(url)) {
            Blobs blobs = depot.blobs("scale");
            TreeSet<String> flat = new TreeSet<>(CodePoints::compare);
            TreeSet<String> folded = new TreeSet<>(CodePoints::compare);
            long t0 = System.nanoTime();
            byte[] one = {1};
            for (int d = 0; d < dirs; d++) {
                for (int f = 0; f < perDir; f++) {
                    blobs.put(blob(d, f), one);
                    flat.add(blob(d, f));
                }
                blobs.put(beside(d), one);
                flat.add(beside(d));
                folded.add(beside(d));
                folded.add(dir(d));
            }
            long t1 = System.nanoTime();
            for (int limit : new int[] {1000, 777, 1}) {
                if (limit == 1 && flat.size() > 5000) {
                    continue;
                }
                assertThat(pages(blobs, ListOptions.prefix(SHARED).limit(limit))).as("flat, limit %d", limit).containsExactlyElementsOf(flat);
            }
            long t2 = System.nanoTime();
            for (int limit : new int[] {1000, 7, 1}) {
                assertThat(pages(blobs, ListOptions.prefix(SHARED).delimiter("/").limit(limit))).as("folded, limit %d", limit)
                        .containsExactlyElementsOf(folded);
            }
            long t3 = System.nanoTime();
            assertThat(pages(blobs, ListOptions.prefix(dir(dirs / 2)).delimiter("/").limit(13)))
                    .containsExactlyElementsOf(flat.subSet(dir(dirs / 2), CodePoints.prefixUpperBound(dir(dirs / 2))));
            System.out.printf("%s: %d blobs put in %d ms, flat listings %d ms, folded listings %d ms%n", db, flat.size(),
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
            depot.clear();
        }
    }

    /**
     * The same shape while another thread writes and deletes blobs in the odd directories and beside
     * them: every page of a flat and a folded listing, with small and large pages, is in strictly
     * increasing code point order and holds each path of the even directories (and each even
     * directory) exactly once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void pagesUnderConcurrentWritesAndDeletesHoldEveryStablePathOnce(String db, TestDatabases.UrlSource opener) throws Exception {
        int dirs = Integer.getInteger("depot.probe.listScale.dirs", 100) / 2 * 2;
        int perDir = Integer.getInteger("depot.probe.listScale.perDir", 40) / 2;
        String given = opener.url();
        String url = given.startsWith("memory:") || given.startsWith("file:") ? given : ReadableSchemaTest.url(() -> given, PREFIX);
        try (Depot depot = Depot.open(url)) {
            Blobs blobs = depot.blobs("churn");
            TreeSet<String> flat = new TreeSet<>(CodePoints::compare);
            TreeSet<String> folded = new TreeSet<>(CodePoints::compare);
            byte[] one = {1};
            for (int d = 0; d < dirs; d += 2) {
                for (int f = 0; f < perDir; f++) {
                    blobs.put(blob(d, f), one);
                    flat.add(blob(d, f));
                }
                folded.add(dir(d));
            }
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ConcurrentLinkedQueue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
            Thread churn = Thread.ofPlatform().start(() -> {
                java.util.Random r = new java.util.Random(7);
                try {
                    while (!stop.get()) {
                        int d = 1 + 2 * r.nextInt(dirs / 2);
                        String p = r.nextInt(4) == 0 ? beside(d) : blob(d, r.nextInt(perDir));
                        if (r.nextBoolean()) {
                            blobs.put(p, one);
                        } else {
                            blobs.delete(p);
                        }
                        changes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            try {
                for (int limit : new int[] {1000, 7}) {
                    assertStableOnce(pages(blobs, ListOptions.prefix(SHARED).limit(limit)), flat);
                    assertStableOnce(pages(blobs, ListOptions.prefix(SHARED).delimiter("/").limit(limit)), folded);
                }
            } finally {
                stop.set(true);
                churn.join();
            }
            assertThat(errors).isEmpty();
            System.out.printf("%s: listed under %d concurrent changes%n", db, changes.get());
            depot.clear();
        }
    }

    static void assertStableOnce(List<String> listed, java.util.Set<String> stable) {
        for (int i = 1; i < listed.size(); i++) {
            assertThat(CodePoints.compare(listed.get(i - 1), listed.get(i))).as("order at %d", i).isNegative();
        }
        assertThat(listed).containsAll(stable);
    }

    /** Every page's paths, checking the cursor is the last path of its page and no page is empty. */
    static List<String> pages(Blobs blobs, ListOptions options) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        long t0 = System.nanoTime();
        int calls = 0;
        do {
            Page<BlobEntry> page = blobs.list(options.after(cursor));
            calls++;
            assertThat(page.items()).as("no empty page after %s", cursor).isNotEmpty();
            for (BlobEntry e : page.items()) {
                out.add(e.path());
            }
            cursor = page.nextCursor();
            if (cursor != null) {
                assertThat(cursor).isEqualTo(page.items().getLast().path());
            }
        } while (cursor != null);
        assertThat(SHARED.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(200);
        System.out.printf("  %s limit %d: %d entries, %d calls, %d ms%n", options.delimiter() == null ? "flat" : "folded", options.limit(),
                out.size(), calls, (System.nanoTime() - t0) / 1_000_000);
        return out;
    }
}
