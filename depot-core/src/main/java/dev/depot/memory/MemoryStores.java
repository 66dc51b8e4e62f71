package dev.depot.memory;

import dev.depot.DepotOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * Named memory stores: every {@code memory:NAME} depot of one name in the JVM shares a store until
 * the last of them closes. The first opener's options (clock, retention) apply.
 */
final class MemoryStores {
    private static final Map<String, Shared> NAMED = new HashMap<>();

    private MemoryStores() {}

    static synchronized MemoryStore acquire(String name, DepotOptions options) {
        Shared s = NAMED.computeIfAbsent(name, n -> new Shared(new MemoryStore(options)));
        s.references++;
        return s.store;
    }

    static synchronized void release(String name, MemoryStore store) {
        Shared s = NAMED.get(name);
        if (s != null && s.store == store && --s.references == 0) {
            NAMED.remove(name);
        }
    }

    /** The live store of a name, or null; for tests of the engine. */
    static synchronized MemoryStore peek(String name) {
        Shared s = NAMED.get(name);
        return s == null ? null : s.store;
    }

    private static final class Shared {
        final MemoryStore store;
        int references;

        Shared(MemoryStore store) {
            this.store = store;
        }
    }
}
