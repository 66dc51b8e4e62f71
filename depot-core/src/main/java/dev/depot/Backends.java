package dev.depot;

import dev.depot.spi.Backend;
import dev.depot.spi.BackendProvider;
import dev.depot.spi.DepotUrl;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds backends through {@link ServiceLoader} and opens depots on them. */
final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Depot.class);
    /** Where each first-party scheme lives, so a missing module is named instead of guessed at. */
    private static final Map<String, String> MODULES = Map.of(
            "postgresql", "depot-postgresql", "postgres", "depot-postgresql",
            "mariadb", "depot-mariadb", "mysql", "depot-mariadb",
            "h2", "depot-h2", "sqlite", "depot-sqlite", "file", "depot-files");

    private Backends() {}

    static Depot open(String url, DepotOptions options) {
        DepotUrl parsed = DepotUrl.parse(url);
        if (parsed.scheme().equals("jdbc")) {
            parsed = DepotUrl.parse(parsed.rest()); // jdbc:postgresql://… as found in many DATABASE_URLs
        }
        Map<String, BackendProvider> providers = providers();
        BackendProvider provider = providers.get(parsed.scheme());
        if (provider == null) {
            String module = MODULES.get(parsed.scheme());
            if (module != null) {
                throw new IllegalArgumentException("no backend for '" + parsed.scheme() + ":' URLs on the class path ("
                        + parsed + "): add the dependency dev.depot:" + module + "; available schemes: " + providers.keySet());
            }
            throw new IllegalArgumentException("unknown depot URL scheme '" + parsed.scheme() + "' in " + parsed
                    + "; known schemes: " + providers.keySet());
        }
        Backend backend = provider.open(parsed, options);
        return new DefaultDepot(backend, parsed, options);
    }

    static Depot fromEnvironment(Map<String, String> env, DepotOptions options) {
        String url = nonBlank(env.get("DEPOT_URL"));
        if (url == null) {
            url = nonBlank(env.get("DATABASE_URL"));
        }
        if (url == null) {
            LOG.warn("Neither DEPOT_URL nor DATABASE_URL is set: using memory:, whose data is lost when the process ends");
            url = "memory:";
        }
        return open(url, options);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Providers by scheme, sorted for a stable error message. */
    static Map<String, BackendProvider> providers() {
        Map<String, BackendProvider> out = new TreeMap<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            for (String s : p.schemes()) {
                out.putIfAbsent(s, p);
            }
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != Backends.class.getClassLoader()) {
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, context)) {
                for (String s : p.schemes()) {
                    out.putIfAbsent(s, p);
                }
            }
        }
        return out;
    }
}
