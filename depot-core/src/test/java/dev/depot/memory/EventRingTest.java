package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.ChangeEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link EventRing} against a deque model: random appends, drops at both ends, copies, growth and shrinking. */
class EventRingTest {
    private static ChangeEvent event(long seq) {
        return new ChangeEvent(seq, "c", "k" + seq, ChangeEvent.Op.INSERT, 1, Instant.EPOCH);
    }

    @Test
    void agreesWithADequeOverRandomOperations() {
        SplittableRandom random = new SplittableRandom(42);
        EventRing ring = new EventRing();
        ArrayDeque<ChangeEvent> model = new ArrayDeque<>();
        long next = 1;
        for (int step = 0; step < 100_000; step++) {
            int op = random.nextInt(100);
            // Phases of growth and of shrinking, so the ring resizes both ways many times.
            boolean growing = (step / 2_000) % 2 == 0;
            if (op < (growing ? 50 : 10)) {
                int n = 1 + random.nextInt(8);
                for (int i = 0; i < n; i++) {
                    ChangeEvent e = event(next++);
                    ring.add(e);
                    model.addLast(e);
                }
            } else if (op < 85) {
                for (int n = 1 + random.nextInt(8); n > 0 && !model.isEmpty(); n--) {
                    assertThat(ring.dropOldest()).isSameAs(model.pollFirst());
                }
            } else if (op < 88) {
                int n = Math.min(model.size(), 1 + random.nextInt(4));
                ring.dropNewest(n);
                for (int i = 0; i < n; i++) {
                    model.pollLast();
                }
                next -= n; // a failed commit gives its sequences back
            } else {
                long after = next - 1 - random.nextInt(64);
                long upTo = next - 1 - random.nextInt(4);
                int limit = 1 + random.nextInt(40);
                List<ChangeEvent> got = new ArrayList<>();
                int n = ring.copy(after, upTo, limit, got);
                List<ChangeEvent> want = model.stream().filter(e -> e.sequence() > after && e.sequence() <= upTo).limit(limit).toList();
                assertThat(got).containsExactlyElementsOf(want);
                assertThat(n).isEqualTo(want.size());
            }
            assertThat(ring.size()).isEqualTo(model.size());
            assertThat(ring.oldest()).isSameAs(model.peekFirst());
            assertThat(ring.newest()).isSameAs(model.peekLast());
        }
    }

    @Test
    void refusesAnEventThatDoesNotFollowTheNewest() {
        EventRing ring = new EventRing();
        ring.add(event(5));
        assertThatThrownBy(() -> ring.add(event(7))).isInstanceOf(IllegalStateException.class).hasMessageContaining("7");
        assertThat(ring.size()).isEqualTo(1);
        ring.clear();
        ring.add(event(9)); // after a clear, sequences go on from anywhere
        assertThat(ring.oldest().sequence()).isEqualTo(9);
    }
}
