package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A blob larger than the heap goes through every other call that moves content — the callback
 * write, copy, move, ranged reads, skip, {@code transferTo}, listing, {@code Blobs.sync} — on
 * {@code file:} and every SQL database, in a child JVM with {@code -Xmx64m} ({@link BigBlobOpsChild});
 * {@link BlobHeapTest} covers the streamed write and read. On memory, where the blob lives in the heap,
 * the heap holds the blob and a third more: a copy or move that duplicated the content would not fit.
 * {@code -Ddepot.probe.bigblob.mib=N} sets the blob size (default 96 MiB).
 */
class BlobHeapOpsProbeTest {
    private static final String PREFIX = "bhop_";

    static Stream<Arguments> backends() {
        return Stream.of(
                Arguments.of("memory", (TestDatabases.UrlSource) () -> "memory:"),
                Arguments.of("file", (TestDatabases.UrlSource) TestDatabases::files),
                // H2 runs inside the child JVM: its page cache (64 MiB by default) would take the whole heap.
                Arguments.of("h2-file", (TestDatabases.UrlSource) () -> TestDatabases.h2File() + "?driver.CACHE_SIZE=8192"),
                Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite),
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX)),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyCallThatMovesContentStreamsABlobLargerThanTheHeap(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        long mib = Long.getLong("depot.probe.bigblob.mib", 96);
        boolean memory = url.startsWith("memory:");
        String heap = memory ? (mib + mib / 3 + 24) + "m" : "64m";
        try {
            String text = ChildJvm.run(heap, BigBlobOpsChild.class, url, Long.toString(mib), memory ? "nosync" : "sync");
            assertThat(text).contains("callback write " + (mib << 20), "copy " + (mib << 20), "ranged and skipped",
                    "move " + (mib << 20), "list 2");
            if (!memory) {
                assertThat(text).contains("sync " + 2 * (mib << 20));
            }
        } finally {
            if (url.contains("tablePrefix=")) {
                TestDatabases.release(url, PREFIX);
            }
        }
    }
}
