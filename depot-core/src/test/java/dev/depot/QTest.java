package dev.depot;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QTest {
    @Test
    void aNullRangeBoundIsReportedAsSuchNotAsANullTest() {
        assertThatThrownBy(() -> Q.field("score").between(100, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("high bound is null").hasMessageContaining("ge()").hasMessageNotContaining("isNull");
        assertThatThrownBy(() -> Q.field("score").between(null, 100)).hasMessageContaining("low bound is null")
                .hasMessageContaining("le()");
        assertThatThrownBy(() -> Q.field("score").lt(null)).hasMessageContaining("bound must not be null")
                .hasMessageNotContaining("isNull");
        assertThatThrownBy(() -> Q.field("name").startsWith(null)).hasMessageContaining("startsWith(null)")
                .hasMessageContaining("prefix");
    }

    @Test
    void aNullEqualityOperandPointsToTheNullTests() {
        assertThatThrownBy(() -> Q.field("name").eq(null)).hasMessageContaining("isNull()");
        assertThatThrownBy(() -> Q.field("name").in("a", null)).hasMessageContaining("isNull()");
    }
}
