package dev.depot.spi;

import java.util.Locale;
import java.util.Objects;

/**
 * A depot URL: {@code scheme:rest}. {@link #toString()} hides any password (the part between
 * {@code :} and {@code @} in the authority, and {@code password=} parameters), so a URL can be
 * logged or put in a message.
 */
public final class DepotUrl {
    private final String text;
    private final String scheme;
    private final String rest;

    private DepotUrl(String text, String scheme, String rest) {
        this.text = text;
        this.scheme = scheme;
        this.rest = rest;
    }

    /** Parses {@code scheme:rest}; {@link IllegalArgumentException} if there is no scheme. */
    public static DepotUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        int colon = url.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a depot URL (expected scheme:...): " + redact(url));
        }
        return new DepotUrl(url, url.substring(0, colon).toLowerCase(Locale.ROOT), url.substring(colon + 1));
    }

    public String scheme() {
        return scheme;
    }

    /** Everything after {@code scheme:}. */
    public String rest() {
        return rest;
    }

    /** The full URL including credentials; never log it. */
    public String secret() {
        return text;
    }

    @Override
    public String toString() {
        return redact(text);
    }

    /** The URL with passwords replaced by {@code ***}. */
    public static String redact(String url) {
        String out = url.replaceAll("(?i)(password|pwd|passwd)=[^&;]*", "$1=***");
        int schemeEnd = out.indexOf("://");
        if (schemeEnd >= 0) {
            int at = out.indexOf('@', schemeEnd + 3);
            int slash = out.indexOf('/', schemeEnd + 3);
            if (at > 0 && (slash < 0 || at < slash)) {
                String userInfo = out.substring(schemeEnd + 3, at);
                int c = userInfo.indexOf(':');
                if (c >= 0) {
                    out = out.substring(0, schemeEnd + 3) + userInfo.substring(0, c) + ":***" + out.substring(at);
                }
            }
        }
        return out;
    }
}
