package dev.depot.server;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keeps web pages out of an open server on loopback by DNS rebinding. A server without API keys that
 * listens on loopback (the default of {@code depot serve}) trusts whoever can reach it, i.e. the
 * machine; but a page of {@code evil.example} whose name the attacker re-points at 127.0.0.1 reaches
 * it too, as its own origin, so the browser lets it send any request and read every answer. Such a
 * request carries the attacker's name in {@code Host}. So this server answers only requests addressed
 * to {@code localhost} (or a {@code *.localhost} name, which browsers resolve to loopback themselves)
 * or to an IP address, which no DNS answer can stand for; others are 403 {@code host-not-allowed}.
 * With API keys, or bound to another interface on purpose, nothing is checked.
 */
final class RebindingGuard {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-fA-F:.]+(%[0-9a-zA-Z._~-]+)?\\]");
    private final boolean enabled;

    private RebindingGuard(boolean enabled) {
        this.enabled = enabled;
    }

    static RebindingGuard of(ServerConfig config) {
        return new RebindingGuard(!config.apiKeys().enabled() && loopback(config.host()));
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // the server cannot bind it either
        }
    }

    /** Throws the 403 problem for a request addressed to a name other than localhost. */
    void check(Context ctx) {
        if (enabled && !allowed(ctx.header("Host"))) {
            throw new ProblemException(403, "host-not-allowed", "Host not allowed",
                    "this server has no API keys and listens on loopback: it answers requests addressed to localhost or an IP"
                            + " address only (a page could reach it under another name by DNS rebinding); call it as"
                            + " http://localhost:PORT, or give it API keys");
        }
    }

    /** Whether a {@code Host} header (name or address, with or without a port) may reach an open loopback server. */
    static boolean allowed(String host) {
        if (host == null) {
            return true; // HTTP/1.0 without Host: no browser sends that
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && IPV6.matcher(h.substring(0, end + 1)).matches() && portOrNothing(h.substring(end + 1));
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        if (colon >= 0 && !portOrNothing(h.substring(colon))) {
            return false;
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1); // the fully qualified form of the same name
        }
        return name.equals("localhost") || name.endsWith(".localhost") || IPV4.matcher(name).matches();
    }

    private static boolean portOrNothing(String rest) {
        return rest.isEmpty() || (rest.length() <= 6 && rest.charAt(0) == ':' && rest.substring(1).chars().allMatch(Character::isDigit));
    }
}
