package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BlobEntry;
import dev.depot.Blobs;
import dev.depot.Capability;
import dev.depot.ListOptions;
import dev.depot.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Base of the blob groups: skipped on a backend without {@link Capability#BLOBS}; the kit's bucket and helpers. */
abstract class BlobFeatureTests extends FeatureTests {
    static final String BUCKET = "kit";
    static final int MIB = 1 << 20;

    BlobFeatureTests(DepotConformanceSuite suite) {
        super(suite);
    }

    @Override
    Capability groupCapability() {
        return Capability.BLOBS;
    }

    final Blobs blobs() {
        return depot().blobs(BUCKET);
    }

    /** {@code n} bytes of a pattern that differs with {@code seed} and position, so a shifted or mixed copy shows. */
    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed * 0x9E3779B9 + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every entry of a listing, following cursors. */
    static List<BlobEntry> listAll(Blobs blobs, ListOptions options) {
        List<BlobEntry> out = new ArrayList<>();
        String cursor = null;
        do {
            Page<BlobEntry> page = blobs.list(options.after(cursor));
            out.addAll(page.items());
            cursor = page.nextCursor();
            if (cursor != null) {
                assertThat(page.items()).as("a page with a cursor is full").hasSize(options.limit());
            }
        } while (cursor != null);
        return out;
    }

    static List<String> paths(List<BlobEntry> entries) {
        return entries.stream().map(BlobEntry::path).toList();
    }
}
