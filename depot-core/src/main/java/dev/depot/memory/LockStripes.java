package dev.depot.memory;

/**
 * Locks striped by hash. Held only during the validate-install-publish step of a commit
 * (microseconds), never while user code runs, so writers of different keys do not wait on each
 * other in any way a caller can observe.
 */
final class LockStripes {
    private final OrderedLock[] stripes;

    LockStripes(int count) {
        stripes = new OrderedLock[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new OrderedLock();
        }
    }

    /** Every stripe, in ordinal order. */
    java.util.List<OrderedLock> all() {
        return java.util.List.of(stripes);
    }

    OrderedLock forHash(int hash) {
        int h = hash ^ (hash >>> 16);
        return stripes[(h & 0x7fffffff) % stripes.length];
    }
}
