package dev.depot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The write-side limits agree with what the JSON codec reads back, at and around each boundary. */
class DocumentsTest {
    record Num(String id, BigInteger big, BigDecimal dec) {}

    record IntIndexed(String id, int rank) {}

    static final Schema<String, Num> NUMS = Schema.of("nums", String.class, Num.class).key(Num::id).build();

    @Test
    void bigIntegersAreCheckedExactlyAroundTheNumberLimit() {
        int max = DocumentLimits.MAX_NUMBER_LENGTH;
        // Every digit count from well below to above the limit, positive and negative: what is
        // accepted must decode, and what is refused must be over the limit as text.
        for (int digits = max - 20; digits <= max + 20; digits++) {
            for (BigInteger v : List.of(BigInteger.TEN.pow(digits - 1), BigInteger.TEN.pow(digits).subtract(BigInteger.ONE),
                    BigInteger.TEN.pow(digits - 1).negate())) {
                Num n = new Num("k", v, null);
                if (v.toString().length() <= max) {
                    byte[] doc = Documents.encode(NUMS, "k", n);
                    assertThat(Documents.decode(NUMS, "k", doc).big()).isEqualTo(v);
                } else {
                    assertThatThrownBy(() -> Documents.encode(NUMS, "k", n)).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("MAX_NUMBER_LENGTH").hasMessageContaining("nums: key k");
                }
            }
        }
    }

    @Test
    void decodeFailuresNameCollectionAndKeyButNotTheDocument() {
        byte[] doc = "{\"id\":\"k\",\"big\":\"secret-text\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Documents.decode(NUMS, "k", doc)).isInstanceOf(CodecException.class)
                .hasMessageContaining("nums: key k").hasMessageNotContaining("secret").hasNoCause();
        byte[] deep = ("{\"id\":\"k\",\"x\":" + "[".repeat(DocumentLimits.MAX_NESTING_DEPTH) + "]".repeat(DocumentLimits.MAX_NESTING_DEPTH)
                + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Documents.decode(NUMS, "k", deep)).isInstanceOf(CodecException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void anIntegerIndexIsReportedAsDeclared() {
        Schema<String, IntIndexed> schema = Schema.of("ints", String.class, IntIndexed.class).key(IntIndexed::id)
                .index("rank", Integer.class, IntIndexed::rank).build();
        try (Depot depot = Depot.open("memory:")) {
            assertThatThrownBy(() -> depot.records(schema).query().where(Q.field("rank").eq("x")))
                    .hasMessageContaining("index 'rank' (Integer, stored as Long)")
                    .hasMessageContaining("a String cannot be coerced to a Long index value")
                    .hasMessageNotContaining("LONG");
        }
    }
}
