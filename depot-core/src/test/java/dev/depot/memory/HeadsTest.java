package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link Heads}: map semantics against a reference map, resizing both ways, readers during writes. */
class HeadsTest {
    private static Version v(Object key, long n) {
        return Version.of(key, n, new byte[0], new Object[0], n, null);
    }

    @Test
    void behavesAsAMapThroughGrowthDeletesAndShrinking() {
        Heads heads = new Heads(4);
        Map<Integer, Version> model = new HashMap<>();
        Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            int k = random.nextInt(step < 100_000 ? 5_000 : 50); // second half: mostly deletes of a wide table
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    Version n = v(k, step);
                    heads.put(n);
                    model.put(k, n);
                }
                case 2 -> {
                    Version h = heads.get(k);
                    assertThat(h).isSameAs(model.get(k));
                    if (h != null) {
                        assertThat(heads.remove(v(k, -1))).as("only the current head is removed").isFalse();
                        assertThat(heads.remove(h)).isTrue();
                        model.remove(k);
                    }
                }
                default -> {
                    Version h = heads.get(k);
                    if (h != null) {
                        Version n = v(k, step);
                        assertThat(heads.replace(n, v(k, 0))).as("replace needs the current head").isFalse();
                        assertThat(heads.replace(h, n)).isTrue();
                        model.put(k, n);
                    }
                }
            }
            if (step % 10_000 == 0 || step == 199_999) {
                for (int i = 0; i < 5_000; i++) {
                    assertThat(heads.get(i)).as("key %d", i).isSameAs(model.get(i));
                }
                assertBatchesMatch(heads, model, 5_000);
                assertThat(heads.size()).isEqualTo(model.size());
                List<Version> all = new ArrayList<>();
                heads.forEach(all::add);
                assertThat(all).containsExactlyInAnyOrderElementsOf(model.values());
            }
        }
        for (Integer k : List.copyOf(model.keySet())) {
            assertThat(heads.remove(model.remove(k))).isTrue();
        }
        assertThat(heads.isEmpty()).isTrue();
        assertThat(heads.capacity()).as("the table shrinks after mass deletes").isLessThanOrEqualTo(64);
    }

    /** {@link Heads#getAll} over every batch size up to the maximum agrees with the model. */
    private static void assertBatchesMatch(Heads heads, Map<?, Version> model, int keys) {
        Object[] batch = new Object[HeadsBatch.MAX];
        Version[] out = new Version[HeadsBatch.MAX];
        int[] hashes = new int[HeadsBatch.MAX];
        int size = 1;
        for (int from = 0; from < keys; from += size, size = size % HeadsBatch.MAX + 1) {
            int n = Math.min(size, keys - from);
            for (int j = 0; j < n; j++) {
                batch[j] = from + j;
            }
            heads.getAll(batch, n, hashes, out);
            for (int j = 0; j < n; j++) {
                assertThat(out[j]).as("key %d in a batch of %d", from + j, n).isSameAs(model.get(from + j));
            }
        }
    }

    /** A key whose hash code collides with every other one: lookups must fall back to equals. */
    record Colliding(int id) {
        @Override
        public int hashCode() {
            return 7;
        }
    }

    @Test
    void keysWithEqualHashCodesAreToldApartByEquals() {
        Heads heads = new Heads(4);
        Map<Colliding, Version> model = new HashMap<>();
        for (int k = 0; k < 40; k += 2) { // even ids present, odd absent (probes end on an empty slot)
            Version v = v(new Colliding(k), k);
            heads.put(v);
            model.put(new Colliding(k), v);
        }
        for (int k = 0; k < 40; k += 4) {
            assertThat(heads.remove(model.remove(new Colliding(k)))).isTrue(); // deleted slots in the probe
        }
        Object[] batch = new Object[40];
        for (int k = 0; k < 40; k++) {
            batch[k] = new Colliding(k);
            assertThat(heads.get(batch[k])).as("id %d", k).isSameAs(model.get(batch[k]));
        }
        Version[] out = new Version[40];
        heads.getAll(batch, 40, new int[40], out);
        for (int k = 0; k < 40; k++) {
            assertThat(out[k]).as("id %d, batched", k).isSameAs(model.get(batch[k]));
        }
    }

    @Test
    void equalKeysThatAreDistinctObjectsFindOneSlot() {
        Heads heads = new Heads(4);
        heads.put(v(new String("k"), 1));
        heads.put(v(new String("k"), 2));
        assertThat(heads.size()).isEqualTo(1);
        assertThat(heads.get("k").version()).isEqualTo(2);
    }

    @Test
    void refusesACapacityThatIsNoPowerOfTwo() {
        assertThatThrownBy(() -> new Heads(6)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6");
    }

    /**
     * Readers never miss a key that stays present while a writer grows, churns and shrinks the
     * table around it (resizes, deleted-slot reuse, wrap-around).
     */
    @Test
    void readersAlwaysFindStableKeysWhileTheTableChanges() throws InterruptedException {
        Heads heads = new Heads(4);
        int stable = 64;
        for (int k = 0; k < stable; k++) {
            heads.put(v(k, 1));
        }
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Thread t = new Thread(() -> {
                Object[] batch = new Object[stable];
                for (int k = 0; k < stable; k++) {
                    batch[k] = k;
                }
                int[] hashes = new int[stable];
                Version[] found = new Version[stable];
                while (!stop.get()) {
                    for (int k = 0; k < stable; k++) {
                        Version h = heads.get(k);
                        if (h == null || !h.key.equals(k)) {
                            failures.add("key " + k + " missing or wrong: " + h);
                        }
                    }
                    heads.getAll(batch, stable, hashes, found);
                    for (int k = 0; k < stable; k++) {
                        if (found[k] == null || !found[k].key.equals(k)) {
                            failures.add("key " + k + " missing or wrong in a batch: " + found[k]);
                        }
                    }
                }
            });
            t.start();
            readers.add(t);
        }
        try {
            for (int round = 0; round < 40; round++) {
                List<Version> churn = new ArrayList<>();
                for (int k = 1_000; k < 1_000 + 5_000; k++) {
                    Version c = v(k, round);
                    heads.put(c);
                    churn.add(c);
                }
                for (int k = 0; k < stable; k++) {
                    heads.put(v(k, round + 2)); // the stable keys get new heads in place
                }
                for (Version c : churn) {
                    assertThat(heads.remove(c)).isTrue();
                }
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
        assertThat(failures).isEmpty();
        assertThat(heads.size()).isEqualTo(stable);
    }
}
