package dev.depot.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
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

    @Test
    void instantsAreAcceptedFromYear1ToYear9999AfterTruncation() {
        assertThat(IndexType.INSTANT.coerce(IndexType.MIN_INSTANT)).isEqualTo(IndexType.MIN_INSTANT);
        assertThat(IndexType.INSTANT.coerce(IndexType.MAX_INSTANT.plusNanos(999))).isEqualTo(IndexType.MAX_INSTANT);
        assertThat(IndexType.INSTANT.coerce("9999-12-31T23:59:59.999999999Z")).isEqualTo(IndexType.MAX_INSTANT);
        for (Instant outside : List.of(Instant.MIN, Instant.MAX, IndexType.MIN_INSTANT.minusNanos(1),
                IndexType.MAX_INSTANT.plusNanos(1000), Instant.parse("-0001-06-01T00:00:00Z"))) {
            assertThatThrownBy(() -> IndexType.INSTANT.coerce(outside)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0001-01-01T00:00:00Z").hasMessageContaining("9999-12-31T23:59:59.999999Z");
        }
        assertThatThrownBy(() -> IndexType.INSTANT.coerce(new java.util.Date(Long.MIN_VALUE)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringValuesWithUnpairedSurrogatesAreRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> IndexType.STRING.coerce("secret\uD800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate").hasMessageNotContaining("secret");
        assertThat(IndexType.STRING.coerce("ok\uD83D\uDE00")).isEqualTo("ok\uD83D\uDE00");
    }

    @Test
    void messagesUseReadableNamesWithTheRightArticle() {
        assertThatThrownBy(() -> IndexType.INSTANT.coerce(true)).hasMessage("a Boolean cannot be coerced to an Instant index value");
        assertThatThrownBy(() -> IndexType.LONG.coerce(new Object())).hasMessage("an Object cannot be coerced to a Long index value");
        assertThatThrownBy(() -> IndexType.UUID.coerce(5)).hasMessage("an Integer cannot be coerced to a UUID index value");
        assertThatThrownBy(() -> IndexType.DOUBLE.coerce(Double.NaN)).hasMessageContaining("Double").hasMessageNotContaining("DOUBLE");
    }
}
