package dev.depot.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodePointsTest {
    @Test
    void supplementaryCharactersSortAfterTheTopOfTheBasicPlane() {
        assertThat(CodePoints.compare("\uD83D\uDE00", "\uFFFD")).isPositive();
        assertThat(CodePoints.compare("\uD83D\uDE00", "\uE000")).isPositive();
        assertThat("\uD83D\uDE00".compareTo("\uFFFD")).isNegative(); // what Java alone would do
    }

    @Test
    void agreesWithUtf8ByteOrderOnRandomStrings() {
        Random random = new Random(42);
        int[] pool = {'a', 'z', 0x7f, 0xe9, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff};
        for (int i = 0; i < 5_000; i++) {
            String a = randomString(random, pool);
            String b = randomString(random, pool);
            assertThat(Integer.signum(CodePoints.compare(a, b)))
                    .as("%s vs %s", a, b)
                    .isEqualTo(Integer.signum(Arrays.compareUnsigned(utf8(a), utf8(b))));
        }
    }

    @Test
    void prefixUpperBoundIsTheFirstStringPastThePrefix() {
        assertThat(CodePoints.prefixUpperBound("ab")).isEqualTo("ac");
        assertThat(CodePoints.prefixUpperBound("a\uD7FF")).isEqualTo("a\uE000"); // skips surrogates
        assertThat(CodePoints.prefixUpperBound("a\uD83D\uDE00")).isEqualTo("a\uD83D\uDE01");
        assertThat(CodePoints.prefixUpperBound(new String(Character.toChars(Character.MAX_CODE_POINT)))).isNull();
        for (String s : List.of("ab", "abzzz", "ab\uD83D\uDE00")) {
            assertThat(CodePoints.compare(s, CodePoints.prefixUpperBound("ab"))).isNegative();
        }
    }

    @Test
    void utf8LengthCountsBytes() {
        assertThat(CodePoints.utf8Length("aé\u20ac\uD83D\uDE00")).isEqualTo(1 + 2 + 3 + 4);
    }

    private static String randomString(Random random, int[] pool) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(pool[random.nextInt(pool.length)]);
        }
        return sb.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsEveryUnpairedSurrogateAndAcceptsWellFormedPairs() {
        for (String bad : List.of("\uD800", "\uDC00", "a\uD800", "\uDC00a", "\uDC00\uD800", "a\uD83Db", "\uD83D\uDE00\uD800")) {
            assertThat(CodePoints.hasUnpairedSurrogate(bad)).as("%s", Arrays.toString(bad.toCharArray())).isTrue();
        }
        for (String good : List.of("", "a", "\uD83D\uDE00", "x\uD83D\uDE00y\uDBFF\uDFFF", "\uFFFD", "\uE000")) {
            assertThat(CodePoints.hasUnpairedSurrogate(good)).isFalse();
        }
    }
}
