package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A blob three times the size of the heap streams in and out of every SQL database: the work runs in
 * a child JVM with {@code -Xmx64m} ({@link BigBlobChild}), which also shows that reading the same
 * blob whole runs out of memory there, so the test would fail if a write or a read held the blob.
 * {@code -Ddepot.bigblob.mib=N} sets the blob size (default 192 MiB).
 */
class BlobHeapTest {
    private static final String HEAP = "64m";
    private static final String PREFIX = "tckbig_";

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> databases() {
        return java.util.stream.Stream.of(
                // H2 runs inside the child JVM: its page cache (64 MiB by default) would take the whole heap.
                org.junit.jupiter.params.provider.Arguments.of("h2-file",
                        (TestDatabases.UrlSource) () -> TestDatabases.h2File() + "?driver.CACHE_SIZE=8192"),
                org.junit.jupiter.params.provider.Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite),
                org.junit.jupiter.params.provider.Arguments.of("postgresql",
                        (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX)),
                org.junit.jupiter.params.provider.Arguments.of("mariadb",
                        (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aBlobLargerThanTheHeapStreamsBothWays(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        long mib = Long.getLong("depot.bigblob.mib", 192);
        try {
            String text = ChildJvm.run(HEAP, BigBlobChild.class, url, Long.toString(mib));
            assertThat(text).contains("streamed in " + (mib << 20), "streamed out " + (mib << 20), "whole read ran out of memory");
        } finally {
            if (url.contains("tablePrefix=")) {
                TestDatabases.release(url, PREFIX);
            }
        }
    }
}
