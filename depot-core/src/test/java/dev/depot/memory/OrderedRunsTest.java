package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link OrderedRuns} against {@link TreeSet} as the model, alone and under concurrent use. */
class OrderedRunsTest {
    private static final Comparator<Integer> ORDER = Comparator.naturalOrder();

    @Test
    void behavesLikeASortedSetAcrossManyMerges() {
        Random random = new Random(7);
        Set<Integer> live = new HashSet<>();
        OrderedRuns<Integer> runs = new OrderedRuns<>(ORDER, live::contains, Packing.identity());
        TreeSet<Integer> model = new TreeSet<>();
        for (int i = 0; i < 60_000; i++) {
            int v = random.nextInt(40_000);
            runs.add(v);
            runs.mergeIfDue();
            model.add(v);
            live.add(v);
            if (i % 997 == 0) {
                assertSameRanges(runs, model, random);
            }
        }
        assertThat(list(runs.all())).containsExactlyElementsOf(model);
    }

    @Test
    void packedIndexEntriesBehaveLikeASortedSet() {
        packedEntriesBehaveLikeASortedSet(Packing.ENTRIES);
    }

    /** The long column, with null values and Long.MIN_VALUE (the value a null's slot holds) mixed in. */
    @Test
    void longColumnEntriesBehaveLikeASortedSet() {
        packedEntriesBehaveLikeASortedSet(Packing.LONG_ENTRIES);
    }

    @Test
    void longColumnCompactionKeepsNullAndMinimumValues() {
        Comparator<IndexEntry> order = IndexEntry.comparator(IndexType.LONG, KeyType.STRING);
        Set<IndexEntry> live = ConcurrentHashMap.newKeySet();
        OrderedRuns<IndexEntry> runs = new OrderedRuns<>(order, live::contains, Packing.LONG_ENTRIES);
        TreeSet<IndexEntry> model = new TreeSet<>(order);
        Random random = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            int r = random.nextInt(8);
            Long value = r == 0 ? null : r == 1 ? Long.MIN_VALUE : r == 2 ? Long.MAX_VALUE : (long) random.nextInt(300) - 150;
            IndexEntry e = new IndexEntry(value, "k" + i);
            if (random.nextBoolean()) {
                live.add(e);
                model.add(e);
            }
            runs.add(e);
            runs.mergeIfDue();
        }
        runs.compactNow();
        assertThat(list(runs.all())).containsExactlyElementsOf(model);
    }

    private static void packedEntriesBehaveLikeASortedSet(Packing<IndexEntry> packing) {
        Comparator<IndexEntry> order = IndexEntry.comparator(IndexType.LONG, KeyType.STRING);
        OrderedRuns<IndexEntry> runs = new OrderedRuns<>(order, e -> true, packing);
        TreeSet<IndexEntry> model = new TreeSet<>(order);
        Random random = new Random(11);
        for (int i = 0; i < 30_000; i++) {
            int r = random.nextInt(10);
            Long value = r == 0 ? null : r == 1 ? Long.MIN_VALUE : (long) random.nextInt(500);
            IndexEntry e = new IndexEntry(value, "k" + random.nextInt(2_000));
            runs.add(e);
            runs.mergeIfDue();
            model.add(e);
        }
        assertThat(list(runs.all())).containsExactlyElementsOf(model);
        for (long v = -1; v < 500; v += 37) {
            IndexEntry low = new IndexEntry(v, IndexEntry.LOW);
            IndexEntry high = new IndexEntry(v, IndexEntry.HIGH);
            assertThat(list(runs.between(low, high))).containsExactlyElementsOf(model.subSet(low, false, high, false));
            assertThat(runs.lower(low)).isEqualTo(model.lower(low));
        }
        IndexEntry afterNulls = new IndexEntry(null, IndexEntry.HIGH);
        assertThat(list(runs.between(null, afterNulls))).containsExactlyElementsOf(model.headSet(afterNulls, false));
    }

    @Test
    void garbageIsDroppedOnlyWhenCompacting() {
        Set<Integer> live = new HashSet<>();
        OrderedRuns<Integer> runs = new OrderedRuns<>(ORDER, live::contains, Packing.identity());
        for (int i = 0; i < 50_000; i++) {
            if (i % 10 == 0) {
                live.add(i); // like the engine: the version is installed before its entries are added
            }
            runs.add(i);
            runs.mergeIfDue();
            if (i % 10 != 0) {
                runs.noteGarbage();
            }
        }
        for (int i = 50_000; i < 60_000; i++) { // enough further adds to trigger a compacting merge
            live.add(i);
            runs.add(i);
            runs.mergeIfDue();
        }
        List<Integer> all = list(runs.all());
        assertThat(all).isSorted().doesNotHaveDuplicates();
        assertThat(all).containsAll(live);
        assertThat(runs.size()).isLessThan(40_000);
    }

    /**
     * The interleaving of issue 7, made deterministic: while a compacting merge judges an element
     * (the keep predicate runs on the merger's thread), a writer makes it live again and re-adds
     * it. The re-add must survive the merge whatever the merge decided.
     */
    @Test
    void anElementRevivedWhileTheMergeJudgesItSurvives() {
        Set<Integer> live = new HashSet<>();
        OrderedRuns<Integer>[] holder = new OrderedRuns[1];
        int revived = 10_000;
        OrderedRuns<Integer> runs = new OrderedRuns<>(ORDER, e -> {
            boolean wasLive = live.contains(e);
            if (e == revived && !wasLive) { // the writer rewrites its key back to this value right now
                live.add(e);
                holder[0].add(e);
            }
            return wasLive;
        }, Packing.identity());
        holder[0] = runs;
        for (int i = 0; i < 5_000; i++) {
            live.add(i);
            runs.add(i);
            runs.mergeIfDue();
        }
        live.add(revived);
        runs.add(revived); // in the recent run...
        live.remove(revived); // ...then its key moves to another value
        runs.noteGarbage();
        for (int i = 0; i < 4_000; i++) {
            live.remove(i);
            runs.noteGarbage();
        }
        for (int i = 20_000; i < 22_200; i++) { // enough to make a (compacting) merge due
            live.add(i);
            runs.add(i);
        }
        runs.mergeIfDue();
        runs.add(-1);
        assertThat(runs.size()).as("the merge compacted").isLessThan(5_000);
        assertThat(list(runs.all())).contains(revived).containsAll(live);
    }

    @Test
    void concurrentAddersLoseNothingAndReadersSeeSortedUniqueElements() throws Exception {
        OrderedRuns<Integer> runs = new OrderedRuns<>(ORDER, x -> true, Packing.identity());
        int threads = 4;
        int perThread = 25_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        Set<String> readerProblems = ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> adders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t;
                adders.add(pool.submit(() -> {
                    await(start);
                    for (int i = 0; i < perThread; i++) {
                        runs.add(i * threads + base);
                        runs.mergeIfDue();
                    }
                }));
            }
            Future<?> reader = pool.submit(() -> {
                await(start);
                while (!done.get()) {
                    List<Integer> seen = list(runs.all());
                    for (int i = 1; i < seen.size(); i++) {
                        if (seen.get(i - 1) >= seen.get(i)) {
                            readerProblems.add("unsorted or duplicate at " + i);
                        }
                    }
                }
            });
            start.countDown();
            for (Future<?> f : adders) {
                f.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            reader.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(readerProblems).isEmpty();
        List<Integer> all = list(runs.all());
        assertThat(all).hasSize(threads * perThread).isSorted();
    }

    private static void assertSameRanges(OrderedRuns<Integer> runs, NavigableSet<Integer> model, Random random) {
        for (int k = 0; k < 20; k++) {
            int a = random.nextInt(41_000) - 500;
            int b = a + random.nextInt(3_000);
            assertThat(list(runs.between(a, b))).containsExactlyElementsOf(model.subSet(a, false, b, false));
            assertThat(runs.lower(a)).isEqualTo(model.lower(a));
        }
        assertThat(runs.lower(null)).isEqualTo(model.isEmpty() ? null : model.last());
    }

    private static <E> List<E> list(Iterable<E> it) {
        List<E> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
