package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.spi.CodePoints;
import dev.depot.spi.IndexType;
import dev.depot.spi.KeyType;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link StoredIndexValues}: a String index value held as UTF-8 bytes must answer every question the
 * String answered — equality, order (code points, not UTF-16 units), and the String itself back.
 */
class StoredIndexValuesTest {

    /** Valid index text: ASCII, Latin-1, BMP beyond surrogates, and supplementary characters. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<Character> ascii = Arbitraries.chars().range(' ', '~');
        Arbitrary<String> mixed = Arbitraries.oneOf(
                ascii.map(String::valueOf),
                Arbitraries.chars().range('\u0080', '\u07ff').map(String::valueOf),
                Arbitraries.chars().range('\u0800', '\ud7ff').map(String::valueOf),
                Arbitraries.chars().range('\ue000', '\uffff').map(String::valueOf),
                Arbitraries.integers().between(0x10000, 0x10FFFF).map(Character::toString));
        return mixed.list().ofMaxSize(12).map(parts -> String.join("", parts));
    }

    @Property(tries = 2000)
    void bytesOrderAsTheStringsDoAndRoundTrip(@ForAll("text") String a, @ForAll("text") String b) {
        Object sa = StoredIndexValues.store(a);
        Object sb = StoredIndexValues.store(b);
        assertThat(sa).isInstanceOf(byte[].class);
        assertThat(StoredIndexValues.load(sa)).isEqualTo(a);
        assertThat(StoredIndexValues.store(sa)).isSameAs(sa);
        assertThat(Integer.signum(StoredIndexValues.compareNullsFirst(IndexType.STRING, sa, sb)))
                .isEqualTo(Integer.signum(CodePoints.compare(a, b)));
        assertThat(StoredIndexValues.same(sa, b)).isEqualTo(a.equals(b));
        assertThat(StoredIndexValues.same(sa, sb)).isEqualTo(a.equals(b));
        assertThat(StoredIndexValues.same(sa, a)).isTrue();
    }

    /** The text compare without encoding: prefixes, one byte off in each position, other lengths. */
    @Property(tries = 2000)
    void textEqualityDetectsEveryDifference(@ForAll("text") String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertThat(StoredIndexValues.isUtf8Of(b, s)).isTrue();
        for (int i = 0; i < b.length; i++) {
            byte[] changed = b.clone();
            changed[i] ^= 1;
            assertThat(StoredIndexValues.isUtf8Of(changed, s)).as("byte %d flipped", i).isFalse();
            assertThat(StoredIndexValues.isUtf8Of(java.util.Arrays.copyOf(b, i), s)).as("cut at %d", i).isFalse();
        }
        assertThat(StoredIndexValues.isUtf8Of(java.util.Arrays.copyOf(b, b.length + 1), s)).isFalse();
        assertThat(StoredIndexValues.isUtf8Of(b, s + "a")).isFalse();
    }

    @Test
    void otherValuesAreStoredAsThemselves() {
        UUID u = UUID.randomUUID();
        for (Object v : new Object[] {5L, 1.5, true, java.time.Instant.EPOCH, u, null}) {
            assertThat(StoredIndexValues.store(v)).isSameAs(v);
            assertThat(StoredIndexValues.load(v)).isSameAs(v);
            assertThat(StoredIndexValues.same(v, v)).isTrue();
        }
        assertThat(StoredIndexValues.same(5L, 5)).isFalse();
        assertThat(StoredIndexValues.same(StoredIndexValues.store("5"), 5L)).isFalse();
        assertThat(StoredIndexValues.compareNullsFirst(IndexType.STRING, null, StoredIndexValues.store(""))).isNegative();
        assertThat(StoredIndexValues.storeAllIfText(new Object[] {5L, null, u})).isNull();
        Object[] withText = {5L, "n\u00e9"};
        assertThat(StoredIndexValues.storeAllIfText(withText)).isNotSameAs(withText).satisfies(a -> {
            assertThat(a[0]).isEqualTo(5L);
            assertThat(StoredIndexValues.load(a[1])).isEqualTo("n\u00e9");
        });
    }

    /** UTF-16 puts U+FFFD after an emoji's surrogates; code points (and UTF-8 bytes) put it before. */
    @Test
    void indexEntriesOfTextOrderByCodePoint() {
        var cmp = IndexEntry.comparator(IndexType.STRING, KeyType.STRING);
        IndexEntry replacement = new IndexEntry("\uFFFD", "k");
        IndexEntry emoji = new IndexEntry("\uD83D\uDE00", "k");
        assertThat(replacement.value()).isInstanceOf(byte[].class);
        assertThat(cmp.compare(replacement, emoji)).isNegative();
        assertThat("\uFFFD".compareTo("\uD83D\uDE00")).isPositive();
    }

    /** A version keeps the bytes its index entries share, and gives the String back. */
    @Test
    void versionsShareTheStoredBytesWithTheirEntries() {
        Version v = Version.of("k", 1, new byte[] {1}, new Object[] {"n\u00e9", 5L}, 1, null);
        assertThat(v.storedValue(0)).isInstanceOf(byte[].class);
        assertThat(v.indexValue(0)).isEqualTo("n\u00e9");
        assertThat(new IndexEntry(v.storedValue(0), v.key).value()).isSameAs(v.storedValue(0));
        assertThat(v.holds(0, "n\u00e9")).isTrue();
        assertThat(v.holds(0, v.storedValue(0))).isTrue();
        assertThat(v.holds(0, "ne")).isFalse();
    }
}
