package dev.depot.jdbc;

/**
 * A key's committed state as a transaction first read it: absent, or its version, stamp and index
 * values. The stamp is what commit compares to detect a concurrent committed write.
 */
record Base(Object key, boolean exists, long version, long stamp, Object[] values) {
    static Base absent(Object key) {
        return new Base(key, false, 0, 0, null);
    }
}
