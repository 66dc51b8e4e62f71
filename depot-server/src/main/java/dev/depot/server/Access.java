package dev.depot.server;

import io.javalin.http.Context;

/**
 * Decides whether a request may run: picks its {@link Tenant} and, when keys are configured, checks
 * its {@code Authorization: Bearer} key. 401 when the key is missing or unknown, 403 when the key's
 * role or tenants do not cover the route. The key itself is never logged or echoed.
 */
final class Access {
    private final ApiKeys keys;

    Access(ApiKeys keys) {
        this.keys = keys;
    }

    /** Sets the request's tenant, or throws the 400/401/403 problem. */
    void check(Context ctx, Route route) {
        once(ctx, Tenant.HEADER);
        once(ctx, "Authorization");
        Tenant tenant = Tenant.of(ctx.header(Tenant.HEADER));
        ctx.attribute(Tenant.ATTRIBUTE, tenant);
        if (!keys.enabled() || route.role() == null) {
            return; // health and the OpenAPI document are open
        }
        String auth = ctx.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.length() <= 7) {
            throw unauthorized("this server needs an API key: send Authorization: Bearer <key>");
        }
        ApiKeys.Entry entry = keys.find(auth.substring(7).strip());
        if (entry == null) {
            throw unauthorized("the API key is not known");
        }
        if (!entry.role().includes(route.role())) {
            throw forbidden("this route needs the " + route.role().name().toLowerCase(java.util.Locale.ROOT)
                    + " role; the key has " + entry.role().name().toLowerCase(java.util.Locale.ROOT));
        }
        String needed = route.global() ? "*" : tenant.name();
        if (!entry.allows(needed)) {
            throw forbidden(route.global() ? "this route needs a key for every tenant (*)"
                    : "the key is not allowed in tenant '" + tenant.name() + "'");
        }
    }

    /**
     * Refuses a header given twice: the server read the first, while a proxy in front may have
     * checked or set the other (say the tenant it allows), so either choice can be the wrong one.
     */
    private static void once(Context ctx, String header) {
        java.util.Enumeration<String> values = ctx.req().getHeaders(header);
        if (values != null && values.hasMoreElements()) {
            values.nextElement();
            if (values.hasMoreElements()) {
                throw ProblemException.badRequest("duplicate-header", header + " is given more than once; give it once");
            }
        }
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Unauthorized", detail);
    }

    private static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail);
    }
}
