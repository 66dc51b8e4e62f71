package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Blobs;
import dev.depot.Depot;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A read of more than one chunk holds a pooled connection for its snapshot only until the range is
 * read to its end or the stream closes: on a pool of 2, many long reads left unclosed after reading
 * to the end, then two held open at once, leave the depot usable. (A leak would make the third open
 * wait out {@code poolTimeout} and fail.)
 */
class BlobReadConnectionTest {
    private static final String PREFIX = "tckrc_";

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("h2", (TestDatabases.UrlSource) TestDatabases::h2Mem),
                Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite),
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), PREFIX)),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), PREFIX)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void longReadsGiveTheirConnectionBackAtTheEnd(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        try (Depot depot = Depot.open(url + (url.contains("?") ? "&" : "?") + "poolSize=2&poolTimeout=2s")) {
            Blobs blobs = depot.blobs("b");
            byte[] content = new byte[3 * (1 << 20) + 11];
            new Random(3).nextBytes(content);
            blobs.put("long.bin", content);

            List<InputStream> unclosed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                InputStream in = blobs.read("long.bin");
                assertThat(in.readAllBytes()).isEqualTo(content);
                unclosed.add(in); // read to the end, never closed
            }
            InputStream a = blobs.read("long.bin", 10, 2 << 20);
            InputStream b = blobs.read("long.bin", 20, 2 << 20);
            assertThat(a.readNBytes(5)).isEqualTo(Arrays.copyOfRange(content, 10, 15));
            assertThat(b.readNBytes(5)).isEqualTo(Arrays.copyOfRange(content, 20, 25));
            a.close();
            b.close();
            assertThat(blobs.stat("long.bin")).isPresent();
            assertThat(blobs.get("long.bin")).isEqualTo(content);
            assertThat(unclosed).hasSize(10);
        } finally {
            if (url.contains("tablePrefix=")) {
                TestDatabases.release(url, PREFIX);
            }
        }
    }
}
