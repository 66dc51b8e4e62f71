package dev.depot.server;

import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * The namespace a request works in, chosen by the {@code X-Depot-Tenant} header. The default tenant
 * (no header, or {@code default}) uses names as given; tenant {@code acme} stores collection
 * {@code orders} as {@code acme__orders}, and likewise buckets and queues. Names given over HTTP may
 * not contain {@code __} and tenant names have no {@code _}, so the first {@code __} of a stored name
 * always separates its tenant: two tenants can never name the same thing.
 */
record Tenant(String name, String prefix) {
    static final String HEADER = "X-Depot-Tenant";
    static final String ATTRIBUTE = "depot.tenant";
    static final Tenant DEFAULT = new Tenant("default", "");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,15}");

    /** The tenant a header value names; 400 when it is not a tenant name. */
    static Tenant of(String header) {
        if (header == null || header.isBlank() || header.trim().equals(DEFAULT.name)) {
            return DEFAULT;
        }
        String name = header.trim();
        if (!NAME.matcher(name).matches()) {
            throw ProblemException.badRequest("invalid-tenant",
                    HEADER + " must match [a-z][a-z0-9]{0,15} (lower-case letters and digits, at most 16)");
        }
        return new Tenant(name, name + "__");
    }

    /** The tenant the route wrapper chose for this request. */
    static Tenant of(Context ctx) {
        Tenant t = ctx.attribute(ATTRIBUTE);
        return t == null ? DEFAULT : t;
    }

    /** The stored name of {@code kind} {@code name} (collection, bucket, queue) in this tenant. */
    String physical(String kind, String name) {
        if (name.contains("__")) {
            throw ProblemException.badRequest("invalid-name", kind + " '" + name
                    + "': names may not contain '__' (it separates a tenant from its names)");
        }
        return prefix + name;
    }

    /** Whether a stored name belongs to this tenant (the server's own reserved names belong to none). */
    boolean owns(String physical) {
        if (physical.startsWith(Collections.RESERVED)) {
            return false;
        }
        return prefix.isEmpty() ? !physical.contains("__") : physical.startsWith(prefix);
    }

    /** The name this tenant knows a stored name by. */
    String visible(String physical) {
        return physical.substring(prefix.length());
    }
}
