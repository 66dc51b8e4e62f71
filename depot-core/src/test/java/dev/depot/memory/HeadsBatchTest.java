package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HeadsBatch}: items reach the step in order with their heads, and a stop stops the walk. */
class HeadsBatchTest {
    private static Heads evenKeys(int n) {
        Heads heads = new Heads(4);
        for (int k = 0; k < n; k += 2) {
            heads.put(Version.of(k, k + 1, new byte[0], new Object[0], 1, null));
        }
        return heads;
    }

    @Test
    void handsEveryItemOnInOrderWithItsHead() {
        Heads heads = evenKeys(100);
        for (int n : new int[] {0, 1, 2, 3, 15, 16, 17, 31, 100}) {
            List<String> seen = new ArrayList<>();
            HeadsBatch<String> batch = new HeadsBatch<>(heads, (item, head) -> {
                seen.add(item + "=" + (head == null ? "-" : head.version()));
                return true;
            });
            for (int k = 0; k < n; k++) {
                assertThat(batch.add(k, "k" + k)).isTrue();
            }
            assertThat(batch.flush()).isTrue();
            List<String> expected = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                expected.add("k" + k + "=" + (k % 2 == 0 ? String.valueOf(k + 1) : "-"));
            }
            assertThat(seen).as("%d items", n).isEqualTo(expected);
        }
    }

    @Test
    void aStopEndsTheWalkAndLooksUpLittleBeyondIt() {
        Heads heads = evenKeys(100);
        for (int stopAt = 0; stopAt < 40; stopAt++) {
            int stop = stopAt;
            List<Integer> seen = new ArrayList<>();
            HeadsBatch<Integer> batch = new HeadsBatch<>(heads, (item, head) -> {
                seen.add(item);
                return item != stop;
            });
            int added = 0;
            boolean going = true;
            while (going && added < 100) {
                going = batch.add(added, added);
                added++;
            }
            assertThat(going).as("stopped at %d", stop).isFalse();
            assertThat(seen).as("stopped at %d", stop).hasSize(stop + 1).endsWith(stop);
            // Batches double from 2 up to 16: never more than twice the rows seen (plus one), nor 16, ahead.
            assertThat(added - 1 - stop).as("lookups beyond the stop at %d", stop)
                    .isLessThanOrEqualTo(Math.min(stop + 1, HeadsBatch.MAX - 1));
        }
    }
}
