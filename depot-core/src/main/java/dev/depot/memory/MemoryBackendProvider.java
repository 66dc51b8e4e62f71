package dev.depot.memory;

import dev.depot.DepotOptions;
import dev.depot.spi.Backend;
import dev.depot.spi.BackendProvider;
import dev.depot.spi.DepotUrl;
import dev.depot.spi.Origins;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Serves {@code memory:} (a private store, gone when the depot closes) and {@code memory:NAME} (a
 * store shared by every depot of that name in the JVM until the last one closes).
 */
public final class MemoryBackendProvider implements BackendProvider {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public Backend open(DepotUrl url, DepotOptions options) {
        String name = url.rest();
        if (name.isEmpty()) {
            return new MemoryBackend(new MemoryStore(options), null, Origins.of(options));
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid memory store name in " + url
                    + ": use memory: or memory:NAME with NAME of letters, digits, '_', '.', '-'");
        }
        return new MemoryBackend(MemoryStores.acquire(name, options), name, Origins.of(options));
    }
}
