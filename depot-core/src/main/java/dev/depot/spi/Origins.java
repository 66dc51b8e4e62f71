package dev.depot.spi;

import dev.depot.DepotOptions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Origins: the names a depot's writes carry in the change feed ({@code ChangeEvent.origin()}). A
 * backend fixes its origin when it opens: the one its options name, else a random one, so two depots
 * opened with the same options still tell their writes apart.
 */
public final class Origins {
    /** The longest origin; SQL backends keep it in a {@code VARCHAR(64)}. */
    public static final int MAX_LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Origins() {}

    /** Whether {@code origin} is 1 to 64 printable ASCII characters without spaces. */
    public static boolean valid(String origin) {
        if (origin.isEmpty() || origin.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < origin.length(); i++) {
            char c = origin.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** The origin a backend opened with {@code options} stamps on its commits' events. */
    public static String of(DepotOptions options) {
        if (options.origin() != null) {
            return options.origin();
        }
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return "depot-" + HexFormat.of().formatHex(b);
    }
}
