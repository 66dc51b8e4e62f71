package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A queue whose payloads together exceed the heap goes through its whole life on every SQL database
 * in a child JVM with {@code -Xmx64m} ({@link QueueScaleChild}): listing, leasing, expiring every
 * lease at once into a dead-letter queue, dying there and being purged by retention in one call, and
 * {@code clear()} must each work in bounded memory, with counts that agree with the model. Memory
 * keeps its items in the heap, so it runs the same life with room for them (counts only).
 * {@code -Ddepot.probe.queueScale.items=N} (default 10,000) and {@code -Ddepot.probe.queueScale.kib=K}
 * (default 8) set the size. H2 (file) runs only with {@code -Ddepot.probe.queueScale.h2=true}: it
 * holds the payload in the row, so every state change rewrites it, and its store keeps rewritten
 * pages for its retention time — 10,000 items of 4 KiB took 108 s and grew the file to 1.9 GB during
 * the run (57 KB once closed), 20,000 took 303 s; it passes, slowly.
 */
class QueueHeapProbeTest {
    private static final String PREFIX = "qhp_";

    static Stream<Arguments> backends() {
        Stream<Arguments> h2 = Boolean.getBoolean("depot.probe.queueScale.h2")
                ? Stream.of(Arguments.of("h2-file", (TestDatabases.UrlSource) () -> TestDatabases.h2File() + "?driver.CACHE_SIZE=8192"))
                : Stream.empty();
        return Stream.concat(Stream.concat(Stream.of(Arguments.of("memory", (TestDatabases.UrlSource) () -> "memory:")), h2),
                Stream.of(
                        Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite),
                        Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX)),
                        Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aQueueLargerThanTheHeapLivesAndDiesInBoundedMemory(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        int items = Integer.getInteger("depot.probe.queueScale.items", 10_000);
        int kib = Integer.getInteger("depot.probe.queueScale.kib", 8);
        long payloadMib = ((long) items * kib) >> 10;
        String heap = url.startsWith("memory:") ? (3 * payloadMib + 128) + "m" : "64m";
        try {
            String text = ChildJvm.run(heap, QueueScaleChild.class, url, Integer.toString(items), Integer.toString(kib));
            assertThat(text).contains("purged " + items + " (", "cleared " + items + " (");
            System.out.println(name + ": " + text);
        } finally {
            if (url.contains("tablePrefix=")) {
                TestDatabases.release(url, PREFIX);
            }
        }
    }
}
