package dev.depot.memory;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Model checking of {@link Heads} with Lincheck: writers put, replace and remove versions of a few
 * colliding keys in a table that starts at 4 slots (so operations resize, shrink, reuse deleted
 * slots and wrap around), while readers look keys up. Keys collide on purpose (two hash codes
 * for six keys), so probes run through occupied and deleted slots, past versions of the other hash
 * (rejected by the hash each version carries) and of equal hashes (rejected by equals); lookups run
 * both one at a time and through the batched {@link Heads#getAll}. Specification: a plain map
 * ({@link Spec}), of which every concurrent history must be a linearization.
 */
@Param(name = "k", gen = IntGen.class, conf = "0:5")
@Param(name = "n", gen = IntGen.class, conf = "1:3")
public class HeadsLincheckTest {
    private final Heads heads = new Heads(4);

    /** A key whose hash collides with half the others. */
    record Key(int id) {
        @Override
        public int hashCode() {
            return id & 1;
        }
    }

    /** Makes version {@code n} the newest of key {@code k}. */
    @Operation
    public void put(@Param(name = "k") int k, @Param(name = "n") int n) {
        heads.put(Version.of(new Key(k), n, new byte[0], new Object[0], n, null));
    }

    /** Removes key {@code k} if present (retrying when a writer replaced the head in between). */
    @Operation
    public boolean remove(@Param(name = "k") int k) {
        while (true) {
            Version h = heads.get(new Key(k));
            if (h == null) {
                return false;
            }
            if (heads.remove(h)) {
                return true;
            }
        }
    }

    /** Puts version {@code n} in place of the current head of {@code k}, if there is one. */
    @Operation
    public boolean replace(@Param(name = "k") int k, @Param(name = "n") int n) {
        while (true) {
            Version h = heads.get(new Key(k));
            if (h == null) {
                return false;
            }
            if (heads.replace(h, Version.of(new Key(k), n, new byte[0], new Object[0], n, null))) {
                return true;
            }
        }
    }

    /** The newest version number of {@code k}, or 0. */
    @Operation
    public long get(@Param(name = "k") int k) {
        Version v = heads.get(new Key(k));
        return v == null ? 0 : v.version();
    }

    /** The same through the batched lookup ({@link Heads#getAll}), with a batch of one. */
    @Operation
    public long getAll(@Param(name = "k") int k) {
        Version[] out = new Version[1];
        heads.getAll(new Object[] {new Key(k)}, 1, new int[1], out);
        return out[0] == null ? 0 : out[0].version();
    }

    private static final boolean DEEP = Boolean.getBoolean("depot.deep");

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("depot.lincheck.iterations", DEEP ? 50 : 10))
                .invocationsPerIteration(DEEP ? 2_000 : 200)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(4)
                .sequentialSpecification(Spec.class)
                .check(HeadsLincheckTest.class);
    }

    /** Stress mode (real threads, no exploration): deep profile only; HeadsTest stresses it too. */
    @Test
    void stress() {
        Assumptions.assumeTrue(DEEP, "stress runs with -Ddepot.deep=true");
        new StressOptions()
                .iterations(Integer.getInteger("depot.lincheck.iterations", 20))
                .invocationsPerIteration(5_000)
                .threads(3)
                .actorsPerThread(4)
                .sequentialSpecification(Spec.class)
                .check(HeadsLincheckTest.class);
    }

    /** The sequential specification: a map from key to version number. */
    public static final class Spec {
        private final java.util.Map<Integer, Long> map = new java.util.HashMap<>();

        public void put(int k, int n) {
            map.put(k, (long) n);
        }

        public boolean remove(int k) {
            return map.remove(k) != null;
        }

        public boolean replace(int k, int n) {
            return map.replace(k, (long) n) != null;
        }

        public long get(int k) {
            return map.getOrDefault(k, 0L);
        }

        public long getAll(int k) {
            return get(k);
        }
    }
}
