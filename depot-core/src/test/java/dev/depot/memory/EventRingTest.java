package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.ChangeEvent;
import dev.depot.spi.KeyType;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link EventRing} against a deque of the events it was given: random appends, drops at both
 * ends, copies, growth and shrinking; every field of every event read back as it went in.
 */
class EventRingTest {
    private static final FeedSource NAMES = new FeedSource("names", KeyType.STRING);
    private static final FeedSource IDS = new FeedSource("ids", KeyType.UUID);
    private static final FeedSource NUMBERS = new FeedSource("numbers", KeyType.LONG);

    /** An event and what it was added with. */
    private record Added(ChangeEvent event, FeedSource source, Object key) {}

    private static Added random(long seq, SplittableRandom random) {
        ChangeEvent.Op op = ChangeEvent.Op.values()[random.nextInt(3)];
        long version = random.nextBoolean() ? 1 + random.nextInt(5) : random.nextLong(1, Long.MAX_VALUE);
        // Times from before 1970 to far ahead, any nanosecond: the ring packs them into columns.
        Instant time = Instant.ofEpochSecond(random.nextLong(-10_000_000_000L, 10_000_000_000L), random.nextInt(1_000_000_000));
        String origin = random.nextBoolean() ? "" : "origin-" + random.nextInt(3);
        return switch (random.nextInt(3)) {
            case 0 -> added(seq, NAMES, "k" + seq, op, version, time, origin);
            case 1 -> added(seq, IDS, new UUID(random.nextLong(), random.nextLong()), op, version, time, origin);
            default -> added(seq, NUMBERS, random.nextLong(), op, version, time, origin);
        };
    }

    private static Added added(long seq, FeedSource source, Object key, ChangeEvent.Op op, long version, Instant time, String origin) {
        return new Added(new ChangeEvent(seq, source.collection(), source.keyType().text(key), op, version, time, origin), source, key);
    }

    private static void add(EventRing ring, Added a) {
        ChangeEvent e = a.event();
        ring.add(e.sequence(), a.source(), a.key(), e.op(), e.version(), e.time(), e.origin());
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
                    Added a = random(next++, random);
                    add(ring, a);
                    model.addLast(a.event());
                }
            } else if (op < 85) {
                for (int n = 1 + random.nextInt(8); n > 0 && !model.isEmpty(); n--) {
                    assertThat(ring.oldestSequence()).isEqualTo(model.peekFirst().sequence());
                    ring.dropOldest();
                    model.pollFirst();
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
            if (!model.isEmpty()) {
                assertThat(ring.oldestSequence()).isEqualTo(model.peekFirst().sequence());
                assertThat(ring.newestSequence()).isEqualTo(model.peekLast().sequence());
                assertThat(ring.oldestTime()).isEqualTo(model.peekFirst().time());
            }
        }
    }

    @Test
    void tellsWhetherTheOldestIsBeforeAnInstantToTheNanosecond() {
        EventRing ring = new EventRing();
        Instant t = Instant.ofEpochSecond(-5, 999_999_999);
        ring.add(1, NAMES, "a", ChangeEvent.Op.INSERT, 1, t, "");
        assertThat(ring.oldestBefore(t)).isFalse();
        assertThat(ring.oldestBefore(t.plusNanos(1))).isTrue(); // the next second
        assertThat(ring.oldestBefore(t.minusNanos(1))).isFalse();
        assertThat(ring.oldestBefore(t.plusSeconds(1).minusNanos(999_999_999))).isTrue();
        ring.add(2, NAMES, "b", ChangeEvent.Op.DELETE, 7, Instant.MAX, "o");
        ring.dropOldest();
        assertThat(ring.oldestBefore(Instant.MAX)).isFalse();
        List<ChangeEvent> out = new ArrayList<>();
        ring.copy(0, 2, 10, out);
        assertThat(out).containsExactly(new ChangeEvent(2, "names", "b", ChangeEvent.Op.DELETE, 7, Instant.MAX, "o"));
    }

    @Test
    void refusesAnEventThatDoesNotFollowTheNewest() {
        EventRing ring = new EventRing();
        ring.add(5, NAMES, "a", ChangeEvent.Op.INSERT, 1, Instant.EPOCH, "");
        assertThatThrownBy(() -> ring.add(7, NAMES, "b", ChangeEvent.Op.INSERT, 1, Instant.EPOCH, ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("7");
        assertThat(ring.size()).isEqualTo(1);
        ring.clear();
        ring.add(9, NAMES, "c", ChangeEvent.Op.INSERT, 1, Instant.EPOCH, ""); // after a clear, sequences go on from anywhere
        assertThat(ring.oldestSequence()).isEqualTo(9);
    }
}
