package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.spi.BlobStore;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What a folded listing costs the store: core folds, so a page of directories must not ask the
 * store for a full batch of entries per directory. It did — after each directory it sought past it
 * and fetched {@code min(limit + 1, 1000)} entries again, using one — so a page of 100 directories
 * of 40 blobs read about 100,000 entries (12 s for one call on {@code file:}, which reads a sidecar
 * per entry; 1.3 s on SQLite), where a flat listing of the same blobs reads 4,100. Counted through a
 * store that counts the entries it returns.
 */
class FoldedListingCostTest {
    static final int DIRS = 100;
    static final int PER_DIR = 40;

    @Test
    void aFoldedPageReadsNoMoreEntriesThanTheBlobsUnderItsPrefix() throws Exception {
        try (Depot depot = Depot.open("memory:")) {
            AtomicLong entries = new AtomicLong();
            AtomicLong calls = new AtomicLong();
            Blobs blobs = counting((DefaultBlobs) depot.blobs("b"), (DefaultDepot) depot, entries, calls);
            byte[] one = {1};
            for (int d = 0; d < DIRS; d++) {
                for (int f = 0; f < PER_DIR; f++) {
                    blobs.put("p/d" + d + "/f" + f, one);
                }
                blobs.put("p/d" + d + "!", one); // sorts just before its directory
            }
            blobs.mkdir("p/empty");
            int total = DIRS * (PER_DIR + 1);

            entries.set(0);
            Page<BlobEntry> page = blobs.list(ListOptions.prefix("p/").delimiter("/"));
            assertThat(page.items()).hasSize(2 * DIRS + 1);
            assertThat(page.items().stream().filter(BlobEntry::isDirectory).map(BlobEntry::path))
                    .contains("p/d0/", "p/d99/", "p/empty/").hasSize(DIRS + 1);
            assertThat(page.nextCursor()).isNull();
            assertThat(entries.get()).as("entries read for one folded page (%d calls)", calls.get()).isLessThanOrEqualTo(total + 1001);

            entries.set(0);
            List<String> paged = new ArrayList<>();
            String cursor = null;
            do {
                Page<BlobEntry> p = blobs.list(ListOptions.prefix("p/").delimiter("/").limit(7).after(cursor));
                p.items().forEach(e -> paged.add(e.path()));
                cursor = p.nextCursor();
            } while (cursor != null);
            assertThat(paged).containsExactlyElementsOf(page.items().stream().map(BlobEntry::path).toList());
        }
    }

    /** The bucket's blobs through a store that counts what its {@code list} returns. */
    static Blobs counting(DefaultBlobs real, DefaultDepot depot, AtomicLong entries, AtomicLong calls) throws Exception {
        Field f = DefaultBlobs.class.getDeclaredField("store");
        f.setAccessible(true);
        BlobStore store = (BlobStore) f.get(real);
        BlobStore counted = (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("list")) {
                        calls.incrementAndGet();
                        entries.addAndGet(((List<?>) result).size());
                    }
                    return result;
                });
        return new DefaultBlobs("b", counted, Clock.systemUTC(), depot);
    }
}
