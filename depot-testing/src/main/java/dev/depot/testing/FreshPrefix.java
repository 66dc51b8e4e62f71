package dev.depot.testing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Isolation of {@link DepotTest} depots on a shared SQL database: each test gets a table prefix of its
 * own, so tests never see each other's data (not even when they run in parallel), and the tables of
 * that prefix are dropped when the test ends. Other URLs are left as they are.
 *
 * <p>The drop is depot-jdbc's {@code JdbcDepots.drop(url)}, which only drops the tables of that one
 * depot. It is found by name, because depot-testing cannot depend on depot-jdbc (the conformance kit,
 * which every SQL module tests with, depends on depot-testing); a SQL URL opens only with a database
 * module on the class path, and every one of them brings depot-jdbc.
 */
final class FreshPrefix {
    /** URL schemes of the SQL backends, whose depots live in tables named by a prefix. */
    private static final Set<String> SQL_SCHEMES = Set.of("postgresql", "postgres", "mariadb", "mysql", "h2", "sqlite", "jdbc");
    /** The fresh part: 8 characters of [a-z0-9], 41 bits, so concurrent test JVMs do not meet. */
    private static final int RANDOM = 8;
    /** Longest prefix Depot takes (JdbcSettings: [a-z][a-z0-9_]{0,19}). */
    private static final int MAX_PREFIX = 20;
    private static final String BASE = "dt_";
    private static final SecureRandom RNG = new SecureRandom();

    private FreshPrefix() {}

    /**
     * Whether depots at this URL live in prefixed SQL tables that Depot may create: not with
     * {@code ddl=validate} or {@code ddl=none}, where the tables were made beforehand under the URL's
     * prefix (those depots are cleared before each test instead).
     */
    static boolean applies(String url) {
        int colon = url.indexOf(':');
        return colon > 0 && SQL_SCHEMES.contains(url.substring(0, colon).toLowerCase(Locale.ROOT))
                && !NO_DDL.matcher(url).find();
    }

    private static final java.util.regex.Pattern NO_DDL = java.util.regex.Pattern.compile("[?&]ddl=(validate|none)(&|$)",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * The URL with a new {@code tablePrefix}: the one it names (shortened to leave room) or
     * {@code dt_}, followed by random characters and {@code _}.
     */
    static String apply(String url) {
        String base = BASE;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([?&])tablePrefix=([^&]*)").matcher(url);
        if (m.find()) {
            base = m.group(2);
        }
        base = base.substring(0, Math.min(base.length(), MAX_PREFIX - RANDOM - 1));
        StringBuilder prefix = new StringBuilder(base);
        for (int i = 0; i < RANDOM; i++) {
            prefix.append(Character.forDigit(RNG.nextInt(36), 36));
        }
        prefix.append('_');
        if (m.find(0)) {
            return url.substring(0, m.start()) + m.group(1) + "tablePrefix=" + prefix + url.substring(m.end());
        }
        return url + (url.contains("?") ? "&" : "?") + "tablePrefix=" + prefix;
    }

    /** Drops every table of the depot at {@code url} (which names its prefix); returns those dropped. */
    @SuppressWarnings("unchecked")
    static List<String> drop(String url) {
        try {
            return (List<String>) Drop.HANDLE.invokeExact(url);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("could not drop the test tables of " + url, e);
        }
    }

    /** Looked up once, on the first SQL test. */
    private static final class Drop {
        static final MethodHandle HANDLE = find();

        private static MethodHandle find() {
            try {
                Class<?> jdbc = Class.forName("dev.depot.jdbc.JdbcDepots");
                return MethodHandles.publicLookup().findStatic(jdbc, "drop", MethodType.methodType(List.class, String.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("@DepotTest on a SQL URL needs dev.depot:depot-jdbc (it comes with "
                        + "depot-postgresql, depot-mariadb, depot-h2 or depot-sqlite)", e);
            }
        }
    }
}
