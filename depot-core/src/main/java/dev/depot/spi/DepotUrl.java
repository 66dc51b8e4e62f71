package dev.depot.spi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A depot URL: {@code scheme:rest}, with credentials parsed once, here, for every backend.
 *
 * <p>User info is {@code scheme://user[:password]@host...}: it ends at the <em>last</em> {@code @} of
 * the URL, so a password may contain {@code / ? # @ :} and any other character unencoded (the host,
 * database and parameters may not contain a raw {@code @}); user and password are split at the first
 * {@code :} and percent-decoded as UTF-8 ({@code +} stays {@code +}; a {@code %} not followed by two
 * hex digits stays literal). {@link #toString()} and {@link #redact} print the password as {@code ***}
 * (and {@code password=} parameters too), so a URL can be logged or put in a message;
 * {@link #withoutCredentials()} is what a backend hands to a driver.
 */
public final class DepotUrl {
    private final String text;
    private final String scheme;
    private final String rest;
    private final String user;
    private final String password;
    private final String withoutCredentials;

    private DepotUrl(String text, String scheme, String rest) {
        this.text = text;
        this.scheme = scheme;
        this.rest = rest;
        int authority = text.indexOf("://");
        int at = text.lastIndexOf('@');
        if (authority >= 0 && at >= authority + 3) {
            String info = text.substring(authority + 3, at);
            int colon = info.indexOf(':');
            this.user = decode(colon < 0 ? info : info.substring(0, colon));
            this.password = colon < 0 ? null : decode(info.substring(colon + 1));
            this.withoutCredentials = text.substring(0, authority + 3) + text.substring(at + 1);
        } else {
            this.user = null;
            this.password = null;
            this.withoutCredentials = text;
        }
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

    /** Everything after {@code scheme:}, credentials included; never log it. */
    public String rest() {
        return rest;
    }

    /** The full URL including credentials; never log it. */
    public String secret() {
        return text;
    }

    /** The decoded user of {@code scheme://user[:password]@...}, if any. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The decoded password of {@code scheme://user:password@...}, if any; never log it. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The URL with the whole user info ({@code user:password@}) removed: safe to hand to a driver. */
    public String withoutCredentials() {
        return withoutCredentials;
    }

    @Override
    public String toString() {
        return redact(text);
    }

    /**
     * Any text that may be a URL, with passwords replaced by {@code ***}. Errs on the side of hiding:
     * everything between the first {@code :} of the user info and the last {@code @} goes, and text
     * without {@code ://} but with an {@code @} (a malformed URL) is redacted from its first {@code :}.
     */
    public static String redact(String url) {
        String out = url;
        int at = out.lastIndexOf('@');
        if (at >= 0) {
            int authority = out.indexOf("://");
            int start = authority >= 0 && authority + 3 <= at ? authority + 3 : 0;
            int colon = out.indexOf(':', start);
            if (colon >= 0 && colon < at) {
                out = out.substring(0, colon) + ":***" + out.substring(at);
            }
        }
        return out.replaceAll("(?i)(password|pwd|passwd)=[^&;]*", "$1=***");
    }

    /** Percent-decoding of user info: UTF-8, '+' literal, malformed escapes kept as written (never an error quoting the text). */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            char ch = s.charAt(i);
            if (ch == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 3;
            } else {
                int cp = s.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
