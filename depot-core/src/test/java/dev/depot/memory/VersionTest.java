package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Version}: index values in per-arity fields, tombstones, the decoded-value cache slot. */
class VersionTest {
    private static final byte[] DOC = {1, 2, 3};

    @Test
    void keepsEachIndexValueWhateverTheIndexCount() {
        for (int n = 0; n <= 4; n++) {
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                values[i] = i % 2 == 0 ? "v" + i : (Object) (long) i;
            }
            Version v = Version.of("k", 3, DOC, values, 7, null);
            assertThat(v.indexCount()).isEqualTo(n);
            assertThat(v.indexValues()).containsExactly(values);
            for (int i = 0; i < n; i++) {
                assertThat(v.indexValue(i)).isEqualTo(values[i]);
            }
            int outside = n;
            assertThatThrownBy(() -> v.indexValue(outside)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(v.key()).isEqualTo("k");
            assertThat(v.version()).isEqualTo(3);
            assertThat(v.commitSeq).isEqualTo(7);
            assertThat(v.document()).isSameAs(DOC);
            assertThat(v.isTombstone()).isFalse();
        }
    }

    @Test
    void nullIndexValuesStayNull() {
        Version v = Version.of("k", 1, DOC, new Object[] {null, 5L}, 1, null);
        assertThat(v.indexValue(0)).isNull();
        assertThat(v.indexValue(1)).isEqualTo(5L);
    }

    /** Long values held unboxed compare like the boxed ones did: equal only to an equal Long. */
    @Test
    void holdsComparesLikeEqualsWhetherOrNotAValueIsUnboxed() {
        Object[][] shapes = {
            {5L}, {"a"}, {null}, {"a", 5L}, {5L, "a"}, {5L, 6L}, {null, 5L}, {5L, null}, {"a", "b"}, {Long.MIN_VALUE, 1L, "c"}
        };
        Object[] probes = {5L, 6L, 5, "a", "b", null, Long.MIN_VALUE, 1L, "c"};
        for (Object[] values : shapes) {
            Version v = Version.of("k", 1, DOC, values, 1, null);
            assertThat(v.indexValues()).containsExactly(values);
            for (int i = 0; i < values.length; i++) {
                for (Object probe : probes) {
                    assertThat(v.holds(i, probe)).as("%s[%d] holds %s", java.util.Arrays.toString(values), i, probe)
                            .isEqualTo(java.util.Objects.equals(values[i], probe));
                }
            }
        }
    }

    /** Comparing two versions' values (what pruning does) agrees with equals for every pair of shapes, unboxed or not. */
    @Test
    void holdsValueOfComparesLikeEqualsAcrossShapes() {
        Object[][] shapes = {
            {5L}, {6L}, {"a"}, {null}, {"a", 5L}, {"a", 6L}, {5L, "a"}, {6L, "a"}, {5L, 6L}, {null, 5L}, {5L, null}, {"a", "b"}
        };
        for (Object[] x : shapes) {
            for (Object[] y : shapes) {
                if (x.length != y.length) {
                    continue;
                }
                Version vx = Version.of("k", 1, DOC, x, 1, null);
                Version vy = Version.of("k", 2, DOC, y, 2, null);
                for (int i = 0; i < x.length; i++) {
                    assertThat(vx.holdsValueOf(i, vy)).as("%s[%d] vs %s", java.util.Arrays.toString(x), i, java.util.Arrays.toString(y))
                            .isEqualTo(java.util.Objects.equals(x[i], y[i]));
                }
            }
        }
    }

    /** A version number beyond int (a key written 2^31 times) is kept whole, with its values or as a tombstone. */
    @Test
    void aRecordVersionBeyondIntIsKeptWhole() {
        long[] versions = {Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 1L << 40, Long.MAX_VALUE};
        Object[][] shapes = {null, {}, {"a"}, {5L}, {"a", 5L}, {"a", "b", 3L}};
        for (long version : versions) {
            for (Object[] values : shapes) {
                Version v = Version.of("k", version, DOC, values, 9, null);
                assertThat(v.version()).isEqualTo(version);
                assertThat(v.indexValues()).containsExactly(values == null ? new Object[0] : values);
                assertThat(v.commitSeq).isEqualTo(9);
                Version dead = Version.of("k", version, null, values, 10, v);
                assertThat(dead.version()).isEqualTo(version);
                assertThat(dead.isTombstone()).isTrue();
                assertThat(dead.indexCount()).isZero();
                assertThat(dead.prev).isSameAs(v);
            }
        }
    }

    @Test
    void aLaterChangeToTheCallersArrayDoesNotReachTheVersion() {
        Object[] values = {"a", "b", "c"};
        Version v = Version.of("k", 1, DOC, values, 1, null);
        values[1] = "changed";
        assertThat(v.indexValue(1)).isEqualTo("b");
    }

    @Test
    void aTombstoneCarriesNoIndexValues() {
        Version v = Version.of("k", 2, null, new Object[] {"a", 1L}, 1, null);
        assertThat(v.isTombstone()).isTrue();
        assertThat(v.indexCount()).isZero();
        assertThat(v.document()).isNull();
    }

    @Test
    void theDecodedValueCacheHoldsWhatCoreStores() {
        Version v = Version.of("k", 1, DOC, new Object[] {"a", 1L}, 1, null);
        assertThat(v.cachedValue()).isNull();
        Object decoded = new Object();
        v.cacheValue(decoded);
        assertThat(v.cachedValue()).isSameAs(decoded);
        assertThat(v.document()).isSameAs(DOC);
    }
}
