package dev.depot.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IndexTypeTest {
    enum Color { RED }

    @Test
    void mapsJavaTypes() {
        assertThat(IndexType.of(int.class)).isEqualTo(IndexType.LONG);
        assertThat(IndexType.of(Float.class)).isEqualTo(IndexType.DOUBLE);
        assertThat(IndexType.of(Color.class)).isEqualTo(IndexType.STRING);
        assertThatThrownBy(() -> IndexType.of(Object.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void coercesWhatFitsExactly() {
        assertThat(IndexType.LONG.coerce(50)).isEqualTo(50L);
        assertThat(IndexType.LONG.coerce(50.0)).isEqualTo(50L);
        assertThat(IndexType.LONG.coerce(new BigDecimal("7"))).isEqualTo(7L);
        assertThat(IndexType.DOUBLE.coerce(3)).isEqualTo(3.0);
        assertThat(IndexType.DOUBLE.coerce(-0.0)).isEqualTo(0.0);
        assertThat(IndexType.STRING.coerce(Color.RED)).isEqualTo("RED");
        assertThat(IndexType.UUID.coerce("00000000-0000-0000-0000-000000000001")).isEqualTo(new UUID(0, 1));
        assertThat(IndexType.INSTANT.coerce(OffsetDateTime.parse("2030-01-01T01:00:00.123456789+01:00")))
                .isEqualTo(Instant.parse("2030-01-01T00:00:00.123456Z"));
    }

    @Test
    void rejectsWhatDoesNotFitWithoutEchoingTheValue() {
        assertThatThrownBy(() -> IndexType.LONG.coerce("secret-50"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> IndexType.LONG.coerce(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexType.DOUBLE.coerce(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexType.BOOLEAN.coerce("true")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringValuesFitEveryDatabasesIndex() {
        String emoji = "\uD83D\uDE00";
        assertThat(IndexType.STRING.coerce(emoji.repeat(512))).isEqualTo(emoji.repeat(512)); // 1024 chars, 512 code points
        assertThatThrownBy(() -> IndexType.STRING.coerce("x".repeat(513))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexType.STRING.coerce("a\u0000b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+0000");
    }

    @Test
    void uuidsOrderLikeTheirText() {
        UUID low = UUID.fromString("0fffffff-ffff-ffff-ffff-ffffffffffff");
        UUID high = UUID.fromString("f0000000-0000-0000-0000-000000000000");
        assertThat(high.compareTo(low)).isNegative(); // Java's signed order disagrees with the text
        assertThat(IndexType.UUID.compare(low, high)).isNegative();
        assertThat(KeyType.UUID.compare(low, high)).isNegative();
    }

    @Test
    void nullsSortFirst() {
        assertThat(IndexType.STRING.compareNullsFirst(null, "")).isNegative();
        assertThat(IndexType.STRING.compareNullsFirst(null, null)).isZero();
    }
}
