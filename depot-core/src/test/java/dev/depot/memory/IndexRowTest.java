package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.spi.IndexType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link IndexRow}: every index type round-trips, and byte order of the encoded values is {@link
 * IndexType}'s order with nulls first (equal bytes exactly when equal values), on edge values and
 * random ones.
 */
class IndexRowTest {
    private static final Random RANDOM = new Random(8);

    @Test
    void encodedOrderIsIndexOrderForEveryType() {
        for (IndexType type : IndexType.values()) {
            List<Object> values = samples(type);
            for (Object a : values) {
                byte[] ea = IndexRow.single(a);
                assertThat(IndexRow.decode(ea, 0)).as("%s round trip", type).isEqualTo(a);
                for (Object b : values) {
                    byte[] eb = IndexRow.single(b);
                    int expected = Integer.signum(type.compareNullsFirst(a, b));
                    assertThat(Integer.signum(IndexRow.compare(ea, 0, ea.length, eb, 0, eb.length)))
                            .as("%s: %s vs %s", type, a, b).isEqualTo(expected);
                    assertThat(IndexRow.equal(ea, 0, ea.length, eb, 0, eb.length)).isEqualTo(expected == 0);
                }
            }
        }
    }

    @Test
    void aRowHoldsEachValueAtItsPlace() {
        Object[] values = {"naïve 😀", null, 42L, -0.5, true, Instant.parse("2024-01-01T00:00:00.123456Z"),
                new UUID(-1, 7), ""};
        byte[] row = IndexRow.of(values);
        assertThat(IndexRow.count(row)).isEqualTo(values.length);
        for (int i = 0; i < values.length; i++) {
            int from = IndexRow.start(row, i);
            assertThat(IndexRow.decode(row, from)).isEqualTo(values[i]);
            byte[] alone = IndexRow.single(values[i]);
            assertThat(IndexRow.equal(row, from, IndexRow.end(row, from), alone, 0, alone.length)).isTrue();
        }
        assertThatThrownBy(() -> IndexRow.start(row, values.length)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void refusesWhatIsNotANormalisedValue() {
        assertThatThrownBy(() -> IndexRow.of(new Object[] {1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Integer");
        assertThatThrownBy(() -> IndexRow.single("a\u0000b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexRow.single("a\uD800b")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Object> samples(IndexType type) {
        List<Object> out = new ArrayList<>();
        out.add(null);
        switch (type) {
            case STRING -> {
                out.addAll(Arrays.asList("", "a", "ab", "abc", "b", "Z", "é", "\uE000", "\uFFFF", "😀", "😀a", "a😀",
                        "\u007F", "\u0080", "\u07FF", "\u0800"));
                for (int i = 0; i < 30; i++) {
                    StringBuilder s = new StringBuilder();
                    for (int j = RANDOM.nextInt(4); j > 0; j--) {
                        s.appendCodePoint(randomCodePoint());
                    }
                    out.add(s.toString());
                }
            }
            case LONG -> {
                out.addAll(List.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE, 255L, 256L, -256L));
                RANDOM.longs(20).forEach(out::add);
            }
            case DOUBLE -> {
                out.addAll(List.of(Double.NEGATIVE_INFINITY, -Double.MAX_VALUE, -1.5, -Double.MIN_VALUE, 0.0,
                        Double.MIN_VALUE, 1.5, Double.MAX_VALUE, Double.POSITIVE_INFINITY));
                RANDOM.doubles(10).map(d -> (d - 0.5) * 1e6).forEach(out::add);
            }
            case BOOLEAN -> out.addAll(List.of(false, true));
            case INSTANT -> {
                out.addAll(List.of(IndexType.MIN_INSTANT, IndexType.MAX_INSTANT, Instant.EPOCH,
                        Instant.ofEpochSecond(-1, 999_999_000), Instant.ofEpochSecond(0, 1_000), Instant.ofEpochSecond(1)));
            }
            case UUID -> {
                out.addAll(List.of(new UUID(0, 0), new UUID(0, -1), new UUID(-1, 0), new UUID(Long.MIN_VALUE, 1),
                        new UUID(Long.MAX_VALUE, 1), new UUID(1, Long.MIN_VALUE)));
                for (int i = 0; i < 10; i++) {
                    out.add(UUID.randomUUID());
                }
            }
        }
        return out;
    }

    private static int randomCodePoint() {
        while (true) {
            int cp = 1 + RANDOM.nextInt(switch (RANDOM.nextInt(3)) {
                case 0 -> 0x7F;
                case 1 -> 0xFFFF;
                default -> Character.MAX_CODE_POINT;
            });
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                return cp;
            }
        }
    }
}
